"""A team server that always answers "there is more" (issue 26, item 2): its continuation repeats,
or is new each time over the same items, or new items never stop. `sync` and `fetch` (which syncs
at its end) end within their timeout, say that the server never ended, and keep what was read; the
states are not taken from a list read in part. A local server (pytest-httpserver), the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from tests.integration.test_sync_bad_server import API, LOGIN_OK, setup_machine
from werkzeug import Request, Response

from veille_tui.core.store import Store
from veille_tui.core.sync.client import MAX_PAGES

CONTENTS = f"{API}/reader/api/0/stream/contents/user/-/state/com.google/reading-list"
IDS = f"{API}/reader/api/0/stream/items/ids"


def item(n: int) -> dict[str, Any]:
    return {
        "id": f"tag:google.com,2005:reader/item/{n:016x}",
        "title": f"Item {n}",
        "crawlTimeMsec": str(1767225600000 + n),
        "published": 1767225600,
        "alternate": [{"href": f"https://x.example/item/{n}"}],
        "origin": {"streamId": "feed/1"},
        "summary": {"content": "text"},
    }


def as_json(data: dict[str, Any]) -> Response:
    return Response(json.dumps(data), content_type="application/json")


class Server:
    """A GReader server whose stream pages follow `contents(request number)` and `ids(...)`."""

    def __init__(self, httpserver: HTTPServer, contents, ids) -> None:
        self.pages = {"contents": 0, "ids": 0}
        httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
        httpserver.expect_request(f"{API}/reader/api/0/token").respond_with_data("tok")
        httpserver.expect_request(f"{API}/reader/api/0/subscription/list").respond_with_json(
            {"subscriptions": [{"id": "feed/1", "title": "X", "url": "https://x.example/rss", "categories": []}]}
        )
        httpserver.expect_request(f"{API}/reader/api/0/edit-tag", method="POST").respond_with_data("OK")
        httpserver.expect_request(CONTENTS).respond_with_handler(self._counted("contents", contents))
        httpserver.expect_request(IDS).respond_with_handler(self._counted("ids", ids))

    def _counted(self, name: str, answer):
        def handler(request: Request) -> Response:
            self.pages[name] += 1
            return as_json(answer(self.pages[name], request))

        return handler


def same_continuation(n: int, request: Request) -> dict[str, Any]:
    return {"items": [item(1), item(2)], "continuation": "more"}


def new_continuation_same_items(n: int, request: Request) -> dict[str, Any]:
    return {"items": [item(1), item(2)], "continuation": f"more-{n}"}


def alternating(n: int, request: Request) -> dict[str, Any]:
    return {"items": [item(n % 2 + 1)], "continuation": "ab"[n % 2]}


def never_ending(n: int, request: Request) -> dict[str, Any]:
    """New ids and continuations for ever; items 1 and 2 then ids that are no feed's (dropped: the
    test is not about storing 1,000 items)."""
    fresh = {"id": f"tag:google.com,2005:reader/item/{n + 1000:016x}", "origin": {"streamId": "user/-"}}
    return {"items": [item(n)] if n <= 2 else [fresh], "continuation": f"more-{n}"}


def ids_ok(n: int, request: Request) -> dict[str, Any]:
    return {"itemRefs": [{"id": "1"}, {"id": "2"}]}


def ids_endless(n: int, request: Request) -> dict[str, Any]:
    return {"itemRefs": [{"id": "1"}, {"id": "2"}], "continuation": "again"}


def run(config: Path, env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille_tui", "--config", str(config), command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def stored(tmp_path: Path) -> tuple[set[str], str | None, int]:
    with Store(tmp_path / "m" / "data" / "veille.db") as store:
        titles = {row[0] for row in store.db.execute("SELECT title FROM entries")}
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return titles, store.sync_meta("ot"), store.pending_changes()


ENDLESS = [
    (same_continuation, "a continuation it gave before", 2),
    (new_continuation_same_items, "a page of nothing new", 2),
    (alternating, "a continuation it gave before", 3),
]
CASES = [(*case, command) for case in ENDLESS for command in ("sync", "fetch")]
# the page bound is the same for both: run once (1,000 requests)
CASES.append((never_ending, f"still more after {MAX_PAGES} pages", MAX_PAGES, "sync"))


@pytest.mark.parametrize(("contents", "said", "pages", "command"), CASES)
def test_endless_items_end_the_sync_with_a_message(
    httpserver: HTTPServer, tmp_path, contents, said, pages, command
) -> None:
    server = Server(httpserver, contents, ids_ok)
    config, env = setup_machine(tmp_path, httpserver.url_for(API))
    done = run(config, env, command)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"reading-list never ended ({said}): stopped after {pages} page(s)" in done.stderr, done.stderr
    assert "the items read are kept" in done.stderr
    assert server.pages["contents"] == pages
    titles, ot, pending = stored(tmp_path)
    assert {"Item 1", "Item 2"} <= titles
    assert ot is None  # not moved past what was not read: asked again next time
    assert pending == 0  # the queued change was pushed all the same


def test_endless_ids_leave_the_states_as_they_are(httpserver: HTTPServer, tmp_path) -> None:
    server = Server(httpserver, lambda n, r: {"items": [item(1)]}, ids_endless)
    config, env = setup_machine(tmp_path, httpserver.url_for(API))
    with Store(tmp_path / "m" / "data" / "veille.db") as store:
        before = list(store.db.execute("SELECT id, read, starred FROM entries ORDER BY id"))
    done = run(config, env, "sync")
    assert done.returncode == 0, done.stderr
    assert "never ended (a continuation it gave before)" in done.stderr
    assert "its read/starred states are not taken" in done.stderr
    assert server.pages["ids"] == 6  # two pages of each list: unread, read (the pull reads it too), starred
    with Store(tmp_path / "m" / "data" / "veille.db") as store:
        after = {row[0]: row[1:] for row in store.db.execute("SELECT id, read, starred FROM entries")}
    assert all(after[entry_id] == tuple(state) for entry_id, *state in before)


def test_sync_json_has_the_notes(httpserver: HTTPServer, tmp_path) -> None:
    Server(httpserver, same_continuation, ids_ok)
    config, env = setup_machine(tmp_path, httpserver.url_for(API))
    done = subprocess.run(
        [sys.executable, "-m", "veille_tui", "--config", str(config), "sync", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    outcome = json.loads(done.stdout)
    assert outcome["ok"] is True and len(outcome["notes"]) == 1 and "never ended" in outcome["notes"][0]
