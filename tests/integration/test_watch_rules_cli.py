"""`fetch --watch`, `rules test` and [[rules]] as a user runs them: separate processes, a feed
served on loopback (pytest-httpserver), the real SQLite file; and the hide rule on the real
archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytest_httpserver")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille_tui", *args], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )


def rss(*items: tuple[str, str, str]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 24 Aug 2026 09:00:00 +0000</pubDate><description>{text}</description></item>"
        for title, link, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'


FORTINET = ("Fortinet FortiOS flaw exploited", "https://loop.example/1", "Patch FortiOS now.")
QUIET = ("A quiet Tuesday", "https://loop.example/2", "Nothing to see.")
IVANTI = ("Ivanti EPMM chained with CVE-2026-1234", "https://loop.example/3", "Mobile device management.")


def config(httpserver, rules: str = "", broken: bool = False) -> Path:
    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    feeds = f'[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\ntitle = "Loop"\ntags = ["loop"]\n'
    if broken:
        feeds += f'\n[[feeds]]\nurl = "{httpserver.url_for("/gone.xml")}"\ntitle = "Gone"\n'
    path.write_text('watch = ["fortinet", "ivanti epmm"]\n\n' + feeds + rules, encoding="utf-8")
    return path


def serve(httpserver, *items: tuple[str, str, str]) -> None:
    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(rss(*items), content_type="application/rss+xml")
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=500)


def test_fetch_watch_prints_new_matches_and_exits_3_then_0(httpserver) -> None:
    config(httpserver)
    serve(httpserver, FORTINET, QUIET)
    first = run("fetch", "--watch")
    assert first.returncode == 3, first.stderr
    (line,) = first.stdout.splitlines()  # stdout holds the matches only
    entry_id, kind, terms, title, link = line.split("\t")
    assert (kind, terms, title, link) == ("watch", "fortinet", FORTINET[0], FORTINET[1])
    assert "1 new watch match" in first.stderr
    shown = json.loads(run("show", entry_id, "--json").stdout)
    assert shown["watch_terms"] == ["fortinet"] and "watch" in shown["tags"]
    assert "watch: fortinet" in run("show", entry_id).stdout

    again = run("fetch", "--watch")
    assert (again.returncode, again.stdout) == (0, ""), again.stderr

    serve(httpserver, FORTINET, QUIET, IVANTI)  # one more story, one more match
    third = run("fetch", "--watch", "--json")
    assert third.returncode == 3
    (match,) = json.loads(third.stdout)
    assert match["title"] == IVANTI[0] and match["terms"] == ["ivanti epmm"] and match["link"] == IVANTI[1]
    assert isinstance(match["id"], int)
    assert run("fetch", "--watch", "--json").stdout.strip() == "[]"


def test_fetch_watch_with_a_failed_feed_exits_3_and_still_lists_the_failure(httpserver) -> None:
    config(httpserver, broken=True)
    serve(httpserver, FORTINET)
    result = run("fetch", "--watch")
    assert result.returncode == 3
    assert "Gone" in result.stderr and "failed" in result.stderr
    assert result.stdout.count("\n") == 1
    assert run("fetch", "--watch").returncode == 1  # no new match: the failure's own status
    assert "3 wins over 1" in run("fetch", "--help").stdout


def test_rules_from_the_command_line_and_rules_test(httpserver) -> None:
    config(httpserver, '\n[[rules]]\nquery = "quiet"\nhide = true\n\n[[rules]]\nquery = "+watch"\ntag = ["hot"]\n')
    serve(httpserver, FORTINET, QUIET, IVANTI)
    assert run("fetch", "--watch").returncode == 3
    listed = json.loads(run("list", "--json").stdout)
    assert sorted(e["title"] for e in listed) == sorted([FORTINET[0], IVANTI[0]])
    assert [e["title"] for e in json.loads(run("list", "is:hidden", "--json").stdout)] == [QUIET[0]]
    assert json.loads(run("tags", "--json").stdout)["hot"] == 2
    tested = json.loads(run("rules", "test", "quiet", "--json").stdout)
    assert tested["count"] == 1 and tested["entries"][0]["title"] == QUIET[0]  # a rule sees hidden entries
    plain = run("rules", "test", "+loop")
    assert plain.returncode == 0 and plain.stdout.startswith("3 entries match '+loop'")

    config(httpserver, '\n[[rules]]\nquery = "quiet"\nhide = true\n\n[[rules]]\nquery = "is:nope"\ntag = ["x"]\n')
    bad = run("list")
    assert bad.returncode != 0 and "[[rules]] #2 (query = 'is:nope')" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_hide_rule_on_schneier_in_the_real_archive(real_archive, tmp_path) -> None:
    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    archive = f'archive = "{real_archive}"\n'
    path.write_text(archive, encoding="utf-8")
    everything = len(json.loads(run("list", "--limit", "0", "--json").stdout))
    path.write_text(archive + '\n[[rules]]\nquery = "+schneier"\nhide = true\n', encoding="utf-8")
    shown = len(json.loads(run("list", "--limit", "0", "--json").stdout))
    hidden = json.loads(run("list", "is:hidden", "--limit", "0", "--json").stdout)
    assert everything - shown == 165 and len(hidden) == 165
    assert all("schneier" in e["tags"] for e in hidden)
    assert "schneier" not in json.loads(run("tags", "--json").stdout)
    assert json.loads(run("rules", "test", "+schneier", "--json").stdout)["count"] == 165
    path.write_text(archive, encoding="utf-8")  # the rule removed: they are back
    assert len(json.loads(run("list", "--limit", "0", "--json").stdout)) == everything
    assert json.loads(run("list", "is:hidden", "--json").stdout) == []


def test_a_process_started_before_the_config_changed_does_not_take_derived_tags_back(httpserver) -> None:
    from veille_tui.core.library import Library
    from veille_tui.core.store import Store

    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\ntitle = "Loop"\n', encoding="utf-8")
    serve(httpserver, FORTINET, QUIET, IVANTI)
    assert run("fetch").returncode == 0
    before = os.stat(path).st_mtime_ns
    running = Library.open(config=str(path))  # a TUI open since before the edit: the old config, no watch list
    assert running.count("+watch") == 0
    config(httpserver)  # the watch list is added
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))
    tested = json.loads(run("rules", "test", "+watch", "--json").stdout)
    assert tested["count"] == 2
    with running.for_thread() as worker:  # the running process opens a connection (its workers do)
        assert worker.count("+watch") == 2  # it reads the database as the newer config made it
    with Store(Path(os.environ["VEILLE_TUI_DATA_DIR"]) / "veille.db") as look:  # a look that derives nothing
        assert look.count("+watch") == 2
    running.close()
    assert json.loads(run("rules", "test", "+watch", "--json").stdout)["count"] == 2


def test_fetch_watch_exits_3_when_its_reader_stops_early(httpserver) -> None:
    config(httpserver)
    padding = "firmware gateway appliance " * 6
    many = [(f"Fortinet advisory {n}: {padding}", f"https://loop.example/a/{n}", "Patch.") for n in range(1500)]
    serve(httpserver, *many)
    # `veille-tui fetch --watch | head -3`: more than a pipe holds, the reader gone after 3 lines
    proc = subprocess.Popen(
        [sys.executable, "-m", "veille_tui", "fetch", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 3, stderr
    assert all(b"Fortinet advisory" in line for line in first)
    assert "Traceback" not in stderr and "1500 new watch matches" in stderr
