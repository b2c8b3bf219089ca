"""`veille-tui iocs`, `iocs --from`, `show` and the query terms as a user runs them: real processes
over a real archive folder and real files."""

from __future__ import annotations

import csv
import gzip
import io
import json

from tests.conftest import run_cli, write_post

POST = """
---
title: "Loader campaign: indicators"
date: 2026-07-20 10:00:00 +0200
tags: [malware]
---
The C2 servers were update-check[.]net and 185.220.101[.]47; the dropper's SHA-256 is
{sha}. Version 7.2.5.1 is not an address.
"""
SHA = "7dc96f776c8423e57a2785489a3f9c43fb6e756876d6ad9a9cac4aa4e72ec193"


def test_iocs_of_the_entries_and_show(posts_dir) -> None:
    write_post(posts_dir, "2026-07-20-loader.md", POST.format(sha=SHA))
    write_post(posts_dir, "2026-07-21-quiet.md", "---\ntitle: Quiet\ndate: 2026-07-21\n---\nNothing to see.\n")
    archive = ["--archive", str(posts_dir)]
    found = json.loads(run_cli(*archive, "iocs", "--json").stdout)
    assert {(i["type"], i["value"], i["defanged"], i["entries"]) for i in found} == {
        ("domain", "update-check.net", "update-check[.]net", 1),
        ("ipv4", "185.220.101.47", "185.220.101[.]47", 1),
        ("sha256", SHA, SHA, 1),
    }
    plain = run_cli(*archive, "iocs", "--type", "domain").stdout
    assert "update-check[.]net" in plain and "update-check.net" not in plain and "185.220" not in plain
    rows = list(csv.reader(io.StringIO(run_cli(*archive, "iocs", "--csv").stdout)))
    assert rows[0] == ["type", "indicator", "entries", "first_seen", "last_seen"]
    assert ["ipv4", "185.220.101[.]47", "1", "2026-07-20", "2026-07-20"] in rows
    (entry,) = json.loads(run_cli(*archive, "list", "ioc:185.220.101[.]47", "--json").stdout)
    assert json.loads(run_cli(*archive, "list", "has:ioc", "+ioc", "--json").stdout)[0]["id"] == entry["id"]
    shown = json.loads(run_cli(*archive, "show", str(entry["id"]), "--json").stdout)
    assert {i["value"] for i in shown["iocs"]} == {"update-check.net", "185.220.101.47", SHA}
    text = run_cli(*archive, "show", str(entry["id"])).stdout
    assert "update-check[.]net" in text and "Indicators (defanged):" in text


def test_iocs_from_files(tmp_path) -> None:
    page = tmp_path / "report.html.gz"
    html = (
        "<html><head><script>var c2 = 'not-shown.com'</script></head><body><h1>IOCs</h1>"
        "<ul><li>hxxps://drop-zone[.]biz/a</li><li>45.61.136[.]13</li><li>\x1b[31mbad[.]com\u202e</li></ul></body></html>"
    )
    page.write_bytes(gzip.compress(html.encode()))
    notes = tmp_path / "notes.txt"
    notes.write_text(f"indicators: j.doe[at]corp-mailer[.]net {SHA}\n")
    result = run_cli("iocs", "--from", str(page), str(notes), str(tmp_path / "missing.txt"), "--json", check=False)
    assert result.returncode == 1 and "missing.txt" in result.stderr
    assert json.loads(result.stdout) == [
        {
            "file": str(page),
            "iocs": {
                "ipv4": ["45.61.136.13"],
                "domain": ["bad.com", "drop-zone.biz"],
                "url": ["https://drop-zone.biz/a"],
            },
        },
        {
            "file": str(notes),
            "iocs": {"domain": ["corp-mailer.net"], "email": ["j.doe@corp-mailer.net"], "sha256": [SHA]},
        },
    ]
    shown = run_cli("iocs", "--from", str(page)).stdout
    assert "hxxps[://]drop-zone[.]biz/a" in shown and "\x1b" not in shown and "\u202e" not in shown
