"""The asset inventory: names folded (case, accents, punctuation, plurals), the vendor alone only
when it has one product, KEV records for the asset, the `asset` tag and `asset:NAME`, a changed
inventory or catalogue recomputed, the CSV import into the config, `assets` and its order."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core import config as config_mod
from veille_tui.core import enrich
from veille_tui.core.assets import Matcher, fold, read_csv
from veille_tui.core.errors import ConfigError
from veille_tui.core.library import Library
from veille_tui.core.models import Asset, Feed, Item
from veille_tui.core.store import Store
from veille_tui.core.store.intel import KevRow, SourceRow
from veille_tui.core.update import full_text_stored, open_store, store_fetch

INVENTORY = (
    Asset("Fortinet", "FortiWeb"),
    Asset("Fortinet", "FortiGate", ("FortiOS",)),
    Asset("Microsoft", "Exchange Server"),
    Asset("Ivanti", "Connect Secure"),
    Asset("Citrix", "NetScaler ADC", cpe="cpe:2.3:a:citrix:netscaler_gateway:*:*:*:*:*:*:*:*"),
)


def _item(n: int, summary: str, title: str = "") -> Item:
    return Item(
        guid=f"g{n}",
        link=f"https://news.example.net/{n}",
        title=title or f"Story {n}",
        date="2026-07-25T00:00:00+00:00",
        ts=1_785_000_000 + n,
        summary=summary,
    )


def _store(tmp_path: Path, assets=INVENTORY) -> tuple[Store, int]:
    store = open_store(tmp_path / "db.sqlite", watch=(), rules=(), assets=assets)
    store.sync_feeds([Feed("https://feeds.example.net/rss", "Example", ("news",))])
    return store, store.feed_states()[0].id


def _load_kev(store: Store, rows: list[tuple[str, str, str]]) -> None:
    with store.transaction():
        store.replace_kev(
            [KevRow(cve, vendor, product, "", "2026-01-01", None, "", "", "", "", "") for cve, vendor, product in rows],
            SourceRow("kev", "test", "1", None, len(rows), 0.0, None, None, None, None, None),
        )
        enrich.kev_changed(store)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FortiWeb's manager was hit", {"fortiweb"}),
        ("Des FORTIWEBS vulnérables", {"fortiweb"}),
        ("fortiweb-7.2 and Forti Web", {"fortiweb"}),
        ("Patch your Exchange servers now", {"exchange server"}),
        ("exchange\u00a0server, the Exchange-Server", {"exchange server"}),
        ("Fortinet patches a bug", set()),  # the vendor has two products listed: not enough
        ("Ivanti patches a bug", {"connect secure"}),  # one product listed: the vendor says it
        ("FortiOS 7.4", {"fortigate"}),  # an alias
        ("NetScaler Gateway flaw", {"netscaler adc"}),  # the CPE's product
        ("fortiwebinar", set()),  # words, not parts of words
        ("Sécurité Connect Sécure", {"connect secure"}),
    ],
)
def test_what_names_an_asset(text: str, expected: set[str]) -> None:
    assert Matcher(INVENTORY).find_keys(text) == expected


def test_fold() -> None:
    assert fold("  FortiWeb's  É-tude__x ") == "fortiweb s e tude x"


def test_the_step_tags_and_the_query_finds(tmp_path: Path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(
        store,
        feed,
        status="ok",
        items=[_item(1, "A FortiWeb flaw"), _item(2, "nothing here"), _item(3, "body", title="Exchange Servers down")],
    )
    assert store.count("+asset") == 2
    assert store.count("asset:fortiweb") == 1
    assert store.count("asset:Exchange-Server") == 1
    assert store.count("asset:connect-secure") == 0
    (entry,) = store.entries("asset:fortiweb")
    assert entry.tags == ("news", "asset")
    # the entry changes: it no longer names the asset, and loses it
    store_fetch(store, feed, status="ok", items=[_item(1, "A quiet day")])
    assert store.count("asset:fortiweb") == 0
    assert store.count("+asset") == 1


def test_a_full_text_naming_an_asset(tmp_path: Path) -> None:
    from veille_tui.core.models import FullText

    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "a short summary")])
    (entry_id,) = store.entry_ids("")
    with store.transaction():
        store.save_full_text(
            entry_id,
            FullText(
                "t", "The page says Ivanti Connect Secure.", "The page says Ivanti Connect Secure.", 6, "https://x/1"
            ),
        )
        full_text_stored(store, entry_id, alerts=True)
    assert store.count("asset:connect-secure") == 1


def test_kev_for_the_vendor_and_product(tmp_path: Path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "CVE-2026-1111 is exploited"), _item(2, "CVE-2026-2222 too")])
    _load_kev(store, [("CVE-2026-1111", "Fortinet", "FortiWeb"), ("CVE-2026-2222", "Acme", "FortiWeb")])
    assert store.count("asset:fortiweb") == 1  # the other record is another vendor's
    (entry,) = store.entries("asset:fortiweb")
    assert entry.cves == ("CVE-2026-1111",)
    assert store.assets_of([entry.id])[entry.id] == {"fortiweb": {"kev"}}
    _load_kev(store, [])  # the catalogue changed: the match goes
    assert store.count("+asset") == 0
    # a new entry naming a KEV CVE, in a fetch batch
    _load_kev(store, [("CVE-2026-3333", "Microsoft", "Exchange Server 2019")])
    store_fetch(store, feed, status="ok", items=[_item(3, "CVE-2026-3333")])
    assert store.count("asset:exchange-server +kev") == 1


def test_a_changed_inventory_is_recomputed_on_open(tmp_path: Path) -> None:
    store, feed = _store(tmp_path)
    store_fetch(store, feed, status="ok", items=[_item(1, "FortiWeb"), _item(2, "Juniper Junos OS")])
    store.close()
    store = open_store(tmp_path / "db.sqlite", watch=(), rules=(), assets=(Asset("Juniper", "Junos OS"),))
    assert store.count("asset:fortiweb") == 0
    assert store.count("asset:junos-os") == 1
    assert store.count("+asset") == 1
    store.close()
    # the same inventory again: the batch matcher and the full recompute agree
    again = open_store(tmp_path / "db.sqlite", watch=(), rules=(), assets=INVENTORY)
    assert again.count("asset:fortiweb") == 1 and again.count("+asset") == 1


def test_config_assets_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[assets]]\nvendor = "Fortinet"\nproduct = "FortiWeb"\naliases = ["FWB"]\n')
    assert config_mod.load(path).assets == (Asset("Fortinet", "FortiWeb", ("FWB",)),)
    for bad, said in [
        ('[[assets]]\nvendor = "Fortinet"\n', "needs product"),
        ('[[assets]]\nvendor = "F"\nproduct = "!"\n', "two letters"),
        ('[[assets]]\nvendor = "F"\nproduct = "Fw"\naliases = "x"\n', "aliases must be a list"),
        ('[[assets]]\nvendor = "F"\nproduct = "Fw"\ncpe = "x"\n', "cpe must be"),
        ('[[assets]]\nvendor = "F"\nproduct = "Fw"\nversion = "1"\n', "unknown setting"),
    ]:
        path.write_text(bad)
        with pytest.raises(ConfigError, match=said):
            config_mod.load(path)


def test_import_csv_into_the_config_keeps_comments(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '# my config\nwatch = ["ivanti"]  # terms\n\n[[assets]]\nvendor = "Fortinet"\nproduct = "FortiWeb"\n'
    )
    inventory = tmp_path / "inv.csv"
    inventory.write_text(
        "vendor,product,aliases\nFortinet,FortiWeb,\nMicrosoft,Exchange Server,OWA;Outlook Web Access\n\nIvanti,EPMM\n"
    )
    lib = Library(config_mod.load(config), None, db_path=tmp_path / "db.sqlite")
    assert lib.import_assets(inventory) == (2, 3)
    text = config.read_text()
    assert "# my config" in text and "# terms" in text
    assert lib.settings.assets[1] == Asset("Microsoft", "Exchange Server", ("OWA", "Outlook Web Access"))
    assert lib.import_assets(inventory) == (0, 3)  # nothing twice
    bad = tmp_path / "bad.csv"
    bad.write_text("Fortinet\n")
    with pytest.raises(ConfigError, match="bad.csv:1"):
        read_csv(bad)


def test_assets_report_kev_first(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[assets]]\nvendor = "Fortinet"\nproduct = "FortiWeb"\n[[assets]]\nvendor = "Microsoft"\nproduct = "Exchange"\n'
    )
    lib = Library(config_mod.load(config), None, db_path=tmp_path / "db.sqlite")
    store = lib.store
    store.sync_feeds([Feed("https://feeds.example.net/rss", "Example", ())])
    feed = store.feed_states()[0].id
    store_fetch(
        store,
        feed,
        status="ok",
        items=[
            _item(1, "Exchange flaw CVE-2026-0001"),
            _item(2, "Exchange again CVE-2026-0002 CVE-2026-0003"),
            _item(3, "FortiWeb news"),
            _item(4, "Exchange three"),
        ],
    )
    _load_kev(store, [("CVE-2026-0003", "Microsoft", "Exchange Server")])
    reports = lib.assets_report()
    assert [r.asset.product for r in reports] == ["Exchange", "FortiWeb"]
    exchange = reports[0]
    assert [c for c, _ in exchange.cves] == ["CVE-2026-0003", "CVE-2026-0001", "CVE-2026-0002"]
    assert exchange.cves[0][1] is True and exchange.cves[1][1] is False
    assert exchange.entries[0][1] == "Story 2" and exchange.entries[0][3] is True
    assert {e[1] for e in exchange.entries} == {"Story 1", "Story 2", "Story 4"}
    assert lib.affects(exchange.entries[0][0]) == ["Exchange"]
