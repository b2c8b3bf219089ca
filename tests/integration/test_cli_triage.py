"""The command line's side of issue 11, run as a user runs it (a separate process): `--json`
before the sub-command (bug 7), a mistyped command or a URL without its scheme (bug 11), the
built-in feeds written without a word, an ambiguous `remove`, all of them dropped at once
(bug 12), `feeds list` with each feed's health, `list +tag` for a tag no entry has (bug 10)."""

from __future__ import annotations

import json

import pytest
from tests.conftest import EXAMPLES, run_cli

run = run_cli


def test_json_is_global_before_or_after_the_command() -> None:
    """Issue 11, bug 7: `veille-tui --json list` failed while `veille-tui list --json` worked."""
    before = run("--archive", str(EXAMPLES), "--json", "list", "--limit", "3")
    after = run("--archive", str(EXAMPLES), "list", "--limit", "3", "--json")
    assert json.loads(before.stdout) == json.loads(after.stdout) and len(json.loads(before.stdout)) == 3
    assert json.loads(run("--json", "tags", "--archive", str(EXAMPLES)).stdout)["certfr"] >= 1
    assert json.loads(run("--json", "feeds", "list").stdout)[0]["title"] == "BleepingComputer"
    assert not run("--archive", str(EXAMPLES), "list", "--limit", "1").stdout.startswith("[")


def test_a_mistyped_command_suggests_the_nearest() -> None:
    """Issue 11, bug 11: `veille-tui fech` listed the sub-commands instead of suggesting fetch."""
    result = run("fech", check=False)
    assert result.returncode == 2
    assert "'fech' is not a command of veille-tui; did you mean 'fetch'?" in result.stderr
    assert "choose from" not in result.stderr
    nested = run("feeds", "lsit", check=False)
    assert nested.returncode == 2 and "did you mean 'list'?" in nested.stderr
    far = run("frobnicate", check=False)
    assert far.returncode == 2 and "one of: fetch, index" in far.stderr


def test_a_feed_url_without_its_scheme_is_refused_with_the_fix(tmp_path) -> None:
    """Issue 11, bug 11: `feeds add 127.0.0.1:8000/x.xml` was refused without suggesting http://."""
    result = run("feeds", "add", "127.0.0.1:8000/x.xml", check=False)
    assert result.returncode == 2
    assert "did you mean http://127.0.0.1:8000/x.xml ?" in result.stderr
    remote = run("feeds", "add", "www.example.org/feed.xml", check=False)
    assert remote.returncode == 2 and "did you mean https://www.example.org/feed.xml ?" in remote.stderr
    junk = run("feeds", "add", "notaurl", check=False)
    assert junk.returncode == 2 and "did you mean" not in junk.stderr


def test_builtin_feeds_are_told_listed_and_dropped_in_one_command(tmp_path) -> None:
    """Issue 11, bug 12: the first `feeds add` copied the 8 built-in feeds without a word;
    `remove` said "ambiguous" without the candidates; no way to drop the built-ins at once."""
    added = run("feeds", "add", "http://127.0.0.1:8000/krebs.xml", "--title", "Krebs mirror")
    assert "the 8 built-in default feeds were written there too" in added.stderr
    assert "`veille-tui feeds remove --builtin` drops them all" in added.stderr
    ambiguous = run("feeds", "remove", "Krebs", check=False)
    assert ambiguous.returncode == 1
    assert "Krebs on Security  https://krebsonsecurity.com/feed/" in ambiguous.stderr
    assert "Krebs mirror  http://127.0.0.1:8000/krebs.xml" in ambiguous.stderr
    dropped = run("feeds", "remove", "--builtin")
    assert "unsubscribed from the 8 built-in feeds (1 feeds left" in dropped.stderr
    assert [f["url"] for f in json.loads(run("feeds", "list", "--json").stdout)] == ["http://127.0.0.1:8000/krebs.xml"]
    run("feeds", "remove", "Krebs mirror")
    assert json.loads(run("feeds", "list", "--json").stdout) == []  # none at all, not the built-ins back


def test_feeds_list_shows_each_feeds_health(tmp_path) -> None:
    pytest.importorskip("pytest_httpserver")
    from pytest_httpserver import HTTPServer

    with HTTPServer() as server:
        server.expect_request("/down.xml").respond_with_data("oops", status=500)
        url = server.url_for("/down.xml")
        run("feeds", "add", url, "--title", "Down")
        run("feeds", "remove", "--builtin")
        assert "never fetched" in run("feeds", "list").stdout
        assert run("fetch", check=False).returncode == 1
        assert run("fetch", check=False).returncode == 1
    (feed,) = json.loads(run("feeds", "list", "--json").stdout)
    assert feed["url"] == url and feed["title"] == "Down"
    assert feed["failures"] == 2 and feed["last_ok"] is None and feed["last_fetch"]
    assert "HTTP 500" in feed["last_error"] and feed["items"] == 0 and feed["unread"] == 0
    text = run("feeds", "list").stdout
    assert "FAILING (2 failures in a row, never fetched successfully): HTTP 500" in text


def test_list_of_a_tag_no_entry_has_says_so() -> None:
    """Issue 11, bug 10: `+fortinet` gave 0 entries without a word."""
    result = run("--archive", str(EXAMPLES), "list", "+fortinet")
    assert result.stdout == ""
    assert "no entry has the tag fortinet" in result.stderr
    assert "The words search `fortinet` finds" in result.stderr
