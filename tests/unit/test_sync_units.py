"""[sync] in the config, the password sources, the outbox written with each change, and what the
server's items may hold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from veille_tui.core import config as config_mod
from veille_tui.core.errors import ConfigError, SyncError
from veille_tui.core.store import Store
from veille_tui.core.sync.client import parse_item_id
from veille_tui.core.sync.engine import read_password
from veille_tui.core.sync.items import server_feeds, server_item
from veille_tui.core.update import open_store


def write_config(tmp_path: Path, body: str, mode: int = 0o644) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body)
    os.chmod(path, mode)
    return path


BASE = '[sync]\nurl = "https://rss.example.net/api/greader.php"\nuser = "analyst"\n'


def test_password_file_and_command(tmp_path) -> None:
    (tmp_path / "pw").write_text("from-file\nsecond line\n")
    (tmp_path / "pw").chmod(0o600)
    settings = config_mod.load(write_config(tmp_path, BASE + 'password_file = "pw"\n'))
    assert settings.sync is not None and settings.sync.password_file == tmp_path / "pw"
    assert read_password(settings.sync) == "from-file"
    settings = config_mod.load(write_config(tmp_path, BASE + "password_command = \"printf 'cmd-pw\\\\nmore'\"\n"))
    assert settings.sync is not None and read_password(settings.sync) == "cmd-pw"


def test_a_failing_password_command_is_named(tmp_path) -> None:
    settings = config_mod.load(write_config(tmp_path, BASE + 'password_command = "exit 3"\n'))
    assert settings.sync is not None
    with pytest.raises(SyncError, match="exit 3"):
        read_password(settings.sync)


def test_a_password_in_a_readable_config_is_refused(tmp_path) -> None:
    path = write_config(tmp_path, BASE + 'password = "hunter2"\n', mode=0o644)
    with pytest.raises(ConfigError, match=f"{path}.*chmod 600"):
        config_mod.load(path)
    os.chmod(path, 0o600)
    settings = config_mod.load(path)
    assert settings.sync is not None and read_password(settings.sync) == "hunter2"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o700 | 0o004])
def test_a_password_file_others_can_read_is_refused(tmp_path, mode) -> None:
    pw = tmp_path / "pw"
    pw.write_text("hunter2\n")
    pw.chmod(mode)
    settings = config_mod.load(write_config(tmp_path, BASE + 'password_file = "pw"\n', mode=0o600))
    assert settings.sync is not None
    with pytest.raises(SyncError) as raised:
        read_password(settings.sync)
    said = str(raised.value)
    assert said == f"[sync] password_file {pw}: others can read it (mode {mode:o}): `chmod 600 {pw}`"
    assert "hunter2" not in said
    pw.chmod(0o600)
    assert read_password(settings.sync) == "hunter2"
    pw.chmod(0o400)
    assert read_password(settings.sync) == "hunter2"


def test_a_password_file_behind_a_symlink_is_judged_by_the_file(tmp_path) -> None:
    real = tmp_path / "real-pw"
    real.write_text("s3cret\n")
    real.chmod(0o644)
    (tmp_path / "pw").symlink_to(real)
    settings = config_mod.load(write_config(tmp_path, BASE + 'password_file = "pw"\n', mode=0o600))
    assert settings.sync is not None
    with pytest.raises(SyncError, match="others can read it"):
        read_password(settings.sync)
    real.chmod(0o600)
    assert read_password(settings.sync) == "s3cret"


def test_check_owner_only_is_the_same_rule_for_any_secret_file(tmp_path) -> None:
    from veille_tui.core.secret_files import check_owner_only

    url_file = tmp_path / "ntfy-url"
    url_file.write_text("https://ntfy.example/secret-topic\n")
    url_file.chmod(0o644)
    with pytest.raises(ConfigError, match=r"\[notify\] url_file .*ntfy-url: others can read it .*chmod 600"):
        check_owner_only(url_file, "[notify] url_file", ConfigError)
    url_file.chmod(0o600)
    check_owner_only(url_file, "[notify] url_file", ConfigError)
    with pytest.raises(ConfigError, match="cannot check its permissions"):
        check_owner_only(tmp_path / "missing", "[notify] url_file", ConfigError)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("", "one of password_file or password_command"),
        ('password_file = "a"\npassword_command = "b"\n', "not both"),
        ('password_file = "a"\nspeed = 3\n', "unknown \\[sync\\] setting"),
    ],
)
def test_bad_sync_tables(tmp_path, extra, message) -> None:
    with pytest.raises(ConfigError, match=message):
        config_mod.load(write_config(tmp_path, BASE + extra))


def test_a_url_that_is_not_http_is_refused(tmp_path) -> None:
    path = write_config(tmp_path, '[sync]\nurl = "ftp://x"\nuser = "a"\npassword_file = "p"\n')
    with pytest.raises(ConfigError, match="url must be"):
        config_mod.load(path)


def _store(tmp_path: Path, n: int = 5) -> Store:
    store = open_store(tmp_path / "db.sqlite")
    for i in range(n):
        store.db.execute(
            "INSERT INTO entries (kind, link, title, date, ts, added) VALUES ('item', ?, 't', '2026-01-01', 0, 0)",
            (f"https://x.example/{i}",),
        )
    return store


def test_every_change_is_queued_with_its_time_the_latest_kept(tmp_path) -> None:
    with _store(tmp_path) as store:
        store.set_read(1)
        store.set_starred(2)
        assert store.mark_all_read([1, 2, 3]) == 2  # 1 was read already
        rows = store.db.execute("SELECT entry_id, what, value FROM outbox ORDER BY 1, 2").fetchall()
        assert rows == [(1, "read", 1), (2, "read", 1), (2, "starred", 1), (3, "read", 1)]
        store.set_read(1, False)  # the later change replaces the queued one
        assert store.db.execute("SELECT value FROM outbox WHERE entry_id = 1 AND what = 'read'").fetchone() == (0,)
        store.set_read(4, False)  # no change: nothing queued
        assert store.db.execute("SELECT count(*) FROM outbox").fetchone() == (4,)
        assert store.pending_changes() == 0  # none of these stories is on a server (yet): none waits for one


def test_a_change_and_its_queue_row_are_one_transaction(tmp_path) -> None:
    with _store(tmp_path) as store:
        store.db.execute("CREATE TRIGGER boom BEFORE UPDATE OF read ON entries BEGIN SELECT RAISE(ABORT, 'x'); END")
        with pytest.raises(Exception, match="x"):
            store.set_read(1)
        assert store.db.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        assert store.db.execute("SELECT read FROM entries WHERE id = 1").fetchone() == (0,)


def test_item_ids_both_forms() -> None:
    assert parse_item_id("tag:google.com,2005:reader/item/00066195e815cd3e") == 0x00066195E815CD3E
    assert parse_item_id("1796146332028222") == 1796146332028222
    for bad in ("tag:google.com,2005:reader/item/zz", "-1", "", "1" * 30, None, 12, "tag:google.com,2005:reader/item/"):
        assert parse_item_id(bad) is None


def test_server_items_are_checked_and_cleaned() -> None:
    good = {
        "id": "tag:google.com,2005:reader/item/0000000000000010",
        "crawlTimeMsec": "1796146332028",
        "published": 1787385660,
        "title": "A \x1b[31mred\x1b[0m title",
        "canonical": [{"href": "https://news.example.org/a"}],
        "categories": [
            "user/-/state/com.google/reading-list",
            "user/-/state/com.google/read",
            "user/-/label/Vulns",
            "ransomware",
        ],
        "origin": {"streamId": "feed/3"},
        "summary": {"content": "<p>Body <script>alert(1)</script>CVE-2026-1234</p>"},
    }
    item = server_item(good)
    assert item is not None and item.server_id == 16 and item.stream_id == "feed/3" and item.read and not item.starred
    assert item.crawled == 1796146332
    assert "\x1b" not in item.item.title and item.item.link == "https://news.example.org/a"
    assert "alert" not in item.item.summary and "CVE-2026-1234" in item.item.summary
    assert set(item.item.categories) == {"Vulns", "ransomware"}
    for broken in (
        {**good, "id": 5},
        {**good, "origin": "feed/3"},
        {**good, "title": None, "canonical": [{"href": "javascript:alert(1)"}]},
    ):
        assert server_item(broken) is None
    odd = server_item({**good, "categories": "nope", "published": "yesterday", "summary": 3, "author": ["x"]})
    assert odd is not None and odd.item.date is None and not odd.read


def test_server_feeds_shapes() -> None:
    feeds = server_feeds(
        [
            {"id": "feed/1", "url": "https://a.example/rss", "title": "A", "categories": [{"label": "Vuln News"}]},
            {"id": "feed/2", "url": "file:///etc/passwd", "title": "B"},
            {"id": 3, "url": "https://c.example/rss"},
            {"id": "feed/4", "url": "https://d.example/rss", "title": ["x"], "categories": "no"},
        ]
    )
    assert [(f.stream_id, f.title, f.tags) for f in feeds] == [("feed/1", "A", ("vuln-news",)), ("feed/4", "", ())]
