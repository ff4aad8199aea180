"""Errors a reader or practitioner can act on."""

from __future__ import annotations

from pathlib import Path


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
