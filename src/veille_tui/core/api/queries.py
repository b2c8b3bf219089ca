"""Library's part for the queries the analyst types and keeps: the history of `/` (kept across
runs beside the database) and the saved queries of the config's [queries]."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from veille_tui.core import config as config_mod
from veille_tui.core import history
from veille_tui.core.api import Part


class QueriesPart(Part):
    @property
    def history_path(self) -> Path:
        return self.db_path.parent / history.FILE_NAME

    def query_history(self) -> list[str]:
        """The last queries typed (the TUI's `/`), oldest first, kept across runs."""
        return history.load(self.history_path)

    def remember_query(self, query: str) -> list[str]:
        """Add a query to the history; returns the history."""
        return history.remember(self.history_path, query)

    def save_query(self, name: str, query: str) -> None:
        """Save `query` as `name` in the config's [queries] (the sidebar lists them)."""
        config_mod.write_query(Path(self.settings.path), name, query)
        queries = tuple((n, q) for n, q in self.settings.queries if n != name) + ((name, query),)
        self.settings = replace(self.settings, queries=queries)
