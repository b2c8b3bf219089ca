"""`veille-tui feeds list | add | remove | import | export`: subscriptions in the config file."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from veille_tui.cli.output import emit_json, err
from veille_tui.core import config as config_mod
from veille_tui.core.library import Library
from veille_tui.core.models import Feed, FeedStatus
from veille_tui.core.text import clean_line


def config_required(args: Namespace) -> bool:
    """`add` and `import` write the config file: it need not exist yet."""
    return args.feeds_command not in ("add", "import")


def run(args: Namespace, lib: Library) -> int:
    settings = lib.settings
    action = args.feeds_command
    if action == "list":
        return _list(lib, settings, args.json)
    if action == "add":
        return _add_to_server(lib, args) if args.server else _add(settings, args)
    if action == "remove":
        return _remove(settings, args.name, builtin=args.builtin)
    if action == "import":
        return _import(settings, Path(args.file), args.json)
    return _export(lib, settings, args.file)


def _list(lib: Library, settings: config_mod.Settings, as_json: bool) -> int:
    """Each feed with its health: last success, last error, failures in a row, items, unread."""
    health = lib.feed_health()
    server = lib.server_only_feeds()
    if as_json:
        emit_json(
            [{"url": f.url, "title": f.title, "tags": list(f.tags), **_health_json(status)} for f, status in health]
            + [s.to_json() for s in server]
        )
        return 0
    if not settings.feeds_from_config:
        err(f"(built-in default feeds: no [[feeds]] in {settings.path}; `feeds remove --builtin` drops them)")
    for feed, status in health:
        tags = " ".join("+" + t for t in feed.tags)
        print(f"{feed.title or '-':<28} {feed.url}  {tags}".rstrip())
        print(f"    {_health_line(status)}" + (" · also on the team server" if status and status.server else ""))
    for status in server:
        tags = " ".join("+" + t for t in status.tags)
        print(f"{clean_line(status.title) or '-':<28} {clean_line(status.url)}  {tags}".rstrip())
        print(f"    the team server's (items by `sync`) · {status.total} items, {status.unread} unread")
    return 0


def _health_json(status: FeedStatus | None) -> dict[str, object]:
    fields = ("items", "unread", "last_fetch", "last_ok", "last_error", "failures", "warning", "server", "local")
    if status is None:
        empty: dict[str, object] = {name: 0 if name in ("items", "unread", "failures") else None for name in fields}
        return empty | {"server": False, "local": True, "warning": None}
    data = status.to_json()
    return {name: data[name] for name in fields}


def _health_line(status: FeedStatus | None) -> str:
    if status is None or not status.last_fetch:
        return "never fetched"
    counts = f"{status.total} items, {status.unread} unread"
    if status.failing:
        times = f"{status.failures} failures in a row" if status.failures > 1 else "failed"
        ok = f"last success {status.last_ok}" if status.last_ok else "never fetched successfully"
        return f"FAILING ({times}, {ok}): {clean_line(status.last_error)} · {counts}"
    if status.warned:
        return f"WARNING, last read {status.last_ok or status.last_fetch}: {clean_line(status.warning)} · {counts}"
    return f"ok, last success {status.last_ok or status.last_fetch} · {counts}"


def _valid_url(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _scheme_hint(url: str) -> str:
    """`127.0.0.1:8000/x.xml` -> `http://127.0.0.1:8000/x.xml`: what was probably meant ("" when
    nothing is)."""
    if "://" in url or not url or url.startswith(("/", ".")):
        return ""
    host = url.split("/", 1)[0].split(":", 1)[0].lower()
    local = host in ("localhost", "127.0.0.1", "::1") or host.replace(".", "").isdigit()
    if "." not in host and not local:
        return ""
    guess = ("http://" if local else "https://") + url
    return guess if _valid_url(guess) else ""


def _add(settings: config_mod.Settings, args: Namespace) -> int:
    url = args.url.strip()
    if not _valid_url(url):
        hint = _scheme_hint(url)
        err(
            f"veille-tui: {url}: only http(s) feed URLs can be subscribed"
            + (f"; did you mean {hint} ? (veille-tui feeds add {hint})" if hint else "")
        )
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
    err(f"subscribed to {url} ({len(feeds)} feeds in {settings.path})")
    if not settings.feeds_from_config:
        err(
            f"the {len(settings.feeds)} built-in default feeds were written there too, to be kept:"
            " `veille-tui feeds remove --builtin` drops them all (a host without egress wants none)"
        )
    return 0


def _add_to_server(lib: Library, args: Namespace) -> int:
    """`feeds add URL --server`: the team server subscribes to it (quickadd), then a sync brings
    its items here (the config is left as it is: a feed subscribed here stays so)."""
    url = args.url.strip()
    if not _valid_url(url):
        err(f"veille-tui: {url}: only http(s) feed URLs can be subscribed")
        return 2
    stream = lib.push_feed(url)
    err(f"the team server subscribed to {url} ({stream})")
    outcome = lib.sync()
    err(outcome.summary() if outcome.ok else f"veille-tui: {outcome.summary()}")
    return 0 if outcome.ok else 1


def _remove(settings: config_mod.Settings, name: str | None, builtin: bool = False) -> int:
    if builtin:
        return _remove_builtin(settings)
    if not name:
        err("veille-tui: feeds remove: give a feed's URL or title, or --builtin")
        return 2
    low = name.lower()
    matches = [f for f in settings.feeds if f.url == name] or [f for f in settings.feeds if f.title.lower() == low]
    if not matches:
        matches = [f for f in settings.feeds if low in f.title.lower() or low in f.url.lower()]
    if not matches:
        err(f"veille-tui: no subscribed feed matches {name!r}")
        return 1
    if len(matches) > 1:
        err(f"veille-tui: {name!r} matches {len(matches)} feeds; give the URL of the one to remove:")
        for feed in matches:
            err(f"  {feed.title or '-'}  {feed.url}")
        return 1
    feeds = [f for f in settings.feeds if f is not matches[0]]
    config_mod.write_feeds(settings.path, feeds)
    err(f"unsubscribed from {matches[0].url}")
    return 0


def _remove_builtin(settings: config_mod.Settings) -> int:
    """Every built-in default feed unsubscribed at once; the others stay."""
    builtin = {f.url for f in config_mod.DEFAULT_FEEDS}
    feeds = [f for f in settings.feeds if f.url not in builtin]
    removed = len(settings.feeds) - len(feeds)
    if not removed:
        err("no built-in feed is subscribed")
        return 0
    config_mod.write_feeds(settings.path, feeds)
    err(f"unsubscribed from the {removed} built-in feeds ({len(feeds)} feeds left in {settings.path})")
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
