"""Errors a reader or practitioner can act on."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


class DataError(ValueError):
    """A data file cannot be used; the message says which file, column and rows."""


class ChecksumError(DataError):
    """A file's sha256 differs from the registry's."""

    def __init__(self, file: str, path: Path, expected: str, actual: str) -> None:
        self.file, self.path, self.expected, self.actual = file, path, expected, actual
        super().__init__(
            f"{file}: checksum mismatch for {path}\n"
            f"  expected sha256 {expected}\n"
            f"  actual   sha256 {actual}\n"
            "The file is corrupted or is not the published version; "
            "delete it or restore the original."
        )


def require_columns(frame: Any, columns: Iterable[str], what: str, frame_name: str = "frame", hint: str = "") -> None:
    """Raise a DataError naming every column of ``columns`` that ``frame`` lacks (the one such check of the package).

    ``what`` names the function that needs them, ``frame_name`` what the frame is ("panel", "DECO frame"),
    and ``hint`` how to get a frame that has them (e.g. the loader to use).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        has = list(frame.columns)
        shown = f"{has[:12]} and {len(has) - 12} more" if len(has) > 12 else f"{has}"
        raise DataError(f"{what}: the {frame_name} lacks column(s) {missing}; it has {shown}." + (f" {hint}" if hint else ""))
