"""A running front end and its config file: has the file changed since it was read (its mtime),
and the config read again. A config that cannot be read raises ConfigError: the caller keeps the
one in force (the last good one) and says why."""

from __future__ import annotations

from veille_tui.core.config import Settings, load


def moved(settings: Settings) -> bool:
    """Has the config file been written (or removed, or made) since `settings` were read?"""
    try:
        stamp = settings.path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return stamp != settings.stamp


def reload(settings: Settings) -> Settings:
    """The config file of `settings` read again (ConfigError when it cannot be)."""
    return load(settings.path, must_exist=False)
