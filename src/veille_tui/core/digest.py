"""The digest (`veille-tui digest`): the entries of a query over a period as Markdown an analyst
pastes into a weekly report, or as JSON.

A header (query, period, counts), then one section per tag: the source tags first (a feed's
tags, a post's source tag: `bleepingcomp`, `certfr`), then the others. Each story is listed once,
under its first source tag (else its first own tag), with its date, title and link; the other
entries of its cluster are folded under the first of them. Each section ends with the CVE ids its
entries name: KEV marked, EPSS score. Titles and names are untrusted: control characters go,
Markdown's characters are escaped, only http(s) links are linked, without their tracking
parameters (utm_*...). An archived post whose body opens with its own heading (the archive's
French summary of an English source) is listed under that heading, the source's title kept as the
text of its link.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from veille_tui.core.links import without_tracking
from veille_tui.core.models import CveIntel, Entry
from veille_tui.core.text import clean_line

# tags every entry of an archive has, or that derive from others: not what a section is about
NOT_SECTIONS = frozenset({"veille-cyber", "cve", "kev", "watch"})
OTHER = "other"  # the section of the entries with no tag to file them under
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&#"})
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"  # what stays as it is in a link's URL (parentheses, spaces are encoded)


def escape(text: str | None) -> str:
    """Untrusted text as Markdown that shows it as it is, on one line."""
    return clean_line(text).translate(_MARKDOWN)


def link_url(url: str | None) -> str | None:
    """A URL safe to put in a Markdown link, or None (not http(s))."""
    url = clean_line(url)
    if not url.lower().startswith(("http://", "https://")):
        return None
    return quote(without_tracking(url), safe=_URL_SAFE)


_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t#]*$")


def own_headings(entries: Iterable[Entry], openings: Mapping[int, str]) -> dict[int, str]:
    """The posts' own headings, by id: the heading their body opens with, when it is not their
    title again."""
    found: dict[int, str] = {}
    for entry in entries:
        opening = openings.get(entry.id, "").lstrip()
        m = _HEADING.match(opening.split("\n", 1)[0]) if opening.startswith("#") else None
        heading = clean_line(m.group(1)) if m else ""
        if heading and heading.casefold() != clean_line(entry.title).casefold():
            found[entry.id] = heading
    return found


@dataclass(frozen=True)
class Story:
    """An entry of the digest, with the other entries of its cluster in the digest (oldest first)."""

    entry: Entry
    folded: tuple[Entry, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        return (self.entry, *self.folded)


@dataclass(frozen=True)
class Section:
    tag: str
    source: bool  # a source tag (listed first)
    stories: tuple[Story, ...]
    cves: tuple[CveIntel, ...]  # KEV first, then by EPSS score

    @property
    def count(self) -> int:
        return sum(len(story.entries) for story in self.stories)


@dataclass(frozen=True)
class Digest:
    query: str
    since: str
    start: int
    end: int
    sections: tuple[Section, ...]
    headings: Mapping[int, str] = field(default_factory=dict)  # posts' own headings (own_headings)

    @property
    def entries(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def stories(self) -> int:
        return sum(len(section.stories) for section in self.sections)

    def cve_ids(self) -> list[str]:
        return sorted({c.cve for section in self.sections for c in section.cves})

    def kev_ids(self) -> list[str]:
        return sorted({c.cve for section in self.sections for c in section.cves if c.kev is not None})

    def markdown(self) -> str:
        return "\n".join(_markdown(self)) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "since": self.since,
            "from": _day(self.start),
            "to": _day(self.end),
            "entries": self.entries,
            "stories": self.stories,
            "cves": len(self.cve_ids()),
            "kev": len(self.kev_ids()),
            "sections": [
                {
                    "tag": section.tag,
                    "source": section.source,
                    "entries": section.count,
                    "stories": [
                        {
                            **_entry_json(story.entry, self.headings),
                            "related": [_entry_json(e, self.headings) for e in story.folded],
                        }
                        for story in section.stories
                    ],
                    "cves": [
                        {"cve": c.cve, "kev": c.kev is not None, "epss": c.epss, "percentile": c.percentile}
                        for c in section.cves
                    ],
                }
                for section in self.sections
            ],
        }


def _entry_json(entry: Entry, headings: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "date": entry.date,
        "title": clean_line(entry.title),
        "heading": headings.get(entry.id),
        "link": entry.link,
        "source": entry.source,
    }


def _day(ts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def section_of(entry: Entry, sources: Iterable[str]) -> tuple[str, bool]:
    """The tag an entry is filed under: its first source tag, else its first own tag, else OTHER."""
    source_tags = set(sources)
    for tag in entry.tags:
        if tag in source_tags and tag not in NOT_SECTIONS:
            return tag, True
    for tag in entry.tags:
        if tag not in NOT_SECTIONS:
            return tag, False
    return OTHER, False


def _cve_order(intel: CveIntel) -> tuple[int, float, str]:
    return (0 if intel.kev is not None else 1, -(intel.epss or 0.0), intel.cve)


def build(
    entries: Iterable[Entry],
    clusters: Mapping[int, int],
    intel: Mapping[str, CveIntel],
    sources: Iterable[str],
    *,
    query: str,
    since: str,
    start: int,
    end: int,
    headings: Mapping[int, str] | None = None,
) -> Digest:
    """The digest of these entries; clusters: each entry's cluster id (missing: alone); headings:
    the posts' own headings (`own_headings`), their titles in the digest."""
    sources = set(sources)
    groups: dict[int, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(clusters.get(entry.id, entry.id), []).append(entry)
    by_section: dict[tuple[str, bool], list[Story]] = {}
    for members in groups.values():
        members.sort(key=lambda e: (e.ts, e.id))
        story = Story(members[0], tuple(members[1:]))
        by_section.setdefault(section_of(story.entry, sources), []).append(story)
    sections = []
    for (tag, source), stories in by_section.items():
        stories.sort(key=lambda s: (-s.entry.ts, -s.entry.id))
        cves = sorted({cve for story in stories for e in story.entries for cve in e.cves})
        known = sorted((intel.get(cve) or CveIntel(cve) for cve in cves), key=_cve_order)
        sections.append(Section(tag, source, tuple(stories), tuple(known)))
    sections.sort(key=lambda s: (not s.source, -s.count, s.tag))
    return Digest(query, since, start, end, tuple(sections), dict(headings or {}))


def _entry_line(entry: Entry, section: str, heading: str | None = None) -> str:
    """Date, title linked, and its source unless the section is named after it; a post's own
    heading first, when it has one, its source's title then the link's text."""
    title = escape(entry.title) or "(untitled)"
    url = link_url(entry.link)
    shown = f"[{title}]({url})" if url else title
    if heading:
        shown = f"{escape(heading)} — {shown}"
    source = f" — {escape(entry.source)}" if entry.source and entry.source != section else ""
    return f"{entry.date[:10]} {shown}{source}"


def _cve_line(intel: CveIntel) -> str:
    parts = [intel.cve]
    if intel.kev is not None:
        kev = intel.kev
        facts = [f"added {kev.date_added}"] + (["known ransomware use"] if kev.known_ransomware else [])
        parts.append(f"**KEV** ({escape(', '.join(facts))})")
    epss = intel.epss_text()
    parts.append(epss if epss else "no EPSS score")
    return "- " + " · ".join(parts)


def _markdown(digest: Digest) -> Iterable[str]:
    period = f"{_day(digest.start)} to {_day(digest.end)}"
    yield f"# Digest: {escape(digest.query) or 'all entries'}, {period}"
    yield ""
    yield f"- Query: {('`' + clean_line(digest.query).replace('`', '') + '`') if digest.query else 'all entries'}"
    since = clean_line(digest.since).lower().removeprefix("@")
    # a window (7d) is said with its dates; a date is the first of them already
    said = "" if since[:1].isdigit() and not since[-1:].isalpha() else f"{escape(digest.since)}, "
    yield f"- Period: {said}{period} (UTC)"
    cves, kev = digest.cve_ids(), digest.kev_ids()
    yield (
        f"- {digest.entries} {'entry' if digest.entries == 1 else 'entries'} in {digest.stories}"
        f" {'story' if digest.stories == 1 else 'stories'}, {len(digest.sections)}"
        f" {'section' if len(digest.sections) == 1 else 'sections'}; {len(cves)} CVE"
        f" {'id' if len(cves) == 1 else 'ids'}, {len(kev)} in KEV"
    )
    if not digest.sections:
        yield ""
        yield "No entry matches in this period."
    for section in digest.sections:
        yield ""
        yield f"## {escape(section.tag)} ({section.count} {'entry' if section.count == 1 else 'entries'})"
        yield ""
        for story in section.stories:
            yield "- " + _entry_line(story.entry, section.tag, digest.headings.get(story.entry.id))
            for other in story.folded:
                yield "  - " + _entry_line(other, section.tag, digest.headings.get(other.id))
        if section.cves:
            yield ""
            yield f"### CVEs: {escape(section.tag)}"
            yield ""
            yield from (_cve_line(intel) for intel in section.cves)
