"""`veille-tui feeds list | add | remove | import | export`: subscriptions in the config file."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from veille_tui.cli.output import emit_json, err
from veille_tui.core import config as config_mod
from veille_tui.core.library import Library
from veille_tui.core.models import Feed


def config_required(args: Namespace) -> bool:
    """`add` and `import` write the config file: it need not exist yet."""
    return args.feeds_command not in ("add", "import")


def run(args: Namespace, lib: Library) -> int:
    settings = lib.settings
    action = args.feeds_command
    if action == "list":
        return _list(lib, settings, args.json)
    if action == "add":
        return _add(settings, args)
    if action == "remove":
        return _remove(settings, args.name)
    if action == "import":
        return _import(settings, Path(args.file), args.json)
    return _export(lib, settings, args.file)


def _list(lib: Library, settings: config_mod.Settings, as_json: bool) -> int:
    feeds = lib.feeds_with_titles(settings.feeds)
    if as_json:
        emit_json([{"url": f.url, "title": f.title, "tags": list(f.tags)} for f in feeds])
        return 0
    if not settings.feeds_from_config:
        err(f"(built-in default feeds: no [[feeds]] in {settings.path})")
    for feed in feeds:
        tags = " ".join("+" + t for t in feed.tags)
        print(f"{feed.title or '-':<28} {feed.url}  {tags}")
    return 0


def _valid_url(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _add(settings: config_mod.Settings, args: Namespace) -> int:
    url = args.url.strip()
    if not _valid_url(url):
        err(f"veille-tui: {url}: only http(s) feed URLs can be subscribed")
        return 2
    if any(f.url == url for f in settings.feeds):
        err(f"veille-tui: already subscribed: {url}")
        return 1
    from veille_tui.core.text import normalize_tag

    tags = tuple(dict.fromkeys(t for t in map(normalize_tag, args.tag) if t))
    if len(tags) < len([t for t in args.tag if t.strip()]) or any(
        normalize_tag(t) != t.strip().lower() for t in args.tag
    ):
        err(f"(tags written as: {' '.join(tags) or 'none'})")
    feeds = [*settings.feeds, Feed(url, args.title.strip(), tags)]
    config_mod.write_feeds(settings.path, feeds)
    kept = "" if settings.feeds_from_config else f"; the {len(settings.feeds)} built-in feeds are kept there too"
    err(f"subscribed to {url} ({len(feeds)} feeds in {settings.path}{kept})")
    return 0


def _remove(settings: config_mod.Settings, name: str) -> int:
    low = name.lower()
    matches = [f for f in settings.feeds if f.url == name] or [f for f in settings.feeds if f.title.lower() == low]
    if not matches:
        matches = [f for f in settings.feeds if low in f.title.lower() or low in f.url.lower()]
    if not matches:
        err(f"veille-tui: no subscribed feed matches {name!r}")
        return 1
    if len(matches) > 1:
        err(f"veille-tui: {name!r} matches {len(matches)} feeds; give the URL: " + ", ".join(f.url for f in matches))
        return 1
    feeds = [f for f in settings.feeds if f is not matches[0]]
    config_mod.write_feeds(settings.path, feeds)
    err(f"unsubscribed from {matches[0].url}")
    return 0


def _import(settings: config_mod.Settings, file: Path, as_json: bool) -> int:
    from veille_tui.core.errors import OpmlError
    from veille_tui.core.opml import parse_opml

    try:
        data = file.read_bytes()
    except OSError as exc:
        err(f"veille-tui: {file}: cannot read: {exc.strerror or exc}")
        return 2
    try:
        found, problems = parse_opml(data, str(file))
    except OpmlError as exc:
        err(f"veille-tui: {exc}")
        return 2
    feeds = list(settings.feeds) if settings.feeds_from_config else []
    known = {f.url for f in feeds}
    added = []
    for feed in found:
        if feed.url not in known:
            known.add(feed.url)
            added.append(feed)
    feeds += added
    config_mod.write_feeds(settings.path, feeds)
    for problem in problems:
        err(f"veille-tui: {file}: skipped: {problem}")
    err(
        f"{len(added)} feeds imported from {file} "
        f"({len(found) - len(added)} already subscribed, {len(problems)} skipped)"
    )
    if not settings.feeds_from_config:
        err("(they replace the built-in default feeds; `veille-tui feeds add URL` brings one back)")
    if as_json:
        emit_json({"imported": len(added), "already": len(found) - len(added), "problems": problems})
    return 0


def _export(lib: Library, settings: config_mod.Settings, file: str | None) -> int:
    from veille_tui.core.opml import write_opml

    text = write_opml(lib.feeds_with_titles(settings.feeds))
    if file:
        Path(file).write_text(text, encoding="utf-8")
        err(f"{len(settings.feeds)} feeds written to {file}")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    return 0
