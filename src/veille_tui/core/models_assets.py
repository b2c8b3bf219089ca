"""The asset inventory's plain data: an `[[assets]]` table and what `assets` reports of it
(re-exported by models.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Asset:
    """One `[[assets]]` table of the config: a product the team runs. Its name is the product's."""

    vendor: str
    product: str
    aliases: tuple[str, ...] = ()
    cpe: str | None = None

    def key(self) -> list[Any]:
        return [self.vendor, self.product, list(self.aliases), self.cpe]


@dataclass(frozen=True)
class AssetReport:
    """An asset as `assets` lists it: the entries that touch it (id, title, link, kev), its CVE
    ids (id, in KEV for it), KEV ones first."""

    asset: Asset
    entries: tuple[tuple[int, str, str | None, bool], ...]
    cves: tuple[tuple[str, bool], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "vendor": self.asset.vendor,
            "product": self.asset.product,
            "aliases": list(self.asset.aliases),
            "cpe": self.asset.cpe,
            "entries": [{"id": i, "title": t, "link": link, "kev": kev} for i, t, link, kev in self.entries],
            "cves": [{"cve": cve, "kev": kev} for cve, kev in self.cves],
        }
