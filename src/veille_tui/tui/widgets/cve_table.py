"""The CVE table: a line-API widget over the CVE summaries of a view (`Library.cves`), one row each:
CVE id, entries, first and last seen, KEV, EPSS and percentile, trend. Given its rows (the screen
reads them in a worker); it never touches the store. A cursor move repaints two rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from veille_tui.core.models import CveSummary
from veille_tui.core.text import clean_line
from veille_tui.tui.lru import LRU
from veille_tui.tui.widgets.lines import CursorLines, WidgetMessage, fit

HIGH_EPSS = 0.1  # an EPSS score from here is shown in the KEV colour (top ~5% of scored CVEs)


@dataclass(frozen=True)
class CveColumns:
    """Cell widths for one table width (0: the column is left out)."""

    cve: int = 16
    entries: int = 7
    first: int = 10
    last: int = 10
    kev: int = 5
    epss: int = 5
    pct: int = 5
    trend: int = 12
    sources: int = 0

    @classmethod
    def for_width(cls, width: int) -> CveColumns:
        if width >= 110:
            fixed = 16 + 8 + 11 + 11 + 6 + 6 + 6 + 13
            return cls(sources=max(width - fixed - 1, 0))
        if width >= 90:
            return cls()
        if width >= 70:
            return cls(first=0, pct=0)
        return cls(first=0, last=0, pct=0, trend=6)


def trend_text(row: CveSummary, width: int) -> str:
    """`2.58 ▲1.29`: weighted mentions in the window, and the change from the one before."""
    value = f"{row.trend:5.2f}"
    if width < 12:
        return value
    change = row.change
    if abs(change) < 0.005:
        return value
    arrow = "▲" if change > 0 else "▼"
    return f"{value} {arrow}{abs(change):.2f}"


def kev_text(row: CveSummary) -> str:
    if row.kev is None:
        return ""
    return "KEV R" if row.kev.known_ransomware else "KEV"


class CveTable(CursorLines, can_focus=True):
    """The rows given, the cursor on one; `enter` posts Chosen."""

    DEFAULT_CSS = """
    CveTable {
        overflow-x: hidden;
        overflow-y: auto;
        min-width: 20;
        background: $surface;
    }
    """

    COMPONENT_CLASSES = {
        "cve-table--cursor",
        "cve-table--cve",
        "cve-table--kev",
        "cve-table--muted",
        "cve-table--header",
        "cve-table--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False, id="cves.down"),
        Binding("up", "cursor_up", "Up", show=False, id="cves.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="cves.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="cves.page_up"),
        Binding("home", "first", "First", show=False, id="cves.first"),
        Binding("end", "last", "Last", show=False, id="cves.last"),
        Binding("enter", "choose", "Entries naming it", id="cves.open"),
    ]

    class Highlighted(WidgetMessage["CveTable"]):
        """The cursor is on this row (None: no rows)."""

        def __init__(self, table: CveTable, row: CveSummary | None) -> None:
            super().__init__(table)
            self.row = row

    class Chosen(WidgetMessage["CveTable"]):
        """Enter on a row."""

        def __init__(self, table: CveTable, row: CveSummary) -> None:
            super().__init__(table)
            self.row = row

    def __init__(self, *, empty_text: str = "No CVE id here.", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[CveSummary] = []
        self.empty_text = empty_text
        self._strips: LRU[tuple[int, bool, int], Strip] = LRU(512)  # (row index, selected, width)

    # --- data -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[CveSummary], keep: str | None = None) -> None:
        """Show these rows; the cursor on `keep` (a CVE id) when it is one of them, else the first."""
        self.rows = list(rows)
        index = next((n for n, row in enumerate(self.rows) if row.cve == keep), None) if keep else None
        self.virtual_size = Size(0, len(self.rows))
        self.set_reactive(CveTable.cursor, index or 0)
        top = max(0, (index or 0) - self._page_height() // 2)
        self.scroll_to(y=min(top, max(len(self.rows) - self._page_height(), 0)), animate=False, immediate=True)
        self._strips.clear()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> CveSummary | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # --- cursor -----------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self.rows)

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    def action_choose(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(self, row))

    # --- rendering --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()

    @staticmethod
    def header_text(width: int) -> str:
        """The column titles, aligned with the rows (the screen shows them above the table)."""
        cols = CveColumns.for_width(width)
        parts = [f" {'CVE':<{cols.cve - 1}}", f"{'entries':>{cols.entries}}"]
        if cols.first:
            parts.append(f" {'first':<{cols.first}}")
        if cols.last:
            parts.append(f" {'last':<{cols.last}}")
        parts += [f" {'KEV':<{cols.kev}}", f" {'EPSS':>{cols.epss}}"]
        if cols.pct:
            parts.append(f" {'pct':>{cols.pct}}")
        parts.append(f"  {'trend':<{cols.trend - 1}}")
        if cols.sources:
            parts.append(" sources")
        return fit("".join(parts), width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base_style()
        index = y + self.scroll_offset.y
        if not self.rows:
            if y == 0:
                style = base + self.get_component_rich_style("cve-table--empty")
                return Strip([Segment(fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (index, selected, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(self.rows[index], selected, width, base)
            self._strips[key] = strip
        return strip

    def _render_row(self, row: CveSummary, selected: bool, width: int, base: Style) -> Strip:
        cols = CveColumns.for_width(width)
        component = self.get_component_rich_style
        muted = base + component("cve-table--muted")
        hot = base + component("cve-table--kev")
        epss = f"{row.epss:.3f}" if row.epss is not None else "-"
        cells: list[tuple[str, Style]] = [
            (f" {row.cve:<{cols.cve - 1}}", base + component("cve-table--cve")),
            (f"{row.entries:>{cols.entries}}", base),
        ]
        if cols.first:
            cells.append((f" {row.first_seen[:10]:<{cols.first}}", muted))
        if cols.last:
            cells.append((f" {row.last_seen[:10]:<{cols.last}}", muted))
        cells.append((f" {kev_text(row):<{cols.kev}}", hot if row.kev else base))
        cells.append((f" {epss:>{cols.epss}}", hot if (row.epss or 0) >= HIGH_EPSS else base))
        if cols.pct:
            pct = f"{int(row.percentile * 100)}%" if row.percentile is not None else ""
            cells.append((f" {pct:>{cols.pct}}", muted))
        cells.append((f"  {trend_text(row, cols.trend):<{cols.trend - 1}}", base))
        if cols.sources:
            cells.append((" " + ", ".join(clean_line(s) for s in row.sources), muted))
        if selected:
            style = base + component("cve-table--cursor")
            return Strip([Segment(fit("".join(text for text, _ in cells), width), style)], width)
        segments = [Segment(text, style) for text, style in cells]
        strip = Strip(segments).simplify()
        return strip.crop(0, width).adjust_cell_length(width, base)
