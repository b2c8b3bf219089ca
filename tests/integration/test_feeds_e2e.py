"""The feeds issue end to end, through the CLI, on feeds generated from the real archive and
served on loopback by ../shared/bench (skips when ../shared is absent)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import REAL_ARCHIVE, ROOT

BENCH = ROOT.parent / "shared" / "bench"
pytestmark = pytest.mark.skipif(
    not (REAL_ARCHIVE.is_dir() and (BENCH / "make_feeds.py").exists()), reason="../shared (archive and bench) not here"
)


def cli(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "veille_tui", *args], capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def make_feeds(feeds: Path, *extra: str) -> None:
    """The 10 source feeds (make_feeds.py removes other files), plus a broken one and a fresh one of ours."""
    subprocess.run(
        [sys.executable, str(BENCH / "make_feeds.py"), "--out", str(feeds), "--archive", str(REAL_ARCHIVE), *extra],
        check=True,
        capture_output=True,
    )
    (feeds / "broken.xml").write_text("<rss><channel><title>Broken</title><item><title>never closed")
    items = "".join(
        f"<item><title>Fresh story {n}</title><link>https://news.example.org/fresh-{n}</link>"
        f"<guid>fresh-{n}</guid><pubDate>Mon, 0{n} Nov 2026 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Story {n} about CVE-2026-5000{n}.&lt;/p&gt;</description></item>"
        for n in range(1, 4)
    )
    (feeds / "fresh.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fresh</title>{items}</channel></rss>'
    )


@pytest.fixture
def server(tmp_path):
    feeds = tmp_path / "feeds"
    make_feeds(feeds)
    portfile, log = tmp_path / "port", tmp_path / "access.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(BENCH / "serve_feeds.py"),
            "--dir",
            str(feeds),
            "--port",
            "0",
            "--portfile",
            str(portfile),
            "--log",
            str(log),
            "--pidfile",
            str(tmp_path / "pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if portfile.exists() and portfile.read_text().strip():
            break
        time.sleep(0.05)
    port = int(portfile.read_text())
    yield feeds, f"http://127.0.0.1:{port}", log
    proc.terminate()
    proc.wait(timeout=10)


def test_import_fetch_fold_refetch_and_failures(server, tmp_path) -> None:
    feeds, base, log = server
    names = [n.strip() for n in (feeds / "index.txt").read_text().split() if n.strip().endswith(".xml")]
    assert len(names) == 10
    opml = tmp_path / "subs.opml"
    outlines = "".join(f'<outline text="{n[:-4]}" type="rss" xmlUrl="{base}/{n}" category="{n[:-4]}"/>' for n in names)
    outlines += f'<outline text="Broken" xmlUrl="{base}/broken.xml"/><outline text="Gone" xmlUrl="{base}/gone.xml"/>'
    outlines += f'<outline text="Fresh" xmlUrl="{base}/fresh.xml" category="fresh"/>'
    outlines += '<outline text="Local file" xmlUrl="file:///etc/passwd"/>'
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="veille">{outlines}</outline></body></opml>'
    )
    archive = ("--archive", str(REAL_ARCHIVE))

    imported = cli("feeds", "import", str(opml))
    assert "file:///etc/passwd" in imported.stderr  # reported and skipped
    listed = json.loads(cli("feeds", "list", "--json").stdout)
    assert len(listed) == 13

    before = json.loads(cli(*archive, "tags", "--json").stdout)
    first = cli(*archive, "fetch", check=False)
    assert first.returncode == 1
    assert "Broken" in first.stderr and "Gone" in first.stderr and "404" in first.stderr
    after = json.loads(cli(*archive, "tags", "--json").stdout)
    # every item of the 10 source feeds folds into its post: archive tag counts unchanged
    for tag, count in before.items():
        assert after[tag] == count + (1 if tag == "cve" else 0) * 3, tag
    fresh = json.loads(cli(*archive, "list", "is:item", "--json").stdout)
    assert sorted(e["title"] for e in fresh) == ["Fresh story 1", "Fresh story 2", "Fresh story 3"]
    assert all(e["kind"] == "item" and not e["read"] and "fresh" in e["tags"] and e["cves"] for e in fresh)
    assert after["fresh"] == 3
    folded = json.loads(cli(*archive, "list", "feed:certfr", "--json", "--limit", "0").stdout)
    assert folded and all(e["kind"] == "post" and e["feeds"] for e in folded)

    # new items: one feed in ten gets a new story, the rest answer 304
    make_feeds(feeds, "--bump", "0.1")
    log.write_text("")
    second = cli(*archive, "fetch", "--json", check=False)
    assert second.returncode == 1
    outcomes = {o["name"]: o for o in json.loads(second.stdout)}
    statuses = [o["status"] for o in outcomes.values()]
    assert statuses.count("error") == 2
    assert statuses.count("unchanged") >= 1
    # the bumped stories carry an archived post's link: they fold into it, tag counts unchanged
    # (counted as already in the archive, not as new: issue 11, bug 3)
    bumped = [o for o in outcomes.values() if o["new"] or o["archived"]]
    assert bumped and all(o["new"] == 0 and o["archived"] == 1 for o in bumped)
    assert f"0 new items, {len(bumped)} already in the archive" in second.stderr
    assert json.loads(cli(*archive, "tags", "--json").stdout) == after
    assert len(json.loads(cli(*archive, "list", "is:item", "--json").stdout)) == 3
    assert " 304" in log.read_text()

    # a fetch of only the unchanged feeds: all 304, exit 0
    unchanged = [o["url"] for o in outcomes.values() if o["status"] == "unchanged"]
    log.write_text("")
    third = cli(*archive, "fetch", *unchanged)
    requests = [line for line in log.read_text().splitlines() if line.strip()]
    assert requests and all(" 304" in line for line in requests)
    assert "0 new items" in third.stderr
