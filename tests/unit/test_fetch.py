"""Fetching: the mirror, checksum refusal, and the download cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from whatworks.data import fetch
from whatworks.data.registry import source, sources
from whatworks.errors import ChecksumError, DataError
from whatworks.run.cli import app


def test_registry_matches_mirror_readme(mirror: Path) -> None:
    """Every registered file is listed in the mirror's README with the same URL, size and sha256, and every table listed there is registered.

    Files that are not tables (the TopoJSON boundaries) are registered when a page first uses them.
    """
    readme = (mirror / "README.md").read_text()
    cells = [[c.strip() for c in line.split("|")[1:5]] for line in readme.splitlines() if line.startswith("| ") and not line.startswith("| file")]
    listed = {c[0]: (int(c[1]), c[2], c[3]) for c in cells if not set(c[0]) <= {"-"}}
    registered = {s.file: (s.size, s.sha256, s.url) for s in sources().values()}
    assert {f: listed.get(f) for f in registered} == registered
    tables = {f for f in listed if f.endswith((".csv", ".xlsx"))}
    assert tables <= set(registered), f"listed in the mirror but not registered: {sorted(tables - set(registered))}"
    assert "ewp_coup_years_1950_2024.csv" in registered and len(registered) >= 17


def test_mirror_files_verify(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    results = fetch.fetch_all()
    assert all(isinstance(p, Path) and p.parent == mirror.resolve() for p in results.values()), results


def _corrupt_mirror(mirror: Path, tmp_path: Path, name: str) -> Path:
    bad = tmp_path / "mirror"
    shutil.copytree(mirror, bad)
    target = bad / source(name).file
    target.chmod(0o644)
    target.write_bytes(target.read_bytes()[:-10] + b"corrupted!")
    return bad


def test_corrupted_mirror_file_is_refused(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _corrupt_mirror(mirror, tmp_path, "ewp_coefficients_2025")
    monkeypatch.setenv(fetch.MIRROR_ENV, str(bad))
    with pytest.raises(ChecksumError) as err:
        fetch.fetch("ewp_coefficients_2025")
    msg = str(err.value)
    assert "ewp_coefficients_2025.csv" in msg
    assert source("ewp_coefficients_2025").sha256 in msg
    assert fetch.sha256(bad / "ewp_coefficients_2025.csv") in msg


def test_cli_fetch_fails_on_corrupted_mirror(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _corrupt_mirror(mirror, tmp_path, "ewp_predictors_2024")
    monkeypatch.setenv(fetch.MIRROR_ENV, str(bad))
    result = CliRunner().invoke(app, ["data", "fetch"])
    assert result.exit_code == 1
    assert "ewp_predictors_2024.csv" in result.output
    assert "checksum mismatch" in result.output


def test_cli_fetch_ok(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror))
    result = CliRunner().invoke(app, ["data", "fetch"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == len(sources())


def test_missing_mirror_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fetch.MIRROR_ENV, str(tmp_path))
    with pytest.raises(DataError, match="ewp_forecasts_2025.csv: not found in the data mirror"):
        fetch.fetch("ewp_forecasts_2025")


def _fake_download(mirror: Path, corrupt: bool = False):
    calls: list[str] = []

    def retrieve(url: str, known_hash: object, fname: str, path: Path, progressbar: bool) -> str:
        calls.append(url)
        target = Path(path) / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            data = (mirror / fname).read_bytes()
            target.write_bytes(data + (b"x" if corrupt else b""))
        return str(target)

    return retrieve, calls


def test_download_is_verified_and_cached(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fetch.MIRROR_ENV, raising=False)
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path / "cache"))
    retrieve, calls = _fake_download(mirror)
    monkeypatch.setattr(fetch.pooch, "retrieve", retrieve)
    path = fetch.fetch("ewp_coefficients_2025")
    assert path == tmp_path / "cache" / "ewp_coefficients_2025.csv"
    assert calls == [source("ewp_coefficients_2025").url]
    # A corrupted cache entry is thrown away and fetched again.
    path.write_bytes(b"garbage")
    assert fetch.sha256(fetch.fetch("ewp_coefficients_2025")) == source("ewp_coefficients_2025").sha256
    assert len(calls) == 2


def test_corrupted_download_is_refused_and_deleted(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fetch.MIRROR_ENV, raising=False)
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path / "cache"))
    retrieve, _ = _fake_download(mirror, corrupt=True)
    monkeypatch.setattr(fetch.pooch, "retrieve", retrieve)
    with pytest.raises(ChecksumError, match="ewp_coefficients_2025.csv"):
        fetch.fetch("ewp_coefficients_2025")
    assert not (tmp_path / "cache" / "ewp_coefficients_2025.csv").exists()


def test_failed_download_explains_offline_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fetch.MIRROR_ENV, raising=False)
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path))

    def offline(*args: object, **kwargs: object) -> str:
        raise ConnectionError("no network")

    monkeypatch.setattr(fetch.pooch, "retrieve", offline)
    with pytest.raises(DataError, match="WHATWORKS_DATA_MIRROR"):
        fetch.fetch("ewp_coefficients_2025")
