"""The registry of external datasets (``data/sources.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from whatworks.paths import DATA_DIR

REGISTRY_PATH = DATA_DIR / "sources.yaml"
LOCAL_SCHEMAS_PATH = DATA_DIR / "schemas.yaml"

TYPES = ("int", "float", "str", "date")
COLUMN_KEYS = {"type", "description", "nullable", "min", "max", "allowed", "rename", "format"}
COVERAGE_KEYS = {"columns", "resolution", "first", "last", "basis", "same_as"}
RESOLUTIONS = ("year", "month", "day")


@dataclass(frozen=True)
class CoverageSpec:
    """How to tell the first and last period of a dataset: from its columns, or as stated by a source.

    ``columns`` (computed) names columns of the file (years or dates; ``year`` and ``month``
    together at month resolution) whose smallest and largest values are the first and last period,
    at ``resolution``; ``first``/``last`` (stated) give them as text, and ``same_as`` takes the
    coverage of another dataset, both with ``basis`` saying why.
    """

    columns: tuple[str, ...] = ()
    resolution: str = "year"
    first: str | None = None
    last: str | None = None
    basis: str = ""
    same_as: str | None = None

    @property
    def computed(self) -> bool:
        """Whether the coverage is computed from the file (else it is stated)."""
        return bool(self.columns)


@dataclass(frozen=True)
class Column:
    """One column a dataset must have, with its checks."""

    name: str
    type: str
    description: str
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[Any, ...] | None = None
    rename: str | None = None
    format: str | None = None

    @property
    def tidy_name(self) -> str:
        """Name of the column in the tidy frame a loader returns."""
        return self.rename or self.name


@dataclass(frozen=True)
class Source:
    """One external dataset: where it comes from and what it must contain."""

    name: str
    file: str
    url: str
    sha256: str
    size: int
    title: str
    publisher: str
    licence: str
    citation: str
    description: str
    schema: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    country: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    comment: str | None = None
    skiprows: int = 0
    coverage: CoverageSpec | None = None

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _column(name: str, spec: dict[str, Any]) -> Column:
    unknown = set(spec) - COLUMN_KEYS
    if unknown:
        raise ValueError(f"column {name!r}: unknown keys {sorted(unknown)} (quote values with commas)")
    if spec.get("type") not in TYPES:
        raise ValueError(f"column {name!r}: type must be one of {TYPES}, not {spec.get('type')!r}")
    allowed = spec.get("allowed")
    return Column(
        name=name,
        type=spec["type"],
        description=str(spec.get("description", "")),
        nullable=bool(spec.get("nullable", False)),
        min=spec.get("min"),
        max=spec.get("max"),
        allowed=tuple(allowed) if allowed is not None else None,
        rename=spec.get("rename"),
        format=spec.get("format"),
    )


def _coverage(name: str, spec: dict[str, Any] | None) -> CoverageSpec | None:
    if spec is None:
        return None
    unknown = set(spec) - COVERAGE_KEYS
    if unknown:
        raise ValueError(f"{name}: coverage: unknown keys {sorted(unknown)}")
    cov = CoverageSpec(
        columns=tuple(spec.get("columns", ())),
        resolution=str(spec.get("resolution", "year")),
        first=None if spec.get("first") is None else str(spec["first"]),
        last=None if spec.get("last") is None else str(spec["last"]),
        basis=str(spec.get("basis", "")),
        same_as=spec.get("same_as"),
    )
    if cov.resolution not in RESOLUTIONS:
        raise ValueError(f"{name}: coverage: resolution must be one of {RESOLUTIONS}, not {cov.resolution!r}")
    stated = cov.first is not None and cov.last is not None
    if not cov.computed and not ((stated or cov.same_as) and cov.basis):
        raise ValueError(f"{name}: coverage needs columns to compute it from, or first and last (or same_as) and the basis they rest on")
    return cov


def _source(name: str, entry: dict[str, Any]) -> Source:
    entry = dict(entry)
    entry["coverage"] = _coverage(name, entry.get("coverage"))
    cols = tuple(_column(str(c), spec) for c, spec in entry.pop("columns").items())
    cov = entry["coverage"]
    missing = [c for c in (cov.columns if cov else ()) if c not in {col.name for col in cols}]
    if missing:
        raise ValueError(f"{name}: coverage: columns {missing} are not registered columns")
    return Source(name=name, columns=cols, key=tuple(entry.pop("key", ())), country=dict(entry.pop("country", {})), **entry)


@cache
def sources(path: Path = REGISTRY_PATH) -> dict[str, Source]:
    """All registered datasets, by name."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _source(name, entry) for name, entry in raw.items()}


@cache
def local_schemas(path: Path = LOCAL_SCHEMAS_PATH) -> dict[str, Source]:
    """Schemas of files that only practitioners supply (``data/schemas.yaml``), by schema name.

    They have no published file behind them (no URL or checksum); the book's own
    data are converted to these layouts by functions of ``whatworks``.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Source] = {}
    for name, entry in raw.items():
        defaults = {"file": f"{name}.csv", "url": "", "sha256": "", "size": 0, "publisher": "", "licence": "", "citation": "", "schema": name}
        out[name] = _source(name, {**defaults, **entry})
    return out


def source(name: str) -> Source:
    """The registered dataset ``name``."""
    try:
        return sources()[name]
    except KeyError:
        known = ", ".join(sorted(sources()))
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}") from None


def schema_source(schema: str) -> Source:
    """The dataset whose layout defines the schema ``schema`` (e.g. ``predictors``)."""
    for src in sources().values():
        if src.schema == schema:
            return src
    if schema in local_schemas():
        return local_schemas()[schema]
    known = ", ".join(sorted({s.schema for s in sources().values()} | set(local_schemas())))
    raise KeyError(f"unknown schema {schema!r}; known schemas: {known}")
