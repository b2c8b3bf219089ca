"""A MISP feed folder of entries: one event per entry (info, date, tags with the TLP, attributes
for the link, the CVE ids and each indicator with its MISP type and to_ids), `manifest.json` and
`hashes.csv`, as MISP reads a feed it subscribes to."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pymisp import MISPEvent, MISPOrganisation

from veille_tui.core.export import Exported

MISP_TYPES = {
    "ipv4": "ip-dst",
    "ipv6": "ip-dst",
    "domain": "domain",
    "url": "url",
    "email": "email-src",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "sha512": "sha512",
}
_NS = uuid.UUID("0d7e0c5e-7a43-4c1a-a6a8-3c4f3f1c2b11")


def event(item: Exported, *, author: str, tlp: str) -> MISPEvent:
    entry = item.entry
    found = MISPEvent()
    found.uuid = str(uuid.uuid5(_NS, f"entry:{entry.id}:{entry.link or entry.title}"))
    found.info = entry.title or "(untitled)"
    found.date = datetime.fromtimestamp(entry.ts, UTC).date()
    found.published = True
    found.analysis = 2
    found.threat_level_id = 4
    org = MISPOrganisation()
    org.name = author
    org.uuid = str(uuid.uuid5(_NS, "org:" + author))
    found.Orgc = org
    found.add_tag(f"tlp:{tlp}")
    for tag in entry.tags:
        found.add_tag(f"veille:{tag}")
    if entry.link:
        found.add_attribute("link", entry.link, category="External analysis", to_ids=False)
    for cve in item.cves:
        found.add_attribute("vulnerability", cve.cve, category="External analysis", to_ids=False)
    for ioc in item.iocs:
        found.add_attribute(MISP_TYPES[ioc.type], ioc.value, to_ids=True, comment=f"seen in {' '.join(ioc.seen_in)}")
    return found


def write_feed(items: Sequence[Exported], folder: Path, *, author: str, tlp: str) -> int:
    """The feed folder (events written anew, manifest and hashes for all); how many events."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {}
    hashes: list[str] = []
    for item in items:
        found = event(item, author=author, tlp=tlp)
        feed = found.to_feed(with_meta=True)["Event"]
        manifest.update(feed.pop("_manifest"))
        hashes += [f"{h},{found.uuid}" for h in feed.pop("_hashes")]
        _write(folder / f"{found.uuid}.json", json.dumps({"Event": feed}, indent=1, default=str))
    _write(folder / "manifest.json", json.dumps(manifest, indent=1))
    _write(folder / "hashes.csv", "".join(line + "\n" for line in hashes))
    return len(items)


def _write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
