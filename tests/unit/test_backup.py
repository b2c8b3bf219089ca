"""Daily read/starred state backups beside the database (issue 13)."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
from tests.conftest import EXAMPLES
from tests.helpers import present

from veille_tui.core import backup
from veille_tui.core.library import Library

RECORDS = [{"kind": "post", "file": "a.md", "link": None, "title": "A", "read": False, "starred": True}]


def test_daily_writes_once_a_day(tmp_path) -> None:
    calls = []

    def export():
        calls.append(1)
        return RECORDS

    day = date(2026, 12, 1)
    path = present(backup.daily(tmp_path, export, day))
    assert path == tmp_path / "state-2026-12-01.json"
    assert json.loads(path.read_text()) == RECORDS
    assert backup.daily(tmp_path, export, day) is None and len(calls) == 1  # the day's is there: not asked
    assert [p.name for p in tmp_path.iterdir()] == ["state-2026-12-01.json"]  # no temporary file left


def test_nothing_to_keep_writes_nothing(tmp_path) -> None:
    assert backup.daily(tmp_path, lambda: [], date(2026, 12, 1)) is None
    assert backup.backups(tmp_path) == []


def test_the_last_seven_are_kept(tmp_path) -> None:
    first = date(2026, 11, 1)
    for n in range(10):
        backup.daily(tmp_path, lambda: RECORDS, first + timedelta(days=n))
    names = [p.name for p in backup.backups(tmp_path)]
    assert names == [f"state-2026-11-{d:02d}.json" for d in range(10, 3, -1)]
    assert present(backup.newest(tmp_path)).name == "state-2026-11-10.json"
    (tmp_path / "state-notes.json").write_text("{}")  # not ours: left alone, never counted
    assert len(backup.backups(tmp_path)) == 7


def test_a_failing_backup_never_stops_the_command(tmp_path) -> None:
    def broken():
        raise OSError("disk full")

    assert backup.daily(tmp_path, broken, date(2026, 12, 1)) is None
    readonly = tmp_path / "ro"
    readonly.mkdir()
    os.chmod(readonly, 0o500)
    try:
        assert backup.daily(readonly, lambda: RECORDS, date(2026, 12, 1)) is None or os.geteuid() == 0
    finally:
        os.chmod(readonly, 0o700)


def test_read_refuses_what_is_not_a_backup(tmp_path) -> None:
    bad = tmp_path / "state-2026-12-01.json"
    bad.write_text("{not json")
    with pytest.raises(backup.BackupError, match="cannot read the backup"):
        backup.read(bad)
    bad.write_text('{"a": 1}')
    with pytest.raises(backup.BackupError, match="not a veille-tui state backup"):
        backup.read(bad)


def test_the_first_command_of_the_day_backs_up_the_state(tmp_path) -> None:
    Library._backed_up.clear()
    with Library.open(archive=str(EXAMPLES)) as lib:
        lib.index()
        first = lib.entry_ids()[0]
        lib.set_starred(first)
    folder = lib.db_path.parent
    assert backup.backups(folder) == []  # the database was empty when this process first opened it
    Library._backed_up.clear()  # a new process, the same day
    with Library.open(archive=str(EXAMPLES)) as lib:
        lib.count()
    (found,) = backup.backups(folder)
    assert found.name == f"state-{date.today().isoformat()}.json"
    assert [r["starred"] for r in backup.read(found)] == [True]
    with Library.open(archive=str(EXAMPLES)) as lib:  # later the same day: not written again
        lib.set_read(first, False)
        lib.count()
    assert [r["read"] for r in backup.read(found)] == [True]
