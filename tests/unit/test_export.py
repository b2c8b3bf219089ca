"""Export: a STIX 2.1 bundle of 1,000 entries that stix2-validator accepts with no error, and a
MISP feed folder whose every event pymisp loads back with the same attributes."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from veille_tui.core.export.stix import pattern as stix_pattern
from veille_tui.core.library import Library
from veille_tui.core.models import Feed, Item
from veille_tui.core.update import store_fetch

stix2validator = pytest.importorskip("stix2validator")


def _sha(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def _library(n: int) -> Library:
    lib = Library.open(config_must_exist=False)
    store = lib.store
    store.sync_feeds([Feed("https://feeds.reporter-site.net/rss", "Reporter", ("news",))])
    feed = store.feed_states()[0].id
    items = [
        Item(
            guid=f"g{i}",
            link=f"https://news.reporter-site.net/{i}",
            title=f"Campaign {i} exploits CVE-2026-{1000 + i % 50}",
            date="2026-07-25T00:00:00+00:00",
            ts=1_785_000_000 + i,
            summary=(
                f"IOCs: c2-{i}[.]net, 45.61.{i % 250}[.]13, hxxps://drop-{i}[.]biz/a?x=1, ops[at]mail-{i}[.]org,"
                f" sha256 {_sha(i)}"
            ),
        )
        for i in range(n)
    ]
    store_fetch(store, feed, status="ok", items=items)
    return lib


def test_a_stix_bundle_of_1000_entries_validates(tmp_path) -> None:
    lib = _library(1000)
    out = tmp_path / "bundle.json"
    assert lib.export("+ioc", stix=out, tlp="green", author="CERT Example") == 1000
    data = json.loads(out.read_text())
    results = stix2validator.validate_instance(data, stix2validator.ValidationOptions(version="2.1"))
    assert results.is_valid, [str(e) for e in results.errors][:5]
    kinds: dict[str, int] = {}
    for obj in data["objects"]:
        kinds[obj["type"]] = kinds.get(obj["type"], 0) + 1
    assert kinds["report"] == 1000 and kinds["vulnerability"] == 50 and kinds["identity"] == 1
    # per entry: 3 domains (one alone, the URL's, the e-mail's), a URL, an e-mail, a hash; 250 addresses
    assert kinds["indicator"] == 6 * 1000 + 250 and kinds["relationship"] >= 6 * 1000
    (marking,) = [o for o in data["objects"] if o["type"] == "marking-definition"]
    assert marking["name"] == "TLP:GREEN"
    assert all(o.get("object_marking_refs") == [marking["id"]] for o in data["objects"] if o["type"] == "report")
    patterns = {o["pattern"] for o in data["objects"] if o["type"] == "indicator"}
    assert "[url:value = 'https://drop-7.biz/a?x=1']" in patterns
    assert stix_pattern("url", "https://a.b/c'd\\e") == "[url:value = 'https://a.b/c\\'d\\\\e']"


def test_a_misp_feed_loads_back(tmp_path) -> None:
    from pymisp import MISPEvent

    lib = _library(20)
    folder = tmp_path / "feed"
    assert lib.export("+ioc", misp=folder, tlp="red") == 20
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest) == 20
    hashes = list(csv.reader((folder / "hashes.csv").open()))
    assert all(row[1] in manifest for row in hashes) and hashes
    for event_uuid in manifest:
        event = MISPEvent()
        event.load_file(str(folder / f"{event_uuid}.json"))
        attributes = {(a.type, a.value, a.to_ids) for a in event.attributes}
        (n,) = {int(a.value.rsplit("/", 1)[1]) for a in event.attributes if a.type == "link"}
        assert attributes == {
            ("link", f"https://news.reporter-site.net/{n}", False),
            ("vulnerability", f"CVE-2026-{1000 + n % 50}", False),
            ("domain", f"c2-{n}.net", True),
            ("domain", f"drop-{n}.biz", True),
            ("domain", f"mail-{n}.org", True),
            ("ip-dst", f"45.61.{n % 250}.13", True),
            ("url", f"https://drop-{n}.biz/a?x=1", True),
            ("email-src", f"ops@mail-{n}.org", True),
            ("sha256", _sha(n), True),
        }
        assert "tlp:red" in {t.name for t in event.tags}
