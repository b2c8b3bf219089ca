"""Library's indicators of compromise: those of a query's entries, of one entry, of saved files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from veille_tui.core.api import Part
from veille_tui.core.errors import VeilleError
from veille_tui.core.models_intel import CveIntel
from veille_tui.core.models_iocs import Ioc, IocSummary
from veille_tui.core.query import Query, compile_sql, parse

QueryLike = Query | str | None
KINDS = ("ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512")


class IocsPart(Part):
    def iocs(self, query: QueryLike = None, kind: str | None = None, limit: int = 0) -> list[IocSummary]:
        """The indicators the entries matching query name: type, value, entries, first and last
        seen; the most named first. kind: one type (KINDS) only."""
        if kind is not None and kind not in KINDS:
            raise VeilleError(f"no indicator type {kind!r}: use one of {', '.join(KINDS)}")
        parsed = parse(query) if isinstance(query, str) else query
        where, params = compile_sql(parsed, hidden=not self.store.any_hidden())
        rows = self.store.ioc_summary(where, params, kind, limit or -1)
        return [IocSummary(*row) for row in rows]

    def entry_iocs(self, entry_id: int) -> list[Ioc]:
        """The indicators an entry names, by type then value."""
        return [Ioc(r.type, r.value, tuple(r.seen_in.split())) for r in self.store.entry_iocs(entry_id)]

    def export(
        self,
        query: QueryLike,
        *,
        stix: Path | None = None,
        misp: Path | None = None,
        tlp: str = "amber",
        author: str = "veille-tui",
    ) -> int:
        """The entries matching query (None: the starred ones) written as a STIX 2.1 bundle (stix,
        a file, written whole) or a MISP feed folder (misp); how many entries."""
        from veille_tui.core.export import TLPS, Exported

        if tlp not in TLPS:
            raise VeilleError(f"no TLP {tlp!r}: use one of {', '.join(TLPS)}")
        entries = self.store.entries(query if query else "is:starred", limit=0)
        cves = sorted({cve for entry in entries for cve in entry.cves})
        intel = self.cve_intel(cves) if cves else {}
        iocs = self.store.iocs_of([entry.id for entry in entries])
        items = [
            Exported(
                entry,
                tuple(intel[cve] for cve in entry.cves if cve in intel),
                tuple(Ioc(r.type, r.value, tuple(r.seen_in.split())) for r in iocs.get(entry.id, [])),
            )
            for entry in entries
        ]
        if stix is not None:
            import json
            import os

            from veille_tui.core.export import stix as stix_mod

            data = stix_mod.bundle(items, author=author, tlp=tlp)
            partial = stix.with_name(stix.name + ".part")
            partial.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, stix)
        if misp is not None:
            from veille_tui.core.export import misp as misp_mod

            misp_mod.write_feed(items, misp, author=author, tlp=tlp)
        return len(items)

    def cve_intel(self, cves: Sequence[str]) -> dict[str, CveIntel]:
        raise NotImplementedError

    def iocs_from_files(self, paths: Sequence[Path]) -> list[tuple[Path, dict[str, list[str]] | str]]:
        """What each saved page or text file names (nothing stored): per file its indicators by
        type, refanged, or the reason it could not be read."""
        from veille_tui.core.iocs import extract_many
        from veille_tui.core.iocs.files import read_text

        texts: list[str | None] = []
        reasons: dict[int, str] = {}
        for index, path in enumerate(paths):
            try:
                texts.append(read_text(path))
            except OSError as exc:
                texts.append(None)
                reasons[index] = exc.strerror or str(exc)
        found = iter(extract_many([(text, "") for text in texts if text is not None]))
        return [(path, reasons[i] if i in reasons else next(found)) for i, path in enumerate(paths)]
