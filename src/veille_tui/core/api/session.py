"""Library's side of a running front end: its config file read again when it changes, and the
watch alerts it last told (kept in the database: the next start tells those after them)."""

from __future__ import annotations

from veille_tui.core import config as config_mod
from veille_tui.core import config_watch
from veille_tui.core.api import Part


class SessionPart(Part):
    def config_moved(self) -> bool:
        """Has the config file changed since it was read? (A running TUI reads it again.)"""
        return config_watch.moved(self.settings)

    def reload_config(self) -> config_mod.Settings:
        """The config read again and put in force: the database reopened with its watch list and
        rules (derived again when they changed). ConfigError: the settings in force are kept."""
        settings = config_watch.reload(self.settings)
        self.use_settings(settings)
        return settings

    def watch_seen(self) -> int:
        """The mark of the watch alerts a TUI last told here (the newest, when none ever did)."""
        seen = self.store.alerts_seen()
        return self.store.last_alert() if seen is None else seen

    def set_watch_seen(self, mark: int) -> None:
        """The watch alerts up to `mark` are told (the next start tells those after it)."""
        self.store.set_alerts_seen(mark)
