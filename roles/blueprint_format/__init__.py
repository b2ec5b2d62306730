"""Format v1 ("role-blueprint/v1"): validate documents, store them as rows, read them back."""
from .codecs import FORMATS, content_hash, dumps
from .errors import FormatError
from .rows import read_document, write_rows
from .spec import FORMAT
from .validate import validate_document

__all__ = ["FORMAT", "FORMATS", "FormatError", "content_hash", "dumps", "read_document",
           "validate_document", "write_rows"]
