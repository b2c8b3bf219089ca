"""The team server, for real: a FreshRSS from ../shared/servers (skipped when PHP cannot be had),
feeds of our own served on loopback and subscribed on it, and two machines of one analyst (two
configs and databases) running `veille-tui` as subprocesses."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.freshrss import FeedServer, FreshRSS, Machine, Unavailable, start_freshrss

from veille_tui.core.sync.client import READ, STARRED, parse_item_id


@pytest.fixture(scope="session")
def freshrss(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshRSS]:
    try:
        server = start_freshrss(tmp_path_factory.mktemp("freshrss"))
    except Unavailable as exc:
        pytest.skip(f"FreshRSS cannot run here: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedServer]:
    server = FeedServer(tmp_path_factory.mktemp("feeds"))
    yield server
    server.close()


def subscribe(freshrss: FreshRSS, feeds: FeedServer, name: str, count: int) -> str:
    """A feed of ours on the server (quickadd fetches it at once); its stream id there."""
    url = feeds.write_feed(name, count)
    with freshrss.client() as client:
        return client.quickadd(url)


def server_ids(freshrss: FreshRSS, stream: str) -> dict[str, int]:
    """The server's item ids of a feed, by link."""
    found: dict[str, int] = {}
    with freshrss.client() as client:
        for page in client.stream_items(stream=stream):
            for item in page:
                found[item["canonical"][0]["href"]] = parse_item_id(item["id"]) or 0
    return found


def machine(tmp_path: Path, freshrss: FreshRSS, name: str) -> Machine:
    return Machine(tmp_path / name, freshrss.api, freshrss.state / "api_password")


def of_feed(m: Machine, name: str) -> list[dict[str, Any]]:
    return [e for e in m.entries(f"feed:{name}")]


def test_two_machines_share_read_and_starred(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "twomachines", 12)
    a, b = machine(tmp_path, freshrss, "a"), machine(tmp_path, freshrss, "b")
    first = a.sync()
    assert first["ok"] and first["items"] >= 12
    mine = of_feed(a, "twomachines")
    assert len(mine) == 12 and not any(e["read"] for e in mine)
    read_ids = [str(e["id"]) for e in mine[:5]]
    star_ids = [str(e["id"]) for e in mine[5:7]]
    a.run("mark", *read_ids, "--read")
    a.run("mark", *star_ids, "--star")
    pushed = a.sync()
    assert pushed["ok"] and pushed["pushed"] == 7 and pushed["pending"] == 0

    # the server holds them
    ids = server_ids(freshrss, stream)
    with freshrss.client() as client:
        unread, starred = (
            client.item_ids("user/-/state/com.google/reading-list", exclude=READ),
            client.item_ids(STARRED),
        )
    links_read = {e["link"] for e in mine[:5]}
    links_starred = {e["link"] for e in mine[5:7]}
    assert {ids[link] for link in links_read}.isdisjoint(unread)
    assert {ids[link] for link in links_starred} <= starred

    # the other machine sees them
    assert b.sync()["ok"]
    theirs = {e["link"]: e for e in of_feed(b, "twomachines")}
    assert {link for link, e in theirs.items() if e["read"]} == links_read
    assert {link for link, e in theirs.items() if e["starred"]} == links_starred

    # the server's feeds are marked as such; a second sync with nothing new brings nothing
    listed = a.run("feeds", "list", "--json").stdout
    assert '"server": true' in listed
    again = b.sync()
    assert again["ok"] and again["items"] == 0 and again["pushed"] == 0 and again["pulled"] == 0


def test_a_star_set_on_the_server_reaches_the_machine(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "serverstar", 6)
    a = machine(tmp_path, freshrss, "a")
    assert a.sync()["ok"]
    ids = server_ids(freshrss, stream)
    link = "https://news.example.org/serverstar/3"
    with freshrss.client() as client:
        client.edit_tag([ids[link]], add=STARRED)
        client.edit_tag([ids["https://news.example.org/serverstar/4"]], add=READ)
    outcome = a.sync()
    assert outcome["ok"] and outcome["pulled"] == 2
    entries = {e["link"]: e for e in of_feed(a, "serverstar")}
    assert entries[link]["starred"] and not entries[link]["read"]
    assert entries["https://news.example.org/serverstar/4"]["read"]
    # and back: unstarred there, unstarred here
    with freshrss.client() as client:
        client.edit_tag([ids[link]], remove=STARRED)
    assert a.sync()["pulled"] == 1
    assert not {e["link"]: e for e in of_feed(a, "serverstar")}[link]["starred"]


def test_new_server_items_come_incrementally(freshrss, feeds, tmp_path) -> None:
    subscribe(freshrss, feeds, "incremental", 5)
    a = machine(tmp_path, freshrss, "a")
    assert a.sync()["ok"]
    assert len(of_feed(a, "incremental")) == 5
    time.sleep(1.1)  # `ot` is in seconds
    feeds.write_feed("incremental", 8)  # 3 more
    freshrss.actualize()
    outcome = a.sync()
    assert outcome["ok"] and outcome["items"] == 3
    assert len(of_feed(a, "incremental")) == 8


def test_a_local_feed_is_pushed_to_the_server_and_keeps_working(freshrss, feeds, tmp_path) -> None:
    url = feeds.write_feed("pushedlocal", 4)
    a = machine(tmp_path, freshrss, "a")
    a.run("feeds", "add", url)
    a.run("fetch")  # fetched here (and the sync at its end)
    assert len(of_feed(a, "pushedlocal")) == 4
    read_here = of_feed(a, "pushedlocal")[-1]
    a.run("mark", str(read_here["id"]), "--read")  # the server does not hold it yet
    assert a.sync()["pending"] == 0  # nothing waits for the server... but the change is kept
    done = a.run("feeds", "add", url, "--server")
    assert "subscribed" in done.stderr and "1 change(s) pushed" in done.stderr
    with freshrss.client() as client:
        stream = next(s["id"] for s in client.subscriptions() if s["url"] == url)
        unread = client.item_ids(stream, exclude=READ)
    assert server_ids(freshrss, stream)[str(read_here["link"])] not in unread and len(unread) == 3
    # one entry per story: the server's items fold into the ones fetched here (same links)
    assert len(of_feed(a, "pushedlocal")) == 4
    entry = of_feed(a, "pushedlocal")[0]
    a.run("mark", str(entry["id"]), "--star")
    assert a.sync()["pushed"] == 1
    b = machine(tmp_path, freshrss, "b")
    assert b.sync()["ok"]
    assert [e["link"] for e in of_feed(b, "pushedlocal") if e["starred"]] == [entry["link"]]
    a.run("fetch")  # the local subscription still fetches
    assert len(of_feed(a, "pushedlocal")) == 4


def test_a_change_made_while_the_server_is_down_is_pushed_when_it_is_back(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "downtime", 4)
    a = machine(tmp_path, freshrss, "a")
    assert a.sync()["ok"]
    entry = of_feed(a, "downtime")[0]
    freshrss.stop()
    try:
        a.run("mark", str(entry["id"]), "--read", "--star")
        failed = a.run("sync", check=False)
        assert failed.returncode == 1
        lines = [line for line in failed.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and freshrss.api in lines[0] and "cannot be reached" in lines[0]
        assert "2 change(s) wait" in lines[0]
        assert "Traceback" not in failed.stderr
        # the cache still reads
        assert len(of_feed(a, "downtime")) == 4
    finally:
        freshrss.start()
    back = a.sync()
    assert back["ok"] and back["pushed"] == 2 and back["pending"] == 0
    ids = server_ids(freshrss, stream)
    with freshrss.client() as client:
        assert ids[str(entry["link"])] in client.item_ids(STARRED)


def test_kill_9_during_a_sync_loses_no_queued_change(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "killed", 150)
    a = machine(tmp_path, freshrss, "a")
    assert a.sync()["ok"]
    ids = [int(str(e["id"])) for e in of_feed(a, "killed")]
    a.run("mark", "--query", "feed:killed", "--read")
    rng = random.Random(15)
    for trial in range(6):
        proc = subprocess.Popen(a.command("sync"), env=a.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.kill()
        proc.wait(timeout=30)
        db = sqlite3.connect(a.db)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            waiting = {r[0] for r in db.execute("SELECT entry_id FROM outbox WHERE what = 'read'")}
            read_here = {r[0] for r in db.execute("SELECT id FROM entries WHERE read = 1")}
        finally:
            db.close()
        assert set(ids) <= read_here, f"trial {trial}: a change made here was undone"
        # every change is either still queued, or on the server
        with freshrss.client() as client:
            unread = client.item_ids("user/-/state/com.google/reading-list", exclude=READ)
        by_link = server_ids(freshrss, stream)
        links = {int(str(e["id"])): str(e["link"]) for e in of_feed(a, "killed")}
        for entry_id in ids:
            assert entry_id in waiting or by_link[links[entry_id]] not in unread, f"trial {trial}: {entry_id} lost"
        if trial == 2:  # and more changes queued between kills
            a.run("mark", *map(str, ids[:20]), "--star")
    done = a.sync()
    assert done["ok"] and done["pending"] == 0
    with freshrss.client() as client:
        unread = client.item_ids("user/-/state/com.google/reading-list", exclude=READ)
        starred = client.item_ids(STARRED)
    by_link = server_ids(freshrss, stream)
    assert set(by_link.values()).isdisjoint(unread)
    links = {int(str(e["id"])): str(e["link"]) for e in of_feed(a, "killed")}
    assert {by_link[links[i]] for i in ids[:20]} <= starred


def test_the_write_token_and_mark_all_as_read(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "markall", 3)
    with freshrss.client() as client:
        client._token = "stale-token"  # the server answers 401 with Google-Bad-Token: a new one is asked
        client.mark_all_as_read(stream)
        assert client._token != "stale-token"
        unread = client.item_ids(stream, exclude=READ)
    assert unread == set()


def test_a_change_made_here_after_the_servers_wins(freshrss, feeds, tmp_path) -> None:
    stream = subscribe(freshrss, feeds, "laterwins", 3)
    a = machine(tmp_path, freshrss, "a")
    assert a.sync()["ok"]
    entry = of_feed(a, "laterwins")[0]
    ids = server_ids(freshrss, stream)
    with freshrss.client() as client:  # another machine stars it
        client.edit_tag([ids[str(entry["link"])]], add=STARRED)
    # then, before syncing, the analyst here stars it and thinks better of it: unstarred, later
    a.run("mark", str(entry["id"]), "--star")
    a.run("mark", str(entry["id"]), "--unstar")
    outcome = a.sync()
    assert outcome["ok"] and outcome["pushed"] == 1
    assert not {e["link"]: e for e in of_feed(a, "laterwins")}[entry["link"]]["starred"]
    with freshrss.client() as client:
        assert ids[str(entry["link"])] not in client.item_ids(STARRED)
