"""The command line's grammar: global options, sub-commands and their arguments."""

from __future__ import annotations

import argparse
import difflib
import re
from pathlib import Path
from typing import Any, NoReturn

from veille_tui import __version__

EPILOG = """\
query language (list, and / in the TUI):
  +tag -tag        has / has not the tag       @7d @2w @2026-08-01  newer than
  feed:NAME        from a feed named NAME      is:unread is:starred is:archived is:drafted is:hidden
  cve:CVE-2026-1234 (or cve:2026-1234)         words or "a phrase"  text search, full texts too
  has:fulltext     its full text is stored (`veille-tui extract ID`, `f` in the TUI)
  epss:0.5         names a CVE whose EPSS score is at least 0.5 (loaded by `veille-tui intel`)

fetch exit status: 0 ok, 1 some feeds failed, 3 new watch or asset matches with --watch (3 wins over 1)

environment: VEILLE_TUI_CONFIG, VEILLE_TUI_DATA_DIR, VEILLE_TUI_ARCHIVE, TEXTUAL_THEME,
  VEILLE_TUI_INTEL=off (no KEV/EPSS download)
"""


FETCH_EPILOG = """\
exit status: 0 every feed fetched or unchanged; 1 some feeds failed (their earlier items are kept);
  3 (with --watch) new watch or asset matches. 3 wins over 1: when feeds failed and there are matches the
  status is 3, and the failures are still listed on stderr.
"""


def _global_options(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--config", metavar="PATH", default=default, help="config file (default: platform config folder)"
    )
    parser.add_argument("--archive", metavar="DIR", default=default, help="the Jekyll _posts folder")


_INVALID_CHOICE = re.compile(r"invalid choice: '?([^'\s]*)'? \(choose from (.*)\)")


class Parser(argparse.ArgumentParser):
    """argparse, with a mistyped sub-command answered by the nearest one (`fech`: did you mean
    `fetch`?) instead of the list of all of them."""

    def error(self, message: str) -> NoReturn:
        m = _INVALID_CHOICE.search(message)
        if m:
            typed = m.group(1)
            choices = [c.strip().strip("'") for c in m.group(2).split(",")]
            near = difflib.get_close_matches(typed, choices, n=1, cutoff=0.5)
            message = f"{typed!r} is not a command of {self.prog}" + (
                f"; did you mean {near[0]!r}?" if near else f" (one of: {', '.join(choices)})"
            )
        super().error(message)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


# The options `veille-tui` takes without a command (the TUI), each with a value or not.
_TUI_OPTIONS = {"--config": "config", "--archive": "archive", "--theme": "theme"}
_TUI_FLAGS = {"--offline": "offline", "--json": "json"}


def tui_arguments(argv: list[str]) -> argparse.Namespace | None:
    """What `build_parser().parse_known_args(argv)` answers for a TUI start (no command, only
    the global options, each spelt whole), read without building the parsers of every command
    (a tenth of the TUI's start before its first frame). None for anything else (a command,
    --help, --version, an abbreviated or unknown option, a value that looks like an option):
    the full parser reads those."""
    found: dict[str, Any] = {"config": None, "archive": None, "theme": None, "offline": False, "json": False}
    words = iter(argv)
    for word in words:
        if word in _TUI_FLAGS:
            found[_TUI_FLAGS[word]] = True
            continue
        name, equals, value = word.partition("=")
        if name not in _TUI_OPTIONS:
            return None
        if not equals:
            value = next(words, "-")  # none: argparse's error
        if value.startswith("-"):
            return None
        found[_TUI_OPTIONS[name]] = value
    return argparse.Namespace(**found, command=None)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="veille-tui",
        description="A keyboard-driven terminal reader for security watch: feeds, tags and a Jekyll archive.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"veille-tui {__version__}")
    _global_options(parser, top=True)
    parser.add_argument("--theme", metavar="NAME", help="TUI theme (see `veille-tui themes`)")
    parser.add_argument("--offline", action="store_true", help="TUI without network: cache and archive only")
    # global: `veille-tui --json list` as `veille-tui list --json` (a command's own --json does not
    # reset it: its default is SUPPRESS)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout (commands that print data)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, json_flag: bool = True, within: Any = sub) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = within.add_parser(name, help=help, description=help)
        _global_options(p, top=False)
        if json_flag:
            p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout")
        return p

    p = command("fetch", "refresh all feeds, or the named ones")
    p.epilog = FETCH_EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("feeds", nargs="*", metavar="FEED", help="feed title or URL (substring)")
    p.add_argument(
        "--watch",
        action="store_true",
        help="print the entries that match the watch list or touch an asset for the first time (id, kind, terms,"
        " title, link; tab separated; --json: a list of objects) and exit 3 when there are any",
    )
    command("index", "(re)index the archive")
    command("tags", "every tag with its count of entries")
    p = command("list", "entries matching QUERY, newest first")
    p.add_argument("query", nargs="*", metavar="QUERY", help="query terms (see below)")
    p.add_argument("--limit", type=_count, default=100, help="at most N entries (default 100, 0 = all)")
    p = command("show", "one entry as plain text")
    p.add_argument("id", type=int)
    p = command("archive", "write a draft for entry ID into _drafts/ (--post: into _posts/); print its path")
    p.add_argument("id", type=int)
    p.add_argument("--tag", action="append", default=[], help="extra tag (repeatable)")
    p.add_argument("--post", action="store_true", help="straight into _posts/YYYY-MM-DD-slug.md (no draft)")
    p.add_argument(
        "--source",
        choices=("command", "fulltext", "summary"),
        help="the body: the [draft] command, the stored full text, or the feed's summary (default: the first there is)",
    )
    p = command("publish", "move a draft into _posts/YYYY-MM-DD-slug.md, dated today; print the new path")
    p.add_argument("draft", metavar="DRAFT", help="the draft's path, or the id of the entry it drafts")
    p = command("extract", "the main text of an article page as Markdown (an entry ID also stores it with the entry)")
    p.add_argument(
        "target", metavar="ID|URL|FILE", help="an entry id, an http(s) URL, or a saved page (.html, .html.gz)"
    )
    command("themes", "the available themes and where each comes from")
    p = command("cves", "the CVE ids named by the entries matching QUERY: entries, KEV, EPSS, trend")
    p.add_argument("query", nargs="*", metavar="QUERY", help="query terms (see below)")
    p.add_argument(
        "--since", default="7d", metavar="WINDOW", help="the trend window: 7d, 2w, 12h or a date (default 7d)"
    )
    p.add_argument("--sort", choices=("trend", "count", "recent", "epss"), default="trend", help="default: trend")
    p.add_argument("--limit", type=_count, default=0, help="at most N CVE ids (default 0 = all)")

    p = command("iocs", "the indicators of compromise named by the entries matching QUERY, shown defanged")
    p.add_argument("query", nargs="*", metavar="QUERY", help="query terms (see below)")
    p.add_argument(
        "--type", dest="kind", metavar="T", help="one type: ipv4 ipv6 domain url email md5 sha1 sha256 sha512"
    )
    p.add_argument("--csv", action="store_true", help="as CSV (type, indicator defanged, entries, first, last)")
    p.add_argument("--limit", type=_count, default=0, help="at most N indicators (default 0 = all)")
    p.add_argument(
        "--from", dest="files", nargs="+", type=Path, metavar="FILE",
        help="extract from saved pages or text files (HTML or text, .gz too) without storing; --json: refanged",
    )  # fmt: skip

    p = command("export", "the entries matching QUERY (default: the starred ones) as a STIX 2.1 bundle or a MISP feed")
    p.add_argument("query", nargs="*", metavar="QUERY", help="query terms (see below)")
    p.add_argument("--stix", type=Path, metavar="FILE", help="write a STIX 2.1 bundle (JSON) to FILE")
    p.add_argument(
        "--misp", type=Path, metavar="DIR", help="write a MISP feed folder (events, manifest.json, hashes.csv)"
    )
    p.add_argument("--tlp", choices=("clear", "green", "amber", "red"), default="amber", help="default: amber")
    p.add_argument("--author", default="veille-tui", help="the identity or organisation that shares it")

    p = command("digest", "a Markdown digest of the entries matching QUERY over a period: by tag, stories folded, CVEs")
    p.add_argument("query", nargs="*", metavar="QUERY", help="query terms (see below)")
    p.add_argument("--since", default="7d", metavar="WINDOW", help="the period: 7d, 2w, 12h or a date (default 7d)")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (atomically) instead of standard output")

    intel = command("intel", "CVE intelligence: CISA's KEV catalogue and FIRST's EPSS scores", json_flag=False)
    isub = intel.add_subparsers(dest="intel_command", metavar="ACTION", required=True)
    command("update", "download the KEV catalogue and the EPSS scores from the [intel] URLs", within=isub)
    p = command("import", "load a KEV JSON or EPSS CSV / CSV.gz file copied by hand", within=isub)
    p.add_argument("file", metavar="FILE")
    command("status", "what is loaded: versions, dates, counts, age", within=isub)

    p = command("assets", "each [[assets]] entry with the entries that touch it and their CVE ids, KEV first")
    asub = p.add_subparsers(dest="assets_command", metavar="ACTION", required=False)
    p = command("import", "add the assets of a CSV inventory (vendor,product[,aliases]) to the config", within=asub)
    p.add_argument("file", metavar="FILE.csv")

    notify = command("notify", "the [[notify]] targets", json_flag=False)
    nsub = notify.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    command("test", "send a test message to every [[notify]] target and say what each answered", within=nsub)

    feeds = command("feeds", "manage subscriptions", json_flag=False)
    fsub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    command("list", "the subscriptions", within=fsub)
    p = command("add", "subscribe to a feed", json_flag=False, within=fsub)
    p.add_argument("url")
    p.add_argument("--title", default="")
    p.add_argument("--tag", action="append", default=[], help="tag given to every item (repeatable)")
    p.add_argument(
        "--server", action="store_true", help="subscribe the team server of [sync] to it (its items come by `sync`)"
    )
    p = command("remove", "unsubscribe (by URL or title)", json_flag=False, within=fsub)
    p.add_argument("name", metavar="URL|NAME", nargs="?")
    p.add_argument("--builtin", action="store_true", help="unsubscribe from every built-in default feed")
    p = command("import", "subscribe to the feeds of an OPML file", within=fsub)
    p.add_argument("file", metavar="FILE.opml")
    p = command("export", "write the subscriptions as OPML 2.0", json_flag=False, within=fsub)
    p.add_argument("file", nargs="?", metavar="FILE", help="default: standard output")

    state = command("state", "export or import read/starred state", json_flag=False)
    ssub = state.add_subparsers(dest="state_command", metavar="ACTION", required=True)
    p = command("export", "write read/starred state as JSON (--json is accepted: it is JSON anyway)", within=ssub)
    p.add_argument("file", nargs="?", help="default: standard output")
    p = command("import", "read read/starred state from JSON", json_flag=False, within=ssub)
    p.add_argument("file")

    command("sync", "sync with the team server of [sync]: its feeds and items in, read/starred both ways")
    p = command("mark", "set read/starred on entries (queued for the team server like any change)")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--query", metavar="Q", help="the entries matching this query (instead of IDs)")
    for flag, what in (("--read", "read"), ("--unread", "unread"), ("--star", "starred"), ("--unstar", "not starred")):
        p.add_argument(flag, action="store_true", help=f"mark them {what}")
    p.add_argument(
        "--undo",
        action="store_true",
        help="undo the last read/starred change made here or in the TUI (again for the one before; the newest 50"
        " are kept)",
    )
    rules = command("rules", "try the query of a [[rules]] table", json_flag=False)
    rsub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    p = command("test", "what a rule with QUERY would match now: the count and the first 20", within=rsub)
    p.add_argument("query", nargs="+", metavar="QUERY", help="query terms (see `veille-tui --help`)")

    p = command("doctor", "check config, database, archive, feeds, intel, backups, terminal and clipboard")
    p.add_argument(
        "--repair",
        action="store_true",
        help="a damaged database: move it aside, rebuild it from the archive, restore read/starred state from the"
        " newest daily backup",
    )
    return parser
