"""The running TUI and its config file (issue 23, item 6): a watch list added while it runs is
seen (the file watched; `R` reads it first too), the status line says so; a config that cannot
be read leaves the last good one in force and the status line names the error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.ui.conftest import CONFIG

from .helpers import main, status

POLL = 0.1


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("veille_tui.tui.watcher.POLL_SECONDS", POLL)


def write(path: Path, text: str) -> None:
    """The file written, its mtime moved on (a second later than before, whatever the clock's grain)."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


async def wait_for(pilot, screen, words: str) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if words in status(screen):
            return
    raise AssertionError(f"{words!r} not in the status line: {status(screen)!r}")


async def test_a_config_changed_while_the_tui_runs_is_read_again_and_a_broken_one_named(make_app, lib, env) -> None:
    config = env / "config" / "config.toml"
    assert lib.count("+watch webinar") == 0
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        screen = main(app)
        write(config, CONFIG.replace('watch = ["fortinet"]', 'watch = ["fortinet", "webinar"]'))
        await wait_for(pilot, screen, "config reloaded")
        assert screen.lib.settings.watch == ("fortinet", "webinar")
        assert screen.lib.count("+watch webinar") == 1  # derived again over every entry
        assert screen.state.total == screen.lib.count(None)
        # a broken file: the last good config stays in force, the status line says why
        write(config, CONFIG + "\n[[feeds]\nurl = \n")
        await wait_for(pilot, screen, "config error")
        assert "the last good one is kept" in status(screen) and "invalid TOML" in status(screen)
        assert screen.lib.settings.watch == ("fortinet", "webinar")
        assert screen.lib.count("+watch webinar") == 1
        # fixed: read again
        write(config, CONFIG.replace('watch = ["fortinet"]', 'watch = ["webinar"]'))
        await wait_for(pilot, screen, "config reloaded")
        assert "config error" not in status(screen)
        assert screen.lib.count("+watch fortinet") == 0 and screen.lib.count("+watch") == 1
