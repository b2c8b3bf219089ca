"""What the commands print: messages on stderr, one JSON document or plain rows on stdout."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from veille_tui.core.library import CveIntel, CveSummary, IntelStatus
from veille_tui.core.models import Entry, FullText, Ioc, IocSummary, WatchMatch
from veille_tui.core.text import clean, clean_line, strip_attribute_lists


def _state(entry: Entry) -> str:
    if entry.archived:
        return "archived"
    return f"drafted: {clean_line(entry.draft)}" if entry.drafted else "not archived"


def err(message: str) -> None:
    """A message for the user, on stderr, with terminal escapes removed."""
    print(clean(message), file=sys.stderr)


def reader_gone() -> None:
    """Standard output's reader closed it (`| head -3`): what is left to print goes nowhere, and
    the exit status stays the command's own (Python would exit 120 when its final flush fails)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind sys.stdout (a test's capture)
        pass


def print_lines(lines: Sequence[str]) -> None:
    """Lines on standard output, whether or not the reader reads them to the end."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()


def emit_json(data: Any) -> None:
    # one write: json.dump writes each token apart (590,000 writes for `cves` at 52,772 entries)
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def entry_row(entry: Entry) -> str:
    """One line of `list`: id, state marks, date, source, title, CVE count."""
    marks = (
        ("N" if not entry.read else " ")
        + ("*" if entry.starred else " ")
        + ("A" if entry.archived else "D" if entry.drafted else " ")
    )
    kev = ", KEV" if "kev" in entry.tags else ""  # names a CVE of the KEV catalogue
    cves = f" [{len(entry.cves)} CVE{kev}]" if entry.cves else ""
    return f"{entry.id:>6} {marks} {entry.date[:10]}  {entry.source[:14]:<14} {entry.title}{cves}"


def watch_match_line(match: WatchMatch) -> str:
    """One line of `fetch --watch`, tab separated: id, kind (watch, asset), the terms or assets
    matched, title, link."""
    terms = ", ".join(clean_line(t) for t in match.terms)
    return "\t".join((str(match.id), match.kind, terms, clean_line(match.title), clean_line(match.link or "")))


def cve_lines(cves: Sequence[str], intel: Mapping[str, CveIntel]) -> list[str]:
    """Each CVE id with its KEV record and EPSS score, and its NVD page (`show`)."""
    lines = ["CVEs:"]
    for cve in cves:
        known = intel.get(cve) or CveIntel(cve)
        facts = [text for text in (known.kev.summary() if known.kev else None, known.epss_text()) if text]
        lines.append(f"  {cve}" + (f"  {'  '.join(facts)}" if facts else ""))
        if known.kev and known.kev.name:
            lines.append(f"      {clean_line(known.kev.name)}")
        lines.append(f"      {known.nvd}")
    return lines


def related_lines(related: Sequence[Entry]) -> list[str]:
    """`Related stories:` and each entry of the cluster: id, date, source, title (`show`)."""
    lines = ["Related stories:"]
    for other in related:
        lines.append(
            f"  {other.id:>6}  {other.date[:10]}  {clean_line(other.source)[:14]:<14} {clean_line(other.title)}"
        )
    return lines


def render_full_text(found: FullText) -> str:
    """A full text as `extract` prints it: its title, where it came from, its Markdown."""
    head = f"{clean_line(found.title)}\n" if found.title else ""
    return f"{head}source: {clean_line(found.source)}  ({found.words} words)\n\n{clean(found.markdown).strip()}"


def full_text_lines(found: FullText | None) -> list[str]:
    """The full text line of `show`: what is stored, or the last failure."""
    if found is None:
        return []
    lines = []
    if found.error:
        lines.append(
            f"full text: {clean_line(found.error)}" + ("  (the one fetched before is shown)" if found.ok else "")
        )
    if found.ok:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(found.fetched)) if found.fetched else "?"
        lines.append(f"full text: {found.words} words from {clean_line(found.source)}, fetched {when} (shown below)")
    return lines


def render_plain(
    entry: Entry,
    intel: Mapping[str, CveIntel] | None = None,
    full: FullText | None = None,
    related: Sequence[Entry] = (),
    affects: Sequence[str] = (),
    iocs: Sequence[Ioc] = (),
) -> str:
    """One entry as plain text, for `show` (with the assets it touches, the KEV and EPSS data of
    its CVEs, and the other stories of its cluster); its full text instead of the feed's summary
    when one is stored (said so)."""
    lines = [
        clean_line(entry.title),
        f"{entry.date}  {entry.source}  {_state(entry)}",
        "tags: " + " ".join(entry.tags),
    ]
    if entry.watch_terms:
        lines.append("watch: " + clean_line(entry.watch_line()))
    if affects:
        lines.append("affects: " + ", ".join(clean_line(a) for a in affects))
    if entry.hidden:
        lines.append("hidden by a rule ([[rules]] hide = true)")
    if entry.feed_date:
        lines.append(f"dated {clean_line(entry.feed_date)} by its feed: in the future, listed at its fetch time")
    if entry.link:
        lines.append(f"link: {clean_line(entry.link)}")
    if entry.feeds:
        lines.append("feeds: " + ", ".join(entry.feeds))
    if entry.cves:
        lines += cve_lines(entry.cves, intel or {})
    if related:
        lines += related_lines(related)
    lines += ioc_lines(iocs)
    lines += full_text_lines(full)
    body = full.markdown if full is not None and full.ok else strip_attribute_lists(entry.body or "")
    lines += ["", clean(body).strip()]
    return "\n".join(lines)


def cves_header() -> str:
    head = f"{'CVE':<16} {'entries':>7}  {'first':<10}  {'last':<10}  {'KEV':<5} {'EPSS':>5} {'pct':>5}"
    return head + "  trend         sources"


def cve_row(c: CveSummary) -> str:
    """One line of `cves`: id, entries, first and last seen, KEV (R: known ransomware use), EPSS
    and percentile, trend (weighted mentions in the window, and the change from the one before)."""
    kev = ("KEV R" if c.kev.known_ransomware else "KEV") if c.kev else "-"
    epss = f"{c.epss:.3f}" if c.epss is not None else "-"
    pct = f"{math.floor(c.percentile * 100)}%" if c.percentile is not None else "-"
    change = f"{c.change:+.2f}" if c.change else ""
    sources = ", ".join(clean_line(s) for s in c.sources)
    return (
        f"{c.cve:<16} {c.entries:>7}  {c.first_seen[:10]:<10}  {c.last_seen[:10]:<10}  {kev:<5} {epss:>5} {pct:>5}"
        f"  {c.trend:>5.2f} {change:<7} {sources}"
    )


def iocs_header() -> str:
    return f"{'type':<7} {'entries':>7}  {'first':<10}  {'last':<10}  indicator (defanged)"


def ioc_row(i: IocSummary) -> str:
    """One line of `iocs`: type, entries, first and last seen, the indicator defanged."""
    return f"{i.type:<7} {i.entries:>7}  {i.first_seen:<10}  {i.last_seen:<10}  {clean_line(i.defanged)}"


def ioc_lines(iocs: Sequence[Ioc]) -> list[str]:
    """`show`'s lines of an entry's indicators, defanged."""
    if not iocs:
        return []
    return ["", "Indicators (defanged):", *(f"  {i.type:<7} {clean_line(i.defanged)}" for i in iocs)]


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def intel_status_lines(statuses: Sequence[IntelStatus], enabled: bool) -> list[str]:
    """`intel status`: per source what is loaded, from where, how old, the last download."""
    lines = []
    for s in statuses:
        age = s.age()
        if age is None or not s.count:
            lines.append(f"{s.label}: not loaded (`veille-tui intel update`, or `veille-tui intel import FILE`)")
        else:
            version = f", version {s.version}" if s.version else ""
            released = f", released {s.released[:10]}" if s.released else ""
            lines.append(f"{s.label}: {s.count:,} records{version}{released}; loaded {_age(age)} ago from {s.origin}")
        if s.last_check is not None and s.url:
            outcome = f"failed: {s.last_error}" if s.last_error else "ok"
            lines.append(f"  last download {_when(s.last_check)} from {s.url}: {outcome}")
    lines.append(
        "downloads: on (`fetch` refreshes each source at most once a day)"
        if enabled
        else "downloads: off ([intel] enabled = false, or VEILLE_TUI_INTEL=off): imported files only"
    )
    return lines
