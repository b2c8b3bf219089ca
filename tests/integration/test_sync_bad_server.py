"""A team server that answers garbage, HTML or 401 (pytest-httpserver): one clear line naming the
server, exit 1, the cache and the queued changes kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from veille_tui.core.models import Item
from veille_tui.core.store import Store
from veille_tui.core.store.sync import NewServerItem, ServerFeedRow
from veille_tui.core.update import open_store

API = "/api/greader.php"
LOGIN_OK = "SID=analyst/abc\nLSID=null\nAuth=analyst/abc\n"


def setup_machine(tmp_path: Path, url: str) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "m"
    (home / "data").mkdir(parents=True)
    (home / "pw").write_text("secret\n")
    (home / "pw").chmod(0o600)  # a password_file others can read is refused
    config = home / "config.toml"
    config.write_text(f'feeds = []\n[sync]\nurl = "{url}"\nuser = "analyst"\npassword_file = "{home / "pw"}"\n')
    env = {"VEILLE_TUI_DATA_DIR": str(home / "data"), "VEILLE_TUI_INTEL": "off", "PATH": "/usr/bin:/bin"}
    # an item a server sent before, with a queued change, to see that it is kept
    with open_store(home / "data" / "veille.db") as store:
        served_item(store)
        store.set_read(1, True)
    return config, env


def served_item(store: Store) -> None:
    """One item as a sync stores it (the server's feed, the item, its server id)."""
    feed_ids = store.apply_server_feeds([ServerFeedRow("feed/1", "https://x.example/rss", "X", ())])
    item = Item("greader:5", "https://x.example/1", "t", "2026-01-01T00:00:00+00:00", 1767225600, "")
    with store.transaction():
        store.add_items(feed_ids["feed/1"], [item], 1767225600.0)
        store.link_server_items(feed_ids["feed/1"], [NewServerItem(5, "greader:5", False, False)])


def sync(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille_tui", "--config", str(config), "sync"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def check_one_line(done: subprocess.CompletedProcess[str], url: str, *words: str) -> None:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert url in lines[0] and "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "1 change(s) wait" in lines[0]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("\x00\x01garbage{{{", "application/json", ("not JSON",)),
        ("<html><body>Welcome to nginx</body></html>", "text/html", ("HTML",)),
        (json.dumps({"subscriptions": "not a list"}), "application/json", ("unexpected shape",)),
        (json.dumps([1, 2, 3]), "application/json", ("unexpected shape",)),
    ],
)
def test_a_bad_answer_is_one_clear_line(httpserver: HTTPServer, tmp_path, body, content_type, words) -> None:
    url = httpserver.url_for(API)
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
    httpserver.expect_request(f"{API}/reader/api/0/subscription/list").respond_with_data(
        body, content_type=content_type
    )
    config, env = setup_machine(tmp_path, url)
    check_one_line(sync(config, env), url, *words)
    with open_store(tmp_path / "m" / "data" / "veille.db") as store:
        assert store.pending_changes() == 1
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_401_is_a_refused_login(httpserver: HTTPServer, tmp_path) -> None:
    url = httpserver.url_for(API)
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(
        "Unauthorized!", status=401
    )
    config, env = setup_machine(tmp_path, url)
    check_one_line(sync(config, env), url, "refused the login", "analyst")


def test_401_after_login_is_tried_once_more_then_told(httpserver: HTTPServer, tmp_path) -> None:
    url = httpserver.url_for(API)
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
    httpserver.expect_request(f"{API}/reader/api/0/subscription/list").respond_with_data("Unauthorized!", status=401)
    config, env = setup_machine(tmp_path, url)
    check_one_line(sync(config, env), url, "refused the login")
    logins = [r for r, _ in httpserver.log if r.path.endswith("ClientLogin")]
    assert len(logins) == 2  # logged in again once


def test_an_html_login_page_is_not_the_api(httpserver: HTTPServer, tmp_path) -> None:
    url = httpserver.url_for("/")  # the site, not the API base
    httpserver.expect_request("/accounts/ClientLogin", method="POST").respond_with_data(
        "<!DOCTYPE html><html><form>login</form></html>", content_type="text/html"
    )
    config, env = setup_machine(tmp_path, url.rstrip("/"))
    check_one_line(sync(config, env), url.rstrip("/"), "HTML")


def test_a_huge_answer_is_refused(httpserver: HTTPServer, tmp_path) -> None:
    url = httpserver.url_for(API)
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
    httpserver.expect_request(f"{API}/reader/api/0/subscription/list").respond_with_data(
        '{"subscriptions": ["' + "x" * (5 * 1024 * 1024) + '"]}', content_type="application/json"
    )
    config, env = setup_machine(tmp_path, url)
    check_one_line(sync(config, env), url, "larger than")


def test_an_unreachable_server(tmp_path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}{API}"
    config, env = setup_machine(tmp_path, url)
    check_one_line(sync(config, env), url, "cannot be reached")


def test_sync_without_a_server_says_how_to_set_one(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("feeds = []\n")
    env = {"VEILLE_TUI_DATA_DIR": str(tmp_path / "data"), "VEILLE_TUI_INTEL": "off", "PATH": "/usr/bin:/bin"}
    done = sync(config, env)
    assert done.returncode == 1 and "no team server" in done.stderr and "[sync]" in done.stderr
    mark = subprocess.run(
        [sys.executable, "-m", "veille_tui", "--config", str(config), "mark", "7", "--read"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert mark.returncode == 1 and "no entry with id 7" in mark.stderr


def test_a_batch_the_server_refuses_is_sent_again_in_halves(httpserver: HTTPServer) -> None:
    from werkzeug import Request, Response

    from veille_tui.core.sync.client import READ, GReaderClient

    seen: list[int] = []

    def edit_tag(request: Request) -> Response:
        pairs = [p.split("=", 1) for p in request.get_data(as_text=True).split("&")]
        assert pairs[0][0] == "T" and pairs[1] == ["a", "user%2F-%2Fstate%2Fcom.google%2Fread"]
        ids = [v for k, v in pairs if k == "i"]
        if len(ids) > 250:
            return Response("<html>413 Request Entity Too Large</html>", status=413, content_type="text/html")
        seen.extend(map(int, ids))
        return Response("OK")

    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
    httpserver.expect_request(f"{API}/reader/api/0/token").respond_with_data("token-1\n")
    httpserver.expect_request(f"{API}/reader/api/0/edit-tag", method="POST").respond_with_handler(edit_tag)
    with GReaderClient(httpserver.url_for(API), "analyst", "pw") as client:
        client.edit_tag(list(range(1, 1001)), add=READ)
    assert sorted(seen) == list(range(1, 1001))


def test_a_password_file_others_can_read_is_refused_before_any_request(httpserver: HTTPServer, tmp_path) -> None:
    url = httpserver.url_for(API)
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(LOGIN_OK)
    config, env = setup_machine(tmp_path, url)
    pw = tmp_path / "m" / "pw"
    pw.chmod(0o644)
    done = sync(config, env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert f"[sync] password_file {pw}: others can read it (mode 644): `chmod 600 {pw}`" in line
    assert "secret" not in line and not httpserver.log  # the password never left the machine
    pw.chmod(0o600)
    assert sync(config, env).returncode == 1  # now it logs in (the rest of this server is missing)
    assert [r.path for r, _ in httpserver.log][0].endswith("ClientLogin")
