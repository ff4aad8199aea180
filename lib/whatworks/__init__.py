"""What Works: shared code of the handbook on preventing mass atrocity crimes."""

from whatworks.errors import ChecksumError, DataError

__all__ = ["ChecksumError", "DataError"]
__version__ = "0.1.0"
