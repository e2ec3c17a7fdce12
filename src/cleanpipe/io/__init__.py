"""Readers turn paths and streams into raw inputs; writers put records somewhere."""

from cleanpipe.io.readers import RawInput, iter_inputs
from cleanpipe.io.writers import DirWriter, JsonLinesWriter

__all__ = ["DirWriter", "JsonLinesWriter", "RawInput", "iter_inputs"]
