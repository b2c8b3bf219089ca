"""The config file: typed Settings read with tomllib, written back with tomlkit (comments kept)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from veille_tui.core import paths
from veille_tui.core.assets import parse_assets
from veille_tui.core.config_write import write_assets as write_assets
from veille_tui.core.config_write import write_feeds as write_feeds
from veille_tui.core.config_write import write_query as write_query
from veille_tui.core.config_write import write_value as write_value
from veille_tui.core.errors import ConfigError, QueryError
from veille_tui.core.links import host_entry
from veille_tui.core.models import Asset, Feed, FetchSettings, NotifyTarget, Rule
from veille_tui.core.notify.config import parse_targets
from veille_tui.core.query import parse as parse_query
from veille_tui.core.secret_files import exposed
from veille_tui.core.text import normalize_tag

DEFAULT_FEEDS: tuple[Feed, ...] = (
    Feed("https://www.bleepingcomputer.com/feed/", "BleepingComputer", ("bleepingcomp",)),
    Feed("https://feeds.feedburner.com/TheHackersNews", "The Hacker News", ("hackernews",)),
    Feed("https://isc.sans.edu/rssfeed_full.xml", "SANS ISC", ("sans-isc",)),
    Feed("https://www.schneier.com/feed/atom/", "Schneier on Security", ("schneier",)),
    Feed("https://krebsonsecurity.com/feed/", "Krebs on Security", ("krebs",)),
    Feed("https://securelist.com/feed/", "Securelist", ("securelist",)),
    Feed("https://www.troyhunt.com/rss/", "Troy Hunt", ("troyhunt",)),
    Feed("https://www.cert.ssi.gouv.fr/feed/", "CERT-FR", ("certfr",)),
)


KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
EPSS_URL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"  # FIRST's current scores


@dataclass(frozen=True)
class IntelSettings:
    """The [intel] table: where the KEV catalogue and the EPSS scores come from. enabled = false
    (or VEILLE_TUI_INTEL=off in the environment): never downloaded, imported files only."""

    kev_url: str = KEV_URL
    epss_url: str = EPSS_URL
    enabled: bool = True

    KEYS = ("kev_url", "epss_url", "enabled")


DRAFT_FOLDERS = ("drafts", "posts")


@dataclass(frozen=True)
class DraftSettings:
    """The [draft] table: the program that writes a draft's body (the article as Markdown on its
    stdin, VEILLE_TITLE, VEILLE_LINK and VEILLE_SOURCE in its environment, the body on its stdout),
    how long it may take, and where drafts go (`drafts`: `_drafts/slug.md`; `posts`: straight into
    `_posts/YYYY-MM-DD-slug.md`)."""

    command: str | None = None
    timeout: float = 120.0
    folder: str = "drafts"

    KEYS = ("command", "timeout", "folder")


@dataclass(frozen=True)
class SyncSettings:
    """The [sync] table: the team server (its Google Reader API base URL), the user, and where the
    password comes from: a file (its first line), a command run once per sync (the first line of
    its output), or `password` itself, accepted only in a config file its owner alone can read."""

    url: str
    user: str
    password_file: Path | None = None
    password_command: str | None = None
    password: str | None = None
    config: Path | None = None  # the config file that says all this (named in errors)

    KEYS = ("url", "user", "password_file", "password_command", "password")


@dataclass(frozen=True)
class Settings:
    path: Path  # the config file (it may not exist)
    archive: Path | None = None
    archive_format: str = "auto"  # one of ARCHIVE_FORMATS: the rules the archive is read with
    theme: str | None = None
    feeds: tuple[Feed, ...] = DEFAULT_FEEDS
    feeds_from_config: bool = False
    watch: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    assets: tuple[Asset, ...] = ()  # [[assets]]: the products the team runs
    notify: tuple[NotifyTarget, ...] = ()  # [[notify]]: where the new matches of a fetch are sent
    queries: tuple[tuple[str, str], ...] = ()  # saved queries: (name, query)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    intel: IntelSettings = field(default_factory=IntelSettings)
    draft: DraftSettings = field(default_factory=DraftSettings)
    animations: bool = False
    keymap: tuple[tuple[str, str], ...] = ()  # binding id -> keys, for App.set_keymap
    sync: SyncSettings | None = None  # [sync]: the team server (None: no server)
    exists: bool = False
    stamp: int = 0  # the file's mtime (ns) when it was read: which of two configs is the newer
    reading: str = "auto"  # [tui] reading: one of READING_MODES


def _str_list(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where} must be a list of strings")
    return tuple(value)


def _feeds(raw: Any, path: Path) -> tuple[Feed, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: [[feeds]] must be an array of tables")
    feeds = []
    for n, table in enumerate(raw, 1):
        if not isinstance(table, dict) or not isinstance(table.get("url"), str) or not table["url"].strip():
            raise ConfigError(f"{path}: feed #{n} needs a url string")
        title = table.get("title", "")
        if not isinstance(title, str):
            raise ConfigError(f"{path}: feed #{n} ({table['url']}): title must be a string")
        tags = _str_list(table.get("tags", []), f"feed #{n} ({table['url']}) tags", path)
        retention = table.get("retention_days")
        if retention is not None and (not isinstance(retention, int) or isinstance(retention, bool) or retention <= 0):
            raise ConfigError(f"{path}: feed #{n} ({table['url']}): retention_days must be a positive whole number")
        full_text = table.get("full_text", False)
        if not isinstance(full_text, bool):
            raise ConfigError(f"{path}: feed #{n} ({table['url']}): full_text must be true or false")
        unknown = sorted(set(table) - {"url", "title", "tags", "retention_days", "full_text"})
        if unknown:
            raise ConfigError(f"{path}: feed #{n} ({table['url']}): unknown setting(s): {', '.join(unknown)}")
        clean_tags = tuple(dict.fromkeys(t for t in map(normalize_tag, tags) if t))
        feeds.append(Feed(table["url"].strip(), title.strip(), clean_tags, retention, full_text))
    return tuple(feeds)


_RULE_ACTIONS = ("tag", "read", "star", "hide")


def _rules(raw: Any, path: Path) -> tuple[Rule, ...]:
    """The [[rules]] tables: each a query and at least one action; a bad one is named by its place
    and its query."""
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: [[rules]] must be an array of tables")
    rules = []
    for n, table in enumerate(raw, 1):
        if not isinstance(table, dict) or not isinstance(table.get("query"), str) or not table["query"].strip():
            raise ConfigError(f'{path}: [[rules]] #{n} needs a query string (query = "+schneier")')
        query = table["query"].strip()
        where = f"{path}: [[rules]] #{n} (query = {query!r})"
        try:
            parse_query(query)
        except QueryError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        unknown = sorted(set(table) - {"query", *_RULE_ACTIONS})
        if unknown:
            raise ConfigError(
                f"{where}: unknown setting(s): {', '.join(unknown)} (known: query, tag, read, star, hide)"
            )
        for flag in ("read", "star", "hide"):
            if not isinstance(table.get(flag, False), bool):
                raise ConfigError(f"{where}: {flag} must be true or false")
        tags = tuple(dict.fromkeys(t for t in map(normalize_tag, _str_list(table.get("tag", []), "tag", path)) if t))
        rule = Rule(
            query,
            tags,
            read=table.get("read", False),
            star=table.get("star", False),
            hide=table.get("hide", False),
            position=n,
        )
        if not (rule.tags or rule.read or rule.star or rule.hide):
            raise ConfigError(f"{where}: no action: give tag = [...], read = true, star = true or hide = true")
        rules.append(rule)
    return tuple(rules)


def load(config_override: str | os.PathLike[str] | None = None, must_exist: bool = True) -> Settings:
    """Read the config file; a missing file gives the built-in defaults (a missing --config file
    is an error, unless the caller is about to write it: must_exist=False)."""
    path = paths.config_file(config_override)
    try:
        stamp = path.stat().st_mtime_ns  # before reading: an edit meanwhile makes the file newer still
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        if config_override and must_exist:
            raise ConfigError(f"{path}: config file not found") from None
        return Settings(path=path, intel=_intel_from_environment(IntelSettings()))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    settings = from_dict(data, path)
    return replace(settings, intel=_intel_from_environment(settings.intel), stamp=stamp)


_KNOWN = {
    "tui",
    "archive",
    "theme",
    "feeds",
    "watch",
    "rules",
    "assets",
    "notify",
    "queries",
    "fetch",
    "intel",
    "draft",
    "animations",
    "keymap",
    "sync",
}


def _table(raw: Any, path: Path, name: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A [name] table of the config, its keys checked against `keys`."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise ConfigError(f"{path}: unknown [{name}] setting(s): {', '.join(unknown)} (known: {', '.join(keys)})")
    return raw


def _sync(raw: Any, path: Path) -> SyncSettings:
    raw = _table(raw, path, "sync", SyncSettings.KEYS)
    for key in SyncSettings.KEYS:
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            raise ConfigError(f"{path}: [sync] {key} must be a non-empty string")
    url = raw.get("url", "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(
            f"{path}: [sync] url must be the http(s) URL of the server's Google Reader API"
            " (FreshRSS: https://HOST/api/greader.php)"
        )
    if "user" not in raw:
        raise ConfigError(f'{path}: [sync] needs user = "..."')
    sources = [key for key in ("password_file", "password_command", "password") if key in raw]
    if len(sources) != 1:
        raise ConfigError(
            f"{path}: [sync] needs one of password_file or password_command"
            + (f" (not both: {', '.join(sources)})" if sources else "")
        )
    if "password" in raw:
        _owner_only(path)
    password_file = None
    if "password_file" in raw:
        password_file = Path(raw["password_file"].strip()).expanduser()
        if not password_file.is_absolute():
            password_file = path.parent / password_file
    return SyncSettings(
        url=url.rstrip("/"),
        user=raw["user"].strip(),
        password_file=password_file,
        password_command=raw.get("password_command"),
        password=raw.get("password"),
        config=path,
    )


def _owner_only(path: Path) -> None:
    """A password written in the config itself: only when nobody but its owner can read the file."""
    try:
        problem = exposed(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot check its permissions: {exc.strerror or exc}") from None
    if problem:
        raise ConfigError(
            f"{path}: [sync] password is in a file {problem}, or use password_file or password_command instead"
        )


def _draft(raw: Any, path: Path) -> DraftSettings:
    raw = _table(raw, path, "draft", DraftSettings.KEYS)
    values: dict[str, Any] = {}
    if "command" in raw:
        command = raw["command"]
        if not isinstance(command, str):
            raise ConfigError(f"{path}: [draft] command must be a string (a program and its arguments)")
        values["command"] = command.strip() or None
    if "timeout" in raw:
        timeout = raw["timeout"]
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= 3600:
            raise ConfigError(f"{path}: [draft] timeout must be a number of seconds between 1 and 3600")
        values["timeout"] = float(timeout)
    if "folder" in raw:
        if raw["folder"] not in DRAFT_FOLDERS:
            raise ConfigError(f'{path}: [draft] folder must be "drafts" (_drafts/) or "posts" (straight into _posts/)')
        values["folder"] = raw["folder"]
    return DraftSettings(**values)


def _intel(raw: Any, path: Path) -> IntelSettings:
    raw = _table(raw, path, "intel", IntelSettings.KEYS)
    values: dict[str, Any] = {}
    for key in ("kev_url", "epss_url"):
        if key in raw:
            url = raw[key]
            if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
                raise ConfigError(f"{path}: [intel] {key} must be an http(s) URL")
            values[key] = url.strip()
    if "enabled" in raw:
        if not isinstance(raw["enabled"], bool):
            raise ConfigError(f"{path}: [intel] enabled must be true or false")
        values["enabled"] = raw["enabled"]
    return IntelSettings(**values)


def _intel_from_environment(intel: IntelSettings) -> IntelSettings:
    """VEILLE_TUI_INTEL=off: no intel download, whatever the config says (a metered link, tests)."""
    if os.environ.get("VEILLE_TUI_INTEL", "").strip().lower() in ("off", "0", "false", "no"):
        return replace(intel, enabled=False)
    return intel


# auto: the archive's layout says (a Hugo site, a Jekyll _posts folder); see core/archive/hugo.py
ARCHIVE_FORMATS = ("auto", "jekyll", "hugo")


def from_dict(data: dict[str, Any], path: Path) -> Settings:
    unknown = sorted(set(data) - _KNOWN - {"archive_format"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    settings = Settings(path=path, exists=True)
    archive = data.get("archive")
    if archive is not None:
        if not isinstance(archive, str):
            raise ConfigError(f"{path}: archive must be a path string")
        archive_path = Path(archive).expanduser()
        if not archive_path.is_absolute():
            archive_path = path.parent / archive_path
        settings = replace(settings, archive=archive_path)
    archive_format = data.get("archive_format", "auto")
    if archive_format not in ARCHIVE_FORMATS:
        raise ConfigError(f"{path}: archive_format must be one of {', '.join(ARCHIVE_FORMATS)}")
    settings = replace(settings, archive_format=archive_format)
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{path}: theme must be a string")
    if "feeds" in data:
        settings = replace(settings, feeds=_feeds(data["feeds"], path), feeds_from_config=True)
    watch = _str_list(data.get("watch", []), "watch", path)
    queries = data.get("queries", {})
    if not isinstance(queries, dict) or not all(isinstance(v, str) for v in queries.values()):
        raise ConfigError(f'{path}: [queries] must map names to query strings (name = "+tag is:unread")')
    fetch_raw = data.get("fetch", {})
    if not isinstance(fetch_raw, dict):
        raise ConfigError(f"{path}: [fetch] must be a table")
    defaults = FetchSettings()
    fetch_values: dict[str, Any] = {}
    for key, value in fetch_raw.items():
        if key not in FetchSettings.CONFIGURABLE:
            raise ConfigError(
                f"{path}: unknown [fetch] setting: {key} (known: {', '.join(FetchSettings.CONFIGURABLE)})"
            )
        if key in ("full_text_query", "allow_private"):
            fetch_values[key] = _full_text_query(value, path) if key == "full_text_query" else _hosts(value, path)
            continue
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) or value < (0 if key == "parse_workers" else 1):
            raise ConfigError(f"{path}: [fetch] {key} must be a positive {expected.__name__}")
        fetch_values[key] = value
    animations = data.get("animations", False)
    if not isinstance(animations, bool):
        raise ConfigError(f"{path}: animations must be true or false")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f'{path}: [keymap] must map binding ids to keys (quit = "ctrl+q")')
    return replace(
        settings,
        theme=theme,
        watch=tuple(w.strip() for w in watch if w.strip()),
        rules=_rules(data.get("rules", []), path),
        assets=parse_assets(data.get("assets", []), path),
        notify=parse_targets(data.get("notify", []), path),
        queries=tuple(queries.items()),
        fetch=replace(defaults, **fetch_values),
        intel=_intel(data.get("intel", {}), path),
        draft=_draft(data.get("draft", {}), path),
        animations=animations,
        keymap=tuple(keymap.items()),
        sync=_sync(data["sync"], path) if "sync" in data else None,
        reading=_reading(data.get("tui", {}), path),
    )


# [tui] reading: "auto" opens an article full screen below 100 columns, "full" at any width,
# "pane" never (the article stays in its pane)
READING_MODES = ("auto", "full", "pane")


def _reading(raw: Any, path: Path) -> str:
    mode = _table(raw, path, "tui", ("reading",)).get("reading", "auto")
    if mode not in READING_MODES:
        raise ConfigError(f'{path}: [tui] reading must be "auto", "full" (the article full screen) or "pane"')
    return str(mode)


def _full_text_query(value: Any, path: Path) -> str:
    """[fetch] full_text_query: a query of the query language (checked now), or ""."""
    if not isinstance(value, str):
        raise ConfigError(f'{path}: [fetch] full_text_query must be a query string (full_text_query = "+watch")')
    try:
        parse_query(value)
    except QueryError as exc:
        raise ConfigError(f"{path}: [fetch] full_text_query: {exc}") from None
    return value.strip()


def _hosts(value: Any, path: Path) -> tuple[str, ...]:
    """[fetch] allow_private: host names, addresses or networks."""
    found = [host_entry(v) if isinstance(v, str) else None for v in (value if isinstance(value, list) else [None])]
    if None in found:
        raise ConfigError(
            f'{path}: [fetch] allow_private must list host names, addresses or networks (["intranet.example",'
            ' "10.1.2.0/24"])'
        )
    return tuple(h for h in found if h)


def resolve_archive(cli_archive: str | None, settings: Settings, cwd: Path | None = None) -> Path | None:
    """--archive, else VEILLE_TUI_ARCHIVE, else the config, else ./_posts inside a Jekyll site."""
    if cli_archive:
        return Path(cli_archive).expanduser()
    env = os.environ.get("VEILLE_TUI_ARCHIVE")
    if env:
        return Path(env).expanduser()
    if settings.archive:
        return settings.archive
    cwd = cwd or Path.cwd()
    if (cwd / "_posts").is_dir() and any(
        (cwd / name).exists() for name in ("_config.yml", "_config.yaml", "_config.toml")
    ):
        return cwd / "_posts"
    return None
