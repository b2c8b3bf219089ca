"""Indicators of compromise: found in texts (extract), shown defanged (defang), typed for export."""

from veille_tui.core.iocs.defang import defang, is_defanged, refang
from veille_tui.core.iocs.extract import HASHES, KINDS, MAX_CHARS, extract, extract_many
from veille_tui.core.iocs.filters import site_of

__all__ = ["HASHES", "KINDS", "MAX_CHARS", "defang", "extract", "extract_many", "is_defanged", "refang", "site_of"]
