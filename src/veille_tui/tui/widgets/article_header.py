"""The article's header and its info block, as Rich `Text` (no store, no Textual).

The header is at most three lines at 80 columns: the title (two lines at most), then one line
`date · source · CVE ×3 KEV EPSS 0.94 · watch: term · affects: FortiWeb · ● ★ ◆`. The rest (tags, link, via, the
file, each CVE id's KEV record, EPSS score and NVD page, the full text's source) is the info
block, shown under the header by `i` and always at the end of the article."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.style import Style
from rich.text import Text

from veille_tui.core.models import CveIntel, Entry, FullText, Ioc
from veille_tui.core.text import clean_line

CVE_LINES = 8  # CVE ids of the info block shown with their KEV and EPSS data (the others on one line)

StyleOf = Callable[[str], Style]


def _joined(parts: list[tuple[str, Style]]) -> Text:
    """Parts joined by ` · `, each separator in the style of the part before it (fewer segments)."""
    return Text.assemble(*[(text + (" · " if n < len(parts) - 1 else ""), st) for n, (text, st) in enumerate(parts)])


def meta_line(entry: Entry, intel: Mapping[str, CveIntel], glyphs: Mapping[str, str], style: StyleOf) -> Text:
    """`date · source · CVE ×3 KEV EPSS 0.94 · watch: term · ● ★ ◆` on one line."""
    parts = [((entry.date or "")[:16].replace("T", " "), style("date"))]
    if entry.source:
        parts.append((clean_line(entry.source)[:24], style("source")))
    if entry.cves:
        known = [intel.get(cve) for cve in entry.cves]
        cves = entry.cves[0] if len(entry.cves) == 1 else f"CVE ×{len(entry.cves)}"
        if any(k is not None and k.kev is not None for k in known):
            cves += " KEV"
        scores = [k.epss for k in known if k is not None and k.epss is not None]
        if scores:
            cves += f" EPSS {max(scores):.2f}"
        parts.append((cves, style("cve")))
    if entry.watch_terms:
        parts.append(("watch: " + ", ".join(clean_line(t) for t in entry.watch_terms)[:30], style("tag")))
    if entry.affects:
        parts.append(("affects: " + ", ".join(clean_line(a) for a in entry.affects)[:30], style("tag")))
    marks = []
    if not entry.read:
        marks.append((glyphs["unread"], style("unread")))
    if entry.starred:
        marks.append((glyphs["starred"], style("starred")))
    if entry.archived:
        marks.append((glyphs["archived"], style("archived")))
    elif entry.drafted:
        marks.append((glyphs["drafted"], style("archived")))
    line = _joined(parts)
    if marks:
        line.append(" · ", parts[-1][1])
        for n, (glyph, st) in enumerate(marks):
            line.append(glyph + (" " if n < len(marks) - 1 else ""), st)
    return line


def info_lines(
    entry: Entry,
    intel: Mapping[str, CveIntel],
    full: FullText | None,
    full_shown: bool,
    style: StyleOf,
    iocs: Sequence[Ioc] = (),
) -> list[Text]:
    """The info block: state, tags, CVE ids with their KEV, EPSS and NVD page, the indicators
    (defanged), link, via, file, the full text's line."""
    state = [("archived" if entry.archived else "not archived", style("archived" if entry.archived else "muted"))]
    if entry.drafted and not entry.archived:
        state = [(f"drafted: {clean_line(entry.draft)}", style("archived"))]
    if not entry.read:
        state.append(("unread", style("unread")))
    if entry.starred:
        state.append(("starred", style("starred")))
    lines = [_joined(state)]
    if entry.tags:
        lines.append(Text(" ".join("#" + tag for tag in entry.tags), style=style("tag")))
    if entry.watch_terms:
        terms = clean_line(entry.watch_line())  # each term with where it matched: (title, full text)
        lines.append(Text.assemble(("watch: ", style("muted")), (terms, style("tag"))))
    if entry.affects:
        assets = ", ".join(clean_line(asset) for asset in entry.affects)
        lines.append(Text.assemble(("affects: ", style("muted")), (assets, style("tag"))))
    lines += cve_lines(entry, intel, style)
    lines += ioc_lines(iocs, style)
    if entry.link:
        lines.append(Text(clean_line(entry.link), style=style("link")))
    if entry.feeds:
        lines.append(Text("via " + ", ".join(clean_line(f) for f in entry.feeds), style=style("muted")))
    if entry.file:
        lines.append(Text(clean_line(entry.file), style=style("muted")))
    note = full_text_note(full, full_shown, style)
    if note is not None:
        lines.append(note)
    return lines


IOC_LINES = 12  # indicators listed in the info block; the rest counted (`I` lists them all)


def ioc_lines(iocs: Sequence[Ioc], style: StyleOf) -> list[Text]:
    """The indicators, defanged (never a form that can be clicked or pasted by mistake)."""
    lines = [
        Text.assemble((f"{ioc.type:<7} ", style("muted")), (clean_line(ioc.defanged), style("cve")))
        for ioc in iocs[:IOC_LINES]
    ]
    if len(iocs) > IOC_LINES:
        lines.append(Text(f"… and {len(iocs) - IOC_LINES} more indicators", style=style("muted")))
    return lines


def full_text_note(full: FullText | None, shown: bool, style: StyleOf) -> Text | None:
    """The full text's line: shown (marked), stored, or why the last fetch failed."""
    if full is None:
        return None
    failed = f"full text: {clean_line(full.error)}" if full.error else ""
    if shown:
        words = f"full text · {full.words} words · {clean_line(full.source)} (f: the feed's summary)"
        return Text(words + (f" · last try failed: {clean_line(full.error)}" if full.error else ""), style("fulltext"))
    if full.ok:
        return Text("full text stored (f shows it)" + (f" · {failed}" if failed else ""), style=style("muted"))
    return Text(f"{failed} (the feed's summary is shown)", style=style("fulltext"))


def cve_lines(entry: Entry, intel: Mapping[str, CveIntel], style: StyleOf, detailed: int = CVE_LINES) -> list[Text]:
    """Each CVE id with its KEV record (added, due, known ransomware use) and EPSS score, then
    its NVD page as text (copyable); past `detailed` of them, the others on one line."""
    lines: list[Text] = []
    for cve in entry.cves[:detailed]:
        known = intel.get(cve) or CveIntel(cve)
        epss = known.epss_text()
        lines.append(Text.assemble((cve, style("cve")), ("  " + epss if epss else "", style("epss"))))
        if known.kev is not None:
            lines.append(Text("  " + known.kev.summary(), style=style("kev")))
        page = known.nvd.removesuffix(cve)  # the NVD page, its CVE id in the CVE style as everywhere
        lines.append(Text.assemble(("  " + page, style("muted")), (cve, style("cve"))))
    rest = entry.cves[detailed:]
    if rest:
        kev = sum(1 for cve in rest if getattr(intel.get(cve), "kev", None) is not None)
        more = f"{len(rest)} more" + (f" ({kev} in KEV)" if kev else "") + " (c: the CVE view): "
        lines.append(Text.assemble((more, style("muted")), (" ".join(rest), style("cve"))))
    return lines
