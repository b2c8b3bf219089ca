"""Export of triaged entries: a STIX 2.1 bundle (stix.py, with `stix2`) and a MISP feed folder
(misp.py, with `pymisp`). Both read an `Exported` list: entries with their CVE intel and indicators."""

from __future__ import annotations

from typing import NamedTuple

from veille_tui.core.models import CveIntel, Entry, Ioc

TLPS = ("clear", "green", "amber", "red")


class Exported(NamedTuple):
    entry: Entry
    cves: tuple[CveIntel, ...]
    iocs: tuple[Ioc, ...]
