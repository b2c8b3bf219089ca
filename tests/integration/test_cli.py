"""The command line, run as a user runs it: a separate process, stdout and stderr apart."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.conftest import EXAMPLES, REAL_ARCHIVE, run_cli, write_post

from veille_tui.core.update import open_store, store_fetch

run = run_cli


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("veille-tui ")
    out = run("--help").stdout
    for command in ("fetch", "index", "feeds", "tags", "list", "show", "archive", "themes"):
        assert command in out
    assert "+tag" in out  # the query language is documented in --help


def test_index_tags_list_show_on_the_examples() -> None:
    index = json.loads(run("--archive", str(EXAMPLES), "index", "--json").stdout)
    files = len(list(EXAMPLES.iterdir()))
    assert index["indexed"] + index["skipped"] + len(index["problems"]) == files
    assert index["indexed"] == 24
    tags = json.loads(run("tags", "--json", "--archive", str(EXAMPLES)).stdout)
    assert tags["veille-cyber"] == 24 and tags["certfr"] == 3 and tags["cve"] == 8
    listed = json.loads(run("--archive", str(EXAMPLES), "list", "+certfr", "--json").stdout)
    assert len(listed) == 3
    keys = {"id", "kind", "title", "date", "tags", "link", "source", "read", "starred", "archived", "cves"}
    assert keys <= set(listed[0])
    assert [e["date"] for e in listed] == sorted((e["date"] for e in listed), reverse=True)
    assert all("certfr" in e["tags"] and e["kind"] == "post" and e["archived"] for e in listed)
    accents = json.loads(run("--archive", str(EXAMPLES), "list", "vulnerabilite", "--json").stdout)
    assert accents and all(e["kind"] == "post" for e in accents)
    negative = json.loads(run("--archive", str(EXAMPLES), "list", "+cve", "-certfr", "--json", "--limit", "0").stdout)
    assert len(negative) == 8 - 2  # two of the CERT-FR posts name CVEs
    shown = run("show", str(listed[0]["id"]), "--archive", str(EXAMPLES)).stdout
    assert listed[0]["title"] in shown and "{:target" not in shown


def test_json_stdout_has_nothing_else(posts_dir) -> None:
    write_post(posts_dir, "2026-07-01-broken.md", "---\ntitle: [unclosed\n---\n")
    result = run("--archive", str(posts_dir), "list", "--json")
    assert json.loads(result.stdout) == []
    assert "could not be read" in result.stderr


def test_bad_query_is_a_message_not_a_traceback() -> None:
    result = run("--archive", str(EXAMPLES), "list", '"unclosed', check=False)
    assert result.returncode == 2
    assert "quote" in result.stderr and "Traceback" not in result.stderr


def test_bad_config_names_file_and_line(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('archive = "x"\n[[feeds]\nurl = 1\n')
    result = run("--config", str(config), "tags", check=False)
    assert result.returncode == 2
    assert str(config) in result.stderr and "line 2" in result.stderr and "Traceback" not in result.stderr


def test_archive_from_environment_and_config(tmp_path) -> None:
    assert json.loads(run("tags", "--json", env={"VEILLE_TUI_ARCHIVE": str(EXAMPLES)}).stdout)["veille-cyber"] == 24
    config = tmp_path / "c.toml"
    config.write_text(f'# my config\narchive = "{EXAMPLES}"\n')
    data = tmp_path / "other-data"
    out = run("--config", str(config), "tags", "--json", env={"VEILLE_TUI_DATA_DIR": str(data)}).stdout
    assert json.loads(out)["veille-cyber"] == 24
    assert (data / "veille.db").exists()


def test_archive_command_writes_a_draft_for_an_item(posts_dir, tmp_path) -> None:
    from veille_tui.core.library import Library
    from veille_tui.core.models import Feed, Item

    write_post(posts_dir, "2026-07-01-existing.md", "---\ntitle: Existing\ntags: [veille-cyber]\n---\nx\n")
    lib = Library.open(archive=str(posts_dir))
    lib.index()
    lib.store.sync_feeds([Feed("https://feeds.example.com/rss", "Example", ("bleepingcomp",))])
    fid = lib.store.feed_states()[0][0]
    store_fetch(
        lib.store,
        fid,
        status="ok",
        items=[
            Item(
                "g1",
                "https://example.com/story",
                "Big breach: what we know",
                "2026-07-20T10:00:00+00:00",
                1784541600,
                "Summary **text**.",
            )
        ],
    )
    entry_id = lib.store.entries("is:item")[0].id
    lib.close()
    out = run("--archive", str(posts_dir), "archive", str(entry_id), "--tag", "breach", "--post").stdout.strip()
    assert out.endswith("2026-07-20-big-breach-what-we-know.md")
    text = (posts_dir / "2026-07-20-big-breach-what-we-know.md").read_text()
    assert "- veille-cyber\n- bleepingcomp\n- breach\n" in text and "Summary **text**." in text
    listed = json.loads(run("--archive", str(posts_dir), "list", "is:archived", "--json").stdout)
    assert entry_id in [e["id"] for e in listed]
    again = run("--archive", str(posts_dir), "archive", str(entry_id), check=False)
    assert again.returncode == 1 and "already archived" in again.stderr


@pytest.mark.skipif(not REAL_ARCHIVE.is_dir(), reason="the real archive (../shared/archive/_posts) is not here")
def test_real_archive_facts() -> None:
    """The facts of ../shared/archive/README.md, counted by the program."""
    a = ("--archive", str(REAL_ARCHIVE))
    index = json.loads(run(*a, "index", "--json").stdout)
    assert index == {"indexed": 2772, "skipped": 0, "skipped_files": [], "problems": []}
    tags = json.loads(run(*a, "tags", "--json").stdout)
    expected = {
        "veille-cyber": 2772,
        "bleepingcomp": 1168,
        "hackernews": 1008,
        "sans-isc": 238,
        "schneier": 165,
        "zerodaysfans": 60,
        "securelist": 53,
        "troyhunt": 32,
        "krebs": 29,
        "philvenables": 13,
        "certfr": 6,
        "cve": 731,
        "ioc": 96,  # derived: the posts that name indicators of compromise (issue 24's extractor)
    }
    assert tags == expected
    assert len(json.loads(run(*a, "list", "+certfr", "--json").stdout)) == 6
    assert len(json.loads(run(*a, "list", "cve:CVE-2026-33825", "--json").stdout)) == 13
    accents = json.loads(run(*a, "list", "vulnerabilite", "--json", "--limit", "0").stdout)
    assert len(accents) > 1000
    from veille_tui.core.paths import database_file

    store = open_store(database_file())
    distinct = store.db.execute("SELECT count(DISTINCT cve) FROM entry_cves").fetchone()[0]
    assert distinct == 1051
    links = store.db.execute(
        "SELECT count(*) FROM (SELECT link_norm FROM entries WHERE kind = 'post' GROUP BY link_norm HAVING count(*) = 2)"
    ).fetchone()[0]
    assert links == 10
    guest = [e for e in store.entries("diary", limit=0) if "Guest Diary" in e.title]
    assert guest and all("&#x" not in e.title for e in guest)


def test_damaged_database_is_a_message_with_recovery(tmp_path) -> None:
    from veille_tui.core.paths import database_file

    run("--archive", str(EXAMPLES), "index")
    path = database_file()
    with open(path, "r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(b"\xde\xad" * 3072)
    result = run("--archive", str(EXAMPLES), "tags", check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "damaged" in result.stderr and "state import" in result.stderr


def test_unexpected_error_is_one_line_with_the_details_in_a_log(monkeypatch, capsys, isolated) -> None:
    """A bug in a command: one line naming it, exit 1; the traceback goes to the data folder."""
    from veille_tui import cli
    from veille_tui.cli.commands import tags

    def broken(args, lib):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(tags, "run", broken)
    code = cli.main(["tags"])
    _out, err = capsys.readouterr()
    log = isolated / "data" / "veille-tui.log"
    assert code == 1
    assert err.splitlines() == [f"veille-tui: tags failed: RuntimeError: something nobody foresaw (details in {log})"]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "something nobody foresaw" in text and "in broken" in text

    def interrupted(args, lib):
        raise KeyboardInterrupt

    monkeypatch.setattr(tags, "run", interrupted)
    assert cli.main(["tags"]) == 130
    assert capsys.readouterr().err.splitlines() == ["veille-tui: interrupted"]


def test_unexpected_error_without_a_writable_data_folder(monkeypatch, capsys, isolated) -> None:
    from veille_tui import cli
    from veille_tui.cli.commands import tags

    def broken(args, lib):
        raise OSError(5, "I/O error")

    (isolated / "data").write_text("a file where the data folder should be")
    monkeypatch.setattr(tags, "run", broken)
    assert cli.main(["tags"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("veille-tui: tags failed: OSError: [Errno 5] I/O error (no details: ")


def test_warnings_logged_by_the_library_go_to_the_log_not_stderr(tmp_path, isolated) -> None:
    """Without a handler, logging prints a logged exception's traceback on stderr."""
    code = (
        "import logging, sys\n"
        "from veille_tui import cli\n"
        "cli.log_to_file()\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('veille_tui.core.feeds.http').exception('fetch %s', 'http://x')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    text = (isolated / "data" / "veille-tui.log").read_text()
    assert "fetch http://x" in text and "ZeroDivisionError" in text
