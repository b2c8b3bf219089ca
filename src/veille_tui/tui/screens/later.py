"""The main screen's parts made (and their modules imported) when first needed, not before its
first frame: the CVE and IOC views (`c`, `I`), the export, the drafts (`a`, `e`, `P`), the
article full screen (`enter` below 100 columns)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veille_tui.tui.screens.cves import CvePivot
    from veille_tui.tui.screens.draft import Drafting
    from veille_tui.tui.screens.iocs import IocPivot
    from veille_tui.tui.screens.parts.export import Exporting
    from veille_tui.tui.screens.parts.links import Links
    from veille_tui.tui.screens.reading import ReadingScreen


class LaterParts:
    """A mixin of the main screen (given to each part as its host)."""

    links: Links

    @functools.cached_property
    def cve_pivot(self) -> CvePivot:
        """`c`, and back to it from a CVE's entries."""
        from veille_tui.tui.screens.cves import CvePivot

        return CvePivot(self._host)

    @functools.cached_property
    def ioc_pivot(self) -> IocPivot:
        """`I`, and back to it from an indicator's entries."""
        from veille_tui.tui.screens.iocs import IocPivot

        return IocPivot(self._host, self.links.copy)

    @functools.cached_property
    def exporting(self) -> Exporting:
        """The palette's "Export the list (STIX / MISP)…"."""
        from veille_tui.tui.screens.parts.export import Exporting

        return Exporting(self._host)

    @functools.cached_property
    def drafting(self) -> Drafting:
        """`a`, `e`, `P`."""
        from veille_tui.tui.screens.draft import Drafting

        return Drafting(self._host)

    @functools.cached_property
    def reader(self) -> ReadingScreen:
        """The article full screen (`enter` below 100 columns)."""
        from veille_tui.tui.screens.reading import ReadingScreen

        return ReadingScreen(self._host)

    def _made(self, name: str) -> Any:
        """The part `name` if it was made (None: never needed yet)."""
        return self.__dict__.get(name)

    @property
    def reader_open(self) -> bool:
        reader = self._made("reader")
        return reader is not None and bool(reader.is_open)

    def _pivot_back(self) -> bool:
        """Back to the CVE or IOC view a list was chosen in (True: done); never opened: no."""
        return any(pivot is not None and pivot.back() for pivot in (self._made("cve_pivot"), self._made("ioc_pivot")))

    @property
    def _host(self) -> Any:
        """This main screen, as the parts' host (tui/screens/parts/host.py)."""
        return self
