"""The TUI started on a damaged database (issue 26, item 1): the command line's text (the file,
what is wrong, `doctor --repair`), the repair offered (`r`), a clean exit (`q`: exit 2, the text
left on stderr); and an exception nothing caught is one screen of text, its traceback logged,
never Textual's traceback panel."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from veille_tui.cli.logfile import log_to_file
from veille_tui.core.library import Library
from veille_tui.core.paths import database_file, log_file
from veille_tui.tui.app import VeilleApp
from veille_tui.tui.crash import Crashed
from veille_tui.tui.screens.damaged import DamagedScreen
from veille_tui.tui.screens.main import MainScreen

from .helpers import top


def truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def garbage(raw: bytes) -> bytes:
    return random.Random(26).randbytes(len(raw))


def header_then_garbage(raw: bytes) -> bytes:
    return raw[:100] + random.Random(27).randbytes(len(raw) - 100)


SHAPES = {"truncated": truncated, "garbage": garbage, "good header, garbage after": header_then_garbage}


@pytest.fixture(params=list(SHAPES))
def damaged(request, lib: Library, archive: Path) -> Path:
    """The fixture library's database (indexed, fed, its state backed up), closed and damaged."""
    lib.close()
    path = database_file()
    path.write_bytes(SHAPES[request.param](path.read_bytes()))
    return path


async def wait_for(pilot, condition, tries: int = 600) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


def shown(screen: DamagedScreen) -> tuple[str, str]:
    return (str(screen.query_one("#damaged-text").render()), str(screen.query_one("#damaged-keys").render()))


async def test_damaged_database_is_told_and_quit_cleanly(damaged: Path, archive: Path, capsys) -> None:
    app = VeilleApp(Library.open(archive=str(archive)), offline=True)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DamagedScreen)
        text, keys = shown(screen)
        flat = " ".join(text.split())
        assert str(damaged) in flat and "the database is damaged" in flat
        assert "To recover: `veille-tui doctor --repair`" in flat
        assert "r: repair now" in keys and "q: quit" in keys
        await pilot.press("q")
    assert app.return_code == 2  # as `veille-tui list` on the same file
    err = capsys.readouterr().err
    assert "Traceback" not in err and "locals" not in err
    assert "doctor --repair" in " ".join(err.split())


async def test_damaged_database_is_repaired_and_opened(damaged: Path, archive: Path) -> None:
    lib = Library.open(archive=str(archive))
    app = VeilleApp(lib, offline=True)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DamagedScreen)
        await pilot.press("enter")  # nothing to open yet
        assert top(app) is screen
        assert isinstance(screen, DamagedScreen)  # for mypy: the `is` above widened it to Screen
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state != "repairing")
        text, keys = shown(screen)
        assert screen.state == "repaired", text
        assert "moved to" in text and "24 posts indexed" in text
        assert "restored from" in text or "state starts afresh" in text  # the day's backup, if this process wrote it
        assert keys.startswith("enter: open veille-tui")
        assert list(damaged.parent.glob(f"{damaged.name}.damaged-*"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and len(app.screen.entries.ids) >= 24)
        await pilot.press("q")
    assert app.return_code == 0
    lib.close()


async def test_busy_or_newer_database_is_told_without_a_repair(lib: Library, archive: Path) -> None:
    lib.store.db.execute("PRAGMA user_version = 9999")  # made by a newer veille-tui
    lib.close()
    app = VeilleApp(Library.open(archive=str(archive)), offline=True)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DamagedScreen)
        text, keys = shown(screen)
        assert "made by a newer veille-tui" in text and keys == "q: quit"
        await pilot.press("r")  # not offered: nothing happens
        assert screen.state == "asking"
        await pilot.press("q")
    assert app.return_code == 2


async def test_an_uncaught_exception_is_one_screen_of_text_not_a_traceback(make_app, capsys) -> None:
    log_to_file()  # as `veille-tui` does before it starts the TUI
    app = make_app()
    with pytest.raises(Crashed) as raised:
        async with app.run_test(size=(110, 36)) as pilot:
            empty: dict[str, str] = {}
            app.call_later(lambda: empty["the secret is not shown"])
            await pilot.pause(0.5)
    text = str(raised.value)
    assert isinstance(raised.value.__cause__, KeyError)
    assert text.startswith("veille-tui stopped on an unexpected error: KeyError") and str(log_file()) in text
    assert len(text.splitlines()) <= 21
    err = capsys.readouterr().err
    assert "Traceback" not in err and "locals" not in err and "veille-tui stopped" in err
    logged = log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "KeyError" in logged


async def test_a_panic_with_a_traceback_is_one_line(make_app, capsys):
    """Textual's driver panics with a Rich traceback when its input thread dies."""
    from rich.traceback import Traceback

    log_to_file()
    app = make_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        try:
            raise OSError(5, "Input/output error")
        except OSError:
            app.panic(Traceback())
    err = capsys.readouterr().err
    assert "Traceback" not in err and "veille-tui stopped on an unexpected error of the terminal" in err
    logged = log_file().read_text(encoding="utf-8")
    assert "Input/output error" in logged and "test_a_panic_with_a_traceback_is_one_line" in logged
