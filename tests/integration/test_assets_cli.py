"""`assets`, `assets import`, `show`'s "affects:" and `fetch --watch` with asset matches, as a user
runs them: separate processes, a feed served on loopback (pytest-httpserver), the real SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.integration.test_watch_rules_cli import rss, run

pytest.importorskip("pytest_httpserver")

FORTINET = ("Fortinet FortiOS flaw exploited", "https://loop.example/1", "Patch FortiOS now.")
EXCHANGE = ("Exchange Servers under attack", "https://loop.example/2", "On-premises only.")
QUIET = ("A quiet Tuesday", "https://loop.example/3", "Nothing to see.")
EPMM = ("Endpoint Manager Mobile chained", "https://loop.example/4", "Ivanti EPMM again.")


def setup(httpserver, *items: tuple[str, str, str]) -> Path:
    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(
            f'# the team\'s reader\nwatch = ["fortinet"]\n\n[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\n',
            encoding="utf-8",
        )
    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(rss(*items), content_type="application/rss+xml")
    return path


def test_assets_from_import_to_fetch_watch(httpserver, tmp_path: Path) -> None:
    config = setup(httpserver, FORTINET, EXCHANGE, QUIET)
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("vendor,product,aliases\nMicrosoft,Exchange Server,OWA\nIvanti,EPMM,Endpoint Manager Mobile\n")
    imported = run("assets", "import", str(inventory))
    assert imported.returncode == 0, imported.stderr
    assert "2 assets read, 2 added" in imported.stdout
    assert "# the team's reader" in config.read_text()

    first = run("fetch", "--watch")
    assert first.returncode == 3, first.stderr
    rows = sorted(line.split("\t") for line in first.stdout.splitlines())
    assert sorted((r[1], r[2], r[3]) for r in rows) == [
        ("asset", "Exchange Server", EXCHANGE[0]),
        ("watch", "fortinet", FORTINET[0]),
    ]
    assert "2 new watch and asset matches" in first.stderr
    exchange_id = next(r[0] for r in rows if r[1] == "asset")
    assert "affects: Exchange Server" in run("show", exchange_id).stdout
    assert json.loads(run("show", exchange_id, "--json").stdout)["affects"] == ["Exchange Server"]
    assert run("list", "asset:exchange-server", "--json").stdout.count('"id"') == 1

    assert (run("fetch", "--watch").returncode, run("fetch", "--watch").stdout) == (0, "")
    setup(httpserver, FORTINET, EXCHANGE, QUIET, EPMM)
    third = run("fetch", "--watch", "--json")
    assert third.returncode == 3
    (match,) = json.loads(third.stdout)
    assert (match["kind"], match["terms"], match["title"]) == ("asset", ["EPMM"], EPMM[0])

    listed = json.loads(run("assets", "--json").stdout)
    assert {a["product"]: [e["title"] for e in a["entries"]] for a in listed} == {
        "Exchange Server": [EXCHANGE[0]],
        "EPMM": [EPMM[0]],
    }
    text = run("assets").stdout
    assert "Exchange Server (Microsoft)  1 entries" in text and EPMM[0] in text
