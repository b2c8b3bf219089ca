"""Library's CVE intelligence: the CVE summaries of a query, KEV and EPSS per CVE, the intel data
loaded, imported and downloaded."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from veille_tui.core.api import Part
from veille_tui.core.errors import IntelError
from veille_tui.core.models import CveIntel, CveSummary, IntelOutcome, IntelStatus
from veille_tui.core.query import Query, compile_sql, parse

QueryLike = Query | str | None


class IntelPart(Part):
    def kev_loaded(self) -> bool:
        """Is a KEV catalogue loaded? (The CVE view says "not loaded" rather than "not in it".)"""
        return bool(self.store.intel_counts()["kev"])

    def cves(
        self,
        query: QueryLike = None,
        since: str | None = None,
        sort: str = "trend",
        limit: int = 0,
        *,
        only: Sequence[str] | None = None,
        recent: bool = False,
    ) -> list[CveSummary]:
        """The CVE ids named by the entries matching query: per CVE its entries, first and last
        seen, sources, KEV record, EPSS score and trend over the window `since` (default 7 days).
        only: these CVE ids alone; recent: only those named in the window, the head of the trend
        order (quick to read: the TUI shows it while it reads the rest)."""
        now = time.time()
        from veille_tui.core import intel as intel_mod

        window = intel_mod.window_seconds(since, now)
        parsed = parse(query) if isinstance(query, str) else query
        where, params = compile_sql(parsed, now, hidden=not self.store.any_hidden())
        found = intel_mod.cves(self.store, where, params, now=now, window=window, sort=sort, only=only, recent=recent)
        return found[:limit] if limit else found

    def cve_intel(self, cves: Sequence[str]) -> dict[str, CveIntel]:
        """KEV and EPSS of these CVE ids (the article header, `show`): every id is in the answer."""
        from veille_tui.core import intel as intel_mod

        return intel_mod.cve_intel(self.store, cves)

    def intel_status(self) -> list[IntelStatus]:
        """What is loaded of the KEV catalogue and the EPSS scores, from where, how old."""
        from veille_tui.core import intel as intel_mod

        return intel_mod.status(self.store)

    def import_intel(self, path: Path) -> IntelOutcome:
        """Load a KEV catalogue (JSON) or EPSS scores (CSV, CSV.gz) from a file, told by content.
        A bad file raises IntelError and the data loaded before stays."""
        from veille_tui.core import intel as intel_mod

        return intel_mod.import_file(self.store, Path(path))

    def update_intel(self, due_only: bool = False) -> list[IntelOutcome]:
        """Download the KEV catalogue and the EPSS scores from the [intel] URLs (conditional GET);
        due_only: only those not refreshed for a day. Raises IntelError when [intel] is disabled."""
        if not self.settings.intel.enabled:
            raise IntelError(
                f"intel downloads are off ([intel] enabled = false in {self.settings.path}, or VEILLE_TUI_INTEL=off):"
                " `veille-tui intel import FILE` loads a file"
            )
        from veille_tui.core import intel as intel_mod

        return intel_mod.update(self.store, self.settings.intel, self.settings.fetch, due_only=due_only)
