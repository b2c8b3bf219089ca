"""A STIX 2.1 bundle of entries: one `report` per entry (title, published, link as external
reference), one `vulnerability` per CVE id (KEV and EPSS where loaded, as x_ properties), one
`indicator` per indicator with a STIX pattern, `related-to` relationships from each indicator to
the vulnerabilities of its entries, the TLP 2.0 marking, one `identity` for the author."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import stix2

from veille_tui.core.export import Exported

# the TLP 2.0 marking definitions (OASIS, extension-definition--60a3c5c5-…)
_TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
_TLP_IDS = {
    "clear": "94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "red": "e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_NS = uuid.UUID("6f0f7c7e-8d4a-4b38-9d7e-1f1b9f0e0a11")  # ours: the same indicator, the same id
_PATTERNS = {
    "ipv4": "ipv4-addr:value",
    "ipv6": "ipv6-addr:value",
    "domain": "domain-name:value",
    "url": "url:value",
    "email": "email-addr:value",
    "md5": "file:hashes.MD5",
    "sha1": "file:hashes.'SHA-1'",
    "sha256": "file:hashes.'SHA-256'",
    "sha512": "file:hashes.'SHA-512'",
}
_MAX_LINKS = 50  # relationships from one entry's indicators to its vulnerabilities


def tlp_marking(tlp: str) -> stix2.MarkingDefinition:
    return stix2.MarkingDefinition(
        id=f"marking-definition--{_TLP_IDS[tlp]}",
        created="2022-10-01T00:00:00.000Z",
        name=f"TLP:{tlp.upper()}",
        extensions={_TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp}},
    )


def pattern(kind: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"[{_PATTERNS[kind]} = '{escaped}']"


def bundle(items: Sequence[Exported], *, author: str, tlp: str) -> dict[str, Any]:
    """The bundle, as JSON data."""
    marking = tlp_marking(tlp)
    identity = stix2.Identity(
        id=f"identity--{uuid.uuid5(_NS, 'identity:' + author)}", name=author, identity_class="organization"
    )
    common: dict[str, Any] = {"created_by_ref": identity.id, "object_marking_refs": [marking.id]}
    objects: dict[str, Any] = {identity.id: identity, marking.id: marking}
    now = datetime.now(UTC)
    for item in items:
        entry = item.entry
        published = datetime.fromtimestamp(entry.ts, UTC)
        refs: list[str] = []
        vulns: list[str] = []
        for cve in item.cves:
            vid = f"vulnerability--{uuid.uuid5(_NS, 'cve:' + cve.cve)}"
            if vid not in objects:
                custom: dict[str, Any] = {}
                if cve.kev is not None:
                    custom["x_veille_kev"] = True
                    custom["x_veille_kev_date_added"] = cve.kev.date_added
                if cve.epss is not None:
                    custom["x_veille_epss"] = cve.epss
                objects[vid] = stix2.Vulnerability(
                    id=vid,
                    name=cve.cve,
                    external_references=[{"source_name": "cve", "external_id": cve.cve}],
                    allow_custom=True,
                    **common,
                    **custom,
                )
            refs.append(vid)
            vulns.append(vid)
        for ioc in item.iocs:
            iid = f"indicator--{uuid.uuid5(_NS, f'ioc:{ioc.type}:{ioc.value}')}"
            if iid not in objects:
                objects[iid] = stix2.Indicator(
                    id=iid,
                    name=ioc.defanged,
                    pattern=pattern(ioc.type, ioc.value),
                    pattern_type="stix",
                    valid_from=published,
                    indicator_types=["unknown"],
                    **common,
                )
            refs.append(iid)
            for vid in vulns[:_MAX_LINKS]:
                rid = f"relationship--{uuid.uuid5(_NS, f'{iid}>{vid}')}"
                if rid not in objects:
                    objects[rid] = stix2.Relationship(
                        source_ref=iid, relationship_type="related-to", target_ref=vid, id=rid, **common
                    )
                refs.append(rid)
        references = [{"source_name": entry.source or "veille-tui", "url": entry.link}] if entry.link else []
        report = stix2.Report(
            id=f"report--{uuid.uuid5(_NS, f'entry:{entry.id}:{entry.link or entry.title}')}",
            name=entry.title or "(untitled)",
            published=published,
            report_types=["threat-report"],
            object_refs=list(dict.fromkeys(refs)) or [identity.id],
            external_references=references or None,
            labels=list(entry.tags) or None,
            **common,
        )
        objects[report.id] = report
    del now
    data = stix2.Bundle(objects=list(objects.values()), allow_custom=True)
    result: dict[str, Any] = json.loads(data.serialize())
    return result
