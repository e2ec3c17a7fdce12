"""Readers turn paths and streams into raw inputs; writers put records somewhere."""

from cleanpipe.io.readers import RawInput, Reader, ReadOptions, iter_inputs
from cleanpipe.io.writers import DirWriter, JsonLinesFileWriter, JsonLinesWriter, read_records

__all__ = [
    "DirWriter",
    "JsonLinesFileWriter",
    "JsonLinesWriter",
    "RawInput",
    "ReadOptions",
    "Reader",
    "iter_inputs",
    "read_records",
]
