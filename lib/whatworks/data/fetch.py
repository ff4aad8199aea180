"""Download, verify and cache the registered datasets.

Each file is downloaded from its URL with pooch, its sha256 checked against the
registry, and kept in the user's cache folder (``WHATWORKS_CACHE`` overrides it).
When ``WHATWORKS_DATA_MIRROR`` names a folder, files are taken from there
instead, still checksum-verified. Nothing is ever written into the project.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns inside notebooks without ipywidgets; the book shows no download bars there.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

from whatworks.data.registry import Source, source, sources
from whatworks.errors import ChecksumError, DataError

MIRROR_ENV = "WHATWORKS_DATA_MIRROR"
CACHE_ENV = "WHATWORKS_CACHE"

logging.getLogger("pooch").setLevel(logging.WARNING)


def cache_dir() -> Path:
    """Folder where downloaded files are kept."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(pooch.os_cache("whatworks"))


def mirror_dir() -> Path | None:
    """The offline mirror named by ``WHATWORKS_DATA_MIRROR``, if set."""
    env = os.environ.get(MIRROR_ENV)
    return Path(env).expanduser().resolve() if env else None


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return pooch.file_hash(str(path), alg="sha256")


def _verify(src: Source, path: Path) -> Path:
    actual = sha256(path)
    if actual != src.sha256:
        raise ChecksumError(src.file, path, expected=src.sha256, actual=actual)
    return path


def fetch(name: str) -> Path:
    """Local path of dataset ``name``, verified against its sha256.

    Raises ChecksumError if the file (mirrored, cached or freshly downloaded)
    does not match the registry, and DataError if it cannot be had at all.
    """
    src = source(name)
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / src.file
        if not path.is_file():
            raise DataError(
                f"{src.file}: not found in the data mirror {mirror} (set by {MIRROR_ENV}). Unset {MIRROR_ENV} to download it from {src.url}"
            )
        return _verify(src, path)

    folder = cache_dir()
    cached = folder / src.file
    if cached.is_file() and sha256(cached) != src.sha256:
        cached.unlink()  # a corrupted or outdated cache entry: download again
    try:
        got = pooch.retrieve(src.url, known_hash=None, fname=src.file, path=folder, progressbar=False)
    except Exception as exc:  # network errors come in many types
        raise DataError(
            f"{src.file}: download from {src.url} failed ({exc}). Without internet, set {MIRROR_ENV} to a folder holding a copy of the file."
        ) from exc
    path = Path(got)
    try:
        return _verify(src, path)
    except ChecksumError:
        path.unlink(missing_ok=True)
        raise


def fetch_all() -> dict[str, Path | Exception]:
    """Fetch every registered dataset; failures are returned, not raised."""
    out: dict[str, Path | Exception] = {}
    for name in sources():
        try:
            out[name] = fetch(name)
        except (DataError, ChecksumError) as exc:
            out[name] = exc
    return out
