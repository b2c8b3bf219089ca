"""The query language of SPEC.md: parse a query string, then compile it to an SQL condition.

    +tag  -tag  @7d  @2w  @2026-08-01  feed:NAME  is:unread|read|starred|archived|drafted|hidden
    has:fulltext has:ioc  cve:CVE-2026-1234 (or cve:2026-1234)  epss:0.5  asset:NAME  ioc:evil[.]com
    word  "quoted phrase"

Words and phrases are looked for in the title, the body and the stored full text.

All terms must hold. A malformed query raises QueryError with a message for the user. The entries
a rule hides (`hide = true`) match no query but those with `is:hidden`.
"""

from __future__ import annotations

import re
import shlex
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from veille_tui.core.assets import asset_key
from veille_tui.core.errors import QueryError


@dataclass(frozen=True)
class Query:
    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    since: tuple[str, ...] = ()  # the @ terms as written; resolved at compile time
    feeds: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # unread, read, starred, archived (and their "not" forms with a '!')
    cves: tuple[str, ...] = ()
    epss: tuple[float, ...] = ()  # names a CVE whose EPSS score is at least this
    assets: tuple[str, ...] = ()  # touches this asset (its key: the folded product name)
    iocs: tuple[str, ...] = ()  # names this indicator (refanged, normalised)
    words: tuple[str, ...] = ()  # full-text words: prefix match ("vulnerabilit" finds "vulnérabilités")
    phrases: tuple[str, ...] = ()  # "quoted phrases": exact token sequence
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.tags
            or self.not_tags
            or self.since
            or self.feeds
            or self.flags
            or self.cves
            or self.epss
            or self.assets
            or self.iocs
            or self.words
            or self.phrases
        )


FLAGS = {"unread", "read", "starred", "unstarred", "archived", "drafted", "new", "item", "post", "hidden"}
HAS = {"fulltext", "ioc"}  # has:NAME, kept with the flags as "has:NAME"
_TAG_RE = re.compile(r"^[\w.-]+$")
_SINCE_REL = re.compile(r"^(\d{1,5})([hdwmy])$")
_SINCE_ABS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CVE_RE = re.compile(r"^CVE-\d{4}-\d{4,7}$", re.I)
_CVE_BARE = re.compile(r"^\d{4}-\d{4,7}$")
_PREFIX = re.compile(r"^[a-z]+:")
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}


def normalize_cve(text: str) -> str | None:
    """A CVE id as stored (`CVE-2026-1234`), from any case, with or without the `CVE-` prefix;
    None when it is not one."""
    value = text.strip().upper()
    if _CVE_BARE.match(value):
        value = "CVE-" + value
    return value if _CVE_RE.match(value) else None


def _epss_threshold(token: str) -> float:
    value = token[5:].strip()
    try:
        threshold = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:  # NaN fails too
        raise QueryError(f"'{token}': an EPSS score is between 0 and 1: epss:0.5 (or epss:50%)")
    return threshold


def _split(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    lexer.escape = ""  # backslashes are literal: no escape games in a search box
    lexer.quotes = '"'
    try:
        return list(lexer)
    except ValueError:
        raise QueryError('unclosed quote: add the closing "') from None


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse(text: str) -> Query:
    text = _CONTROLS.sub(" ", text or "")
    tags: list[str] = []
    not_tags: list[str] = []
    since, feeds, flags, cves, words, phrases = [], [], [], [], [], []
    epss: list[float] = []
    assets: list[str] = []
    iocs: list[str] = []
    quoted_phrases = set(re.findall(r'"([^"]*)"', text))
    for token in _split(text):
        if token in quoted_phrases:
            if token.strip():
                phrases.append(token)
            continue
        low = token.lower()
        if token.startswith(("+", "-")):
            tag = low[1:]
            if not tag:
                raise QueryError(f"'{token}': a tag name must follow {token[0]}")
            if not _TAG_RE.match(tag):
                raise QueryError(
                    f"'{token}': a tag has only letters, digits, '-', '_' and '.' (one term per tag: +a +b)"
                )
            (tags if token[0] == "+" else not_tags).append(tag)
        elif token.startswith("@"):
            value = low[1:]
            if not value:
                raise QueryError("'@' needs a time: @7d, @2w, @12h or a date like @2026-08-01")
            _since_ts(value, now=time.time())  # validate now, resolve at compile time
            since.append(value)
        elif low.startswith("feed:"):
            name = token[5:]
            if not name:
                raise QueryError("'feed:' needs a feed name: feed:bleeping")
            feeds.append(name)
        elif low.startswith("is:") or low.startswith("not:"):
            prefix, _, flag = low.partition(":")
            if flag not in FLAGS:
                raise QueryError(
                    f"'{token}': use is:unread, is:read, is:starred, is:archived, is:drafted, is:hidden or is:item"
                )
            flags.append(flag if prefix == "is" else "!" + flag)
        elif low.startswith("has:"):
            what = low[4:]
            if what not in HAS:
                raise QueryError(f"'{token}': use has:fulltext or has:ioc")
            flags.append(low)
        elif low.startswith("cve:"):
            cve = normalize_cve(token[4:])
            if cve is None:
                raise QueryError(f"'{token}': a CVE id looks like cve:CVE-2026-1234 (or cve:2026-1234)")
            cves.append(cve)
        elif low.startswith("epss:"):
            epss.append(_epss_threshold(token))
        elif low.startswith("asset:"):
            key = asset_key(token[6:])
            if not key:
                raise QueryError("'asset:' needs an asset's product name: asset:fortiweb (asset:exchange-server)")
            assets.append(key)
        elif low.startswith("ioc:"):
            from veille_tui.core.iocs.defang import normalise as normalise_ioc  # its package: not at start

            value = normalise_ioc(token[4:])
            if not value:
                raise QueryError(f"'{token}': name an indicator: ioc:evil[.]com, ioc:1.2.3.4, ioc:HASH")
            iocs.append(value)
        elif token == "":
            continue
        elif _PREFIX.match(low) and not low.startswith(("http:", "https:")):
            raise QueryError(
                f"'{token}': unknown term; known: +tag -tag @7d feed: is: not: has: cve: epss: asset: ioc:,"
                ' or "quote" it to search the text'
            )
        else:
            words.append(token)
    return Query(
        tags=tuple(tags),
        not_tags=tuple(not_tags),
        since=tuple(since),
        feeds=tuple(feeds),
        flags=tuple(flags),
        cves=tuple(cves),
        epss=tuple(epss),
        assets=tuple(assets),
        iocs=tuple(iocs),
        words=tuple(words),
        phrases=tuple(phrases),
        text=text,
    )


def _since_ts(value: str, now: float) -> int:
    m = _SINCE_REL.match(value)
    if m:
        return int(now - int(m.group(1)) * _UNITS[m.group(2)])
    m = _SINCE_ABS.match(value)
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise QueryError(f"'@{value}': not a real date") from None
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    raise QueryError(f"'@{value}': use @7d, @2w, @12h, @3m, @1y or a date like @2026-08-01")


def since_timestamp(value: str, now: float | None = None) -> int:
    """The time a `@` value (`7d`, `2w`, `12h`, `2026-08-01`; the `@` optional) stands for."""
    return _since_ts(value.strip().lower().removeprefix("@"), time.time() if now is None else now)


def fts_phrase(word: str, prefix: bool = False) -> str:
    """One full-text term as an FTS5 string: quoted, so that no FTS5 syntax leaks through.
    With prefix (or a trailing '*'), it also matches longer words."""
    if word.endswith("*") and len(word) > 1:
        word, prefix = word[:-1], True
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


VISIBLE = "e.id NOT IN (SELECT id FROM entries WHERE hidden = 1)"
_ID_IN = re.compile(r"(?<![\w.+])e\.id IN \(")


def probing(where: str) -> str:
    """A condition of compile_sql with its sets (`e.id IN (...)`) tested row by row: SQLite then
    walks the list's order index and stops at a LIMIT, instead of looking every member of the
    sets up and sorting them all (the unary `+` keeps it from using the set to look rows up)."""
    return _ID_IN.sub("+e.id IN (", where)


def compile_sql(
    query: Query | None, now: float | None = None, *, hidden: bool = False, as_stored: bool = False
) -> tuple[str, list[Any]]:
    """An SQL condition over `entries e` and its parameters. The entries rules hide are left out
    unless the query says `is:hidden` (or hidden=True: a rule's query sees every entry).
    as_stored: a relative `@7d` counts from the time each entry was stored, not from now (a rule's
    query: applied again later, it matches the entries it matched when they came)."""
    now = time.time() if now is None else now
    query = Query() if query is None else query
    where: list[str] = []
    params: list[Any] = []
    if not hidden and not any(flag.lstrip("!") == "hidden" for flag in query.flags):
        # the few hidden ids as a list (their partial index): the scans stay on covering indexes
        where.append(VISIBLE)
    for tag in query.tags:
        where.append("e.id IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
        params.append(tag)
    for tag in query.not_tags:
        where.append("e.id NOT IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
        params.append(tag)
    for value in query.since:
        if as_stored and _SINCE_REL.match(value):
            where.append("e.ts >= e.added - ?")
            params.append(-_since_ts(value, 0))
        else:
            where.append("e.ts >= ?")
            params.append(_since_ts(value, now))
    for name in query.feeds:
        where.append(
            "e.id IN (SELECT i.entry_id FROM items i WHERE i.feed_id IN"
            " (SELECT f.id FROM feeds f WHERE instr(lower(f.title), ?) > 0 OR instr(lower(f.url), ?) > 0"
            " OR instr(lower(COALESCE(f.site_title, '')), ?) > 0))"
        )
        params += [name.lower()] * 3
    flag_sql = {
        "unread": "e.read = 0",
        "read": "e.read = 1",
        "new": "e.read = 0",
        "starred": "e.starred = 1",
        "unstarred": "e.starred = 0",
        "archived": "e.kind = 'post'",
        "drafted": "e.draft IS NOT NULL",
        "post": "e.kind = 'post'",
        "item": "e.kind = 'item'",
        "hidden": "e.hidden = 1",
        "has:fulltext": "e.id IN (SELECT entry_id FROM fulltext WHERE words > 0)",
        "has:ioc": "e.id IN (SELECT entry_id FROM entry_iocs)",
    }
    for flag in query.flags:
        if flag.startswith("!"):
            where.append(f"NOT ({flag_sql[flag[1:]]})")
        else:
            where.append(flag_sql[flag])
    for cve in query.cves:
        where.append("e.id IN (SELECT entry_id FROM entry_cves WHERE cve = ?)")
        params.append(cve)
    for threshold in query.epss:
        where.append("e.id IN (SELECT ec.entry_id FROM entry_cves ec JOIN epss s ON s.cve = ec.cve WHERE s.score >= ?)")
        params.append(threshold)
    for key in query.assets:
        where.append("e.id IN (SELECT entry_id FROM entry_assets WHERE asset = ?)")
        params.append(key)
    for value in query.iocs:
        where.append("e.id IN (SELECT entry_id FROM entry_iocs WHERE value = ?)")
        params.append(value)
    if query.words or query.phrases:
        terms = [fts_phrase(w, prefix=True) for w in query.words] + [fts_phrase(p) for p in query.phrases]
        where.append(_text_sql(terms, params))
    return (" AND ".join(where) or "1"), params


_IN_EITHER = (
    "e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?"
    " UNION ALL SELECT rowid FROM fulltext_fts WHERE fulltext_fts MATCH ?)"
)


def _text_sql(terms: list[str], params: list[Any]) -> str:
    """Every term in the title and body, or in the stored full text (a word of one and a word of
    the other will do). Several terms: one MATCH over the bodies as before, and the per-term sets
    only for a row whose full text has one of the terms (SQLite stops at the first false term of
    an AND: while no full text holds them, they are never read; bench figures in README)."""
    if len(terms) == 1:
        params += [terms[0], terms[0]]
        return _IN_EITHER
    params.append(" AND ".join(terms))
    params.append(" OR ".join(terms))
    for term in terms:
        params += [term, term]
    each = " AND ".join(_IN_EITHER for _ in terms)
    return (
        "(e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"
        f" OR (e.id IN (SELECT rowid FROM fulltext_fts WHERE fulltext_fts MATCH ?) AND {each}))"
    )
