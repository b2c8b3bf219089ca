"""Every error veille-tui reports to the user derives from `VeilleError`: the front ends catch it
in one place (`cli.main`, the TUI's worker error path) and show its message, which names the file,
feed or entry at fault. Internal control-flow exceptions (a parser falling back, a post skipped)
stay private to their modules."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class VeilleError(Exception):
    """An error with a message fit for the user."""

    exit_code = 2


class ConfigError(VeilleError):
    """The config file (or a value in it) cannot be used."""


class QueryError(VeilleError, ValueError):
    """A malformed query."""


class StoreError(VeilleError):
    """The database cannot be opened or used (damaged, locked, too new)."""


class DatabaseDamaged(StoreError):
    """The database file is damaged or not a veille-tui database: `doctor --repair` mends it."""


class DraftError(VeilleError):
    """An archive draft cannot be written."""

    exit_code = 1


class DraftExists(DraftError):
    """A post or draft with that name exists already: never overwritten."""


class FullTextError(VeilleError):
    """An article page cannot be fetched or its main text found; the message names the URL or file."""

    exit_code = 1


class OpmlError(VeilleError, ValueError):
    """An OPML file cannot be read."""


class IntelError(VeilleError):
    """A KEV or EPSS file (or download) cannot be used; the data loaded before stays."""

    exit_code = 1


class SyncError(VeilleError):
    """The team server cannot be used now (unreachable, refused the login, answered garbage); the
    cache and the queued changes are kept."""

    exit_code = 1


def database_busy(exc: BaseException) -> bool:
    """Is this SQLite error another process holding the database (not damage)?"""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def database_error(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """An SQLite error as the error to raise: DatabaseDamaged unless the database is only busy."""
    kind = StoreError if database_busy(exc) else DatabaseDamaged
    return kind(explain_database_error(path, exc))


def explain_database_error(path: Path, exc: BaseException) -> str:
    """What to tell the user about an SQLite error: busy, or damaged and how to recover."""
    if database_busy(exc):
        return f"{path}: the database is busy (another veille-tui is writing to it); try again in a moment"
    return (
        f"{path}: the database is damaged or not a veille-tui database ({exc}).\n"
        "To recover: `veille-tui doctor --repair` moves it aside, rebuilds it from the archive and restores "
        "read/starred state from the newest daily backup. By hand: `veille-tui state export state.json` (it may "
        f"still work), mv '{path}' '{path}.broken', `veille-tui index` and `veille-tui fetch`, then "
        "`veille-tui state import state.json` (`sqlite3 FILE .recover` can salvage what the file holds)."
    )
