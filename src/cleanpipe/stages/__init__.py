"""The stages, by name. Each module holds a pure function and a thin Stage around it."""

from __future__ import annotations

from cleanpipe.stages.base import Stage
from cleanpipe.stages.chrome import Chrome, strip_chrome
from cleanpipe.stages.decode import Decode, decode_bytes
from cleanpipe.stages.emit import Emit, to_record
from cleanpipe.stages.extract import Extract, extract_html, extract_text, looks_like_html
from cleanpipe.stages.language import Language, identify
from cleanpipe.stages.normalize import Normalize, normalize_text
from cleanpipe.stages.repair import Repair, repair_text
from cleanpipe.stages.translation import Translation, repair_spacing, translation_signals

REGISTRY: dict[str, type[Stage]] = {
    cls.name: cls
    for cls in (Decode, Extract, Repair, Normalize, Chrome, Language, Translation, Emit)
}

__all__ = [
    "REGISTRY",
    "Stage",
    "decode_bytes",
    "extract_html",
    "extract_text",
    "identify",
    "looks_like_html",
    "normalize_text",
    "repair_spacing",
    "repair_text",
    "strip_chrome",
    "to_record",
    "translation_signals",
]
