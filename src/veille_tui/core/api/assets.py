"""Library's asset inventory: the assets imported from a CSV into the config, what each entry
touches ("affects: FortiWeb"), the `assets` report, and the alerts of a fetch (watch and asset
matches, beside each other)."""

from __future__ import annotations

from pathlib import Path

from veille_tui.core import alerts
from veille_tui.core import config as config_mod
from veille_tui.core.alerts import Mark
from veille_tui.core.api import Part
from veille_tui.core.assets import asset_key, read_csv
from veille_tui.core.models import Asset, AssetReport, WatchMatch


class AssetsPart(Part):
    def import_assets(self, path: Path) -> tuple[int, int]:
        """The assets of a CSV inventory (vendor,product[,aliases]) added to the config's
        [[assets]] (those there already left alone): (added, read). The settings are reloaded."""
        found = read_csv(Path(path))
        added = config_mod.write_assets(self.settings.path, found)
        if added:
            self.settings = config_mod.load(self.settings.path)
            store = getattr(self, "_store", None)  # open: brought up to the new inventory now
            if store is not None:
                from veille_tui.core import enrich

                store.assets = self.settings.assets
                enrich.on_open(store)
        return added, len(found)

    def _asset_names(self) -> dict[str, Asset]:
        return {asset_key(a.product): a for a in self.settings.assets}

    def affects(self, entry_id: int) -> list[str]:
        """The names of the assets an entry touches (KEV ones first), for "affects: FortiWeb"."""
        by_key = self._asset_names()
        touched = self.store.assets_of([entry_id]).get(entry_id, {})
        order = sorted(touched, key=lambda k: ("kev" not in touched[k], k))
        return [by_key[k].product if k in by_key else k for k in order]

    def cve_affects(self) -> dict[str, list[str]]:
        """The names of the assets each CVE id touches, for "affects: FortiWeb" in the CVE view:
        its KEV record's vendor and product name one, or an entry naming it touches one (CVE ids
        touching none are left out)."""
        if not self.settings.assets:
            return {}
        from veille_tui.core.enrich.assets import matcher

        match = matcher(tuple(self.settings.assets))
        found: dict[str, set[str]] = {}
        for row in self.store.kev_rows().values():
            for key in match.kev_keys(row.vendor, row.product):
                found.setdefault(row.cve, set()).add(key)
        for cve, key in self.store.cve_assets():
            found.setdefault(cve, set()).add(key)
        by_key = self._asset_names()
        return {cve: sorted(by_key[k].product if k in by_key else k for k in keys) for cve, keys in found.items()}

    def assets_report(self) -> list[AssetReport]:
        """Each asset of the config with the entries that touch it (newest first, KEV ones first)
        and their CVE ids (KEV ones first); the assets with KEV matches first, then by entries."""
        rows = self.store.asset_rows()
        kev = self.store.kev_cves(c for row in rows for c in row[6].split())
        per: dict[str, list[tuple[int, str, str | None, bool, tuple[str, ...]]]] = {}
        for key, entry_id, title, link, _ts, vias, named in rows:
            per.setdefault(key, []).append((entry_id, title, link, "kev" in vias.split(), tuple(named.split())))
        reports = []
        for asset in self.settings.assets:
            found = per.get(asset_key(asset.product), [])
            found.sort(key=lambda r: not r[3])  # stable: newest first within each
            ordered = sorted(dict.fromkeys(c for r in found for c in r[4]), key=lambda c: (c not in kev, c))
            reports.append(
                AssetReport(
                    asset,
                    tuple((i, t, link, k) for i, t, link, k, _ in found),
                    tuple((c, c in kev) for c in ordered),
                )
            )
        reports.sort(key=lambda r: (not any(k for _, k in r.cves), -len(r.entries)))
        return reports

    # --- the alerts of a fetch ----------------------------------------------------------------

    def alerts_mark(self) -> Mark:
        """Where the watch and asset alerts stand now: `new_alerts(mark)` gives those after it."""
        return alerts.mark_now(self.store)

    def new_alerts(self, mark: Mark, kinds: tuple[str, ...] = ("watch", "asset")) -> tuple[Mark, list[WatchMatch]]:
        """The entries fetches made match the watch list (kind `watch`), touch an asset (`asset`)
        or name a KEV CVE (`kev`) for the first time since mark; and the new mark."""
        return alerts.since(self.store, mark, self.settings.assets, kinds)
