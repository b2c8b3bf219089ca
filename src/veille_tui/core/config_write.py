"""The config file written back with tomlkit, its comments kept: the feeds (`feeds add/remove/
import`), one value (`config set`, the theme picker), a saved query. Re-exported by config.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from veille_tui.core.errors import ConfigError
from veille_tui.core.models import Feed


def _load_document(path: Path) -> Any:
    import tomlkit

    if path.exists():
        try:
            return tomlkit.parse(path.read_text(encoding="utf-8-sig"))
        except Exception as exc:  # tomlkit raises its own ParseError with line and column
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return tomlkit.document()


def _save_document(path: Path, doc: Any) -> None:
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)


def write_feeds(path: Path, feeds: list[Feed] | tuple[Feed, ...]) -> None:
    """Replace the [[feeds]] array, keeping every other line and comment of the file."""
    import tomlkit

    doc = _load_document(path)
    if not feeds:  # none at all (not the built-in ones): an empty array says so
        doc["feeds"] = tomlkit.array()
        _save_document(path, doc)
        return
    array = tomlkit.aot()
    for feed in feeds:
        table = tomlkit.table()
        table["url"] = feed.url
        if feed.title:
            table["title"] = feed.title
        table["tags"] = list(feed.tags)
        if feed.retention_days:
            table["retention_days"] = feed.retention_days
        if feed.full_text:
            table["full_text"] = True
        array.append(table)
    if "feeds" in doc and not isinstance(doc["feeds"], tomlkit.items.AoT):
        doc["feeds"] = array  # `feeds = []` (none): an inline array cannot take tables
    elif "feeds" in doc:
        existing = doc["feeds"]
        # keep the comments attached to tables of feeds that stay: edit the array in place
        try:
            keep_urls = {f.url for f in feeds}
            for index in range(len(existing) - 1, -1, -1):
                if existing[index].get("url") not in keep_urls:
                    del existing[index]
            present = {t.get("url") for t in existing}
            for table, feed in zip(array, feeds, strict=True):
                if feed.url not in present:
                    existing.append(table)
            for table in existing:
                feed = next(f for f in feeds if f.url == table.get("url"))
                if feed.title and table.get("title") != feed.title:
                    table["title"] = feed.title
                if list(table.get("tags", [])) != list(feed.tags):
                    table["tags"] = list(feed.tags)
        except (TypeError, AttributeError, StopIteration):
            doc["feeds"] = array
    else:
        doc.append("feeds", array)
    _save_document(path, doc)


def write_value(path: Path, key: str, value: Any) -> None:
    """Set one top-level key (theme, archive...) keeping the rest of the file."""
    doc = _load_document(path)
    doc[key] = value
    _save_document(path, doc)


def write_query(path: Path, name: str, query: str) -> None:
    """Add (or replace) the saved query `name` of [queries], keeping the rest of the file."""
    import tomlkit

    doc = _load_document(path)
    table = doc.get("queries")
    if table is None:
        table = tomlkit.table()
        doc["queries"] = table
    table[name] = query
    _save_document(path, doc)
