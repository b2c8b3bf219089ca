"""The parts of `Library` (core/library.py), one module per concern: each a mixin over `Part`,
which names what they share. The front ends never import them: Library is the API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille_tui.core import config as config_mod
from veille_tui.core.models import CveIntel, FullText

if TYPE_CHECKING:
    from veille_tui.core.store import Store

NO_ARCHIVE = 'no archive: give --archive DIR, set VEILLE_TUI_ARCHIVE, or archive = "..." in the config'


class Part:
    """What every part of Library reads: its settings, its archive, its store, the full text."""

    settings: config_mod.Settings
    archive: Path | None
    db_path: Path

    @property
    def store(self) -> Store:
        raise NotImplementedError

    def full_text(self, entry_id: int) -> FullText | None:
        raise NotImplementedError

    def use_settings(self, settings: config_mod.Settings) -> None:
        raise NotImplementedError

    def cve_intel(self, cves: Sequence[str]) -> dict[str, CveIntel]:
        raise NotImplementedError
