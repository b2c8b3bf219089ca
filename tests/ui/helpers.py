"""What the UI tests share: waiting for the app's workers, the main screen, the status line, items
added to a fixture feed."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import WorkerCancelled, WorkerFailed

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.core.update import store_fetch
from veille_tui.tui.screens.main import MainScreen


async def settle(pilot, delay: float = 0.25, rounds: int = 2) -> None:
    """Let the workers finish and the article follow the cursor, `rounds` times over.

    A worker that fails (or is cancelled) re-raises in `wait_for_complete` while Textual still
    lists it: the app has told it (a notification), which is what the tests read, so it is not
    an error of the test."""
    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerFailed, WorkerCancelled):
            pass
        await pilot.pause(delay)
    await pilot.pause()


async def idle(pilot, tries: int = 200, step: float = 0.05, after: float = 0.1) -> None:
    """Until no worker runs, polled every `step` seconds `tries` times at most (without
    `wait_for_complete`, which raises a failed worker's error), then `after` seconds more."""
    for _ in range(tries):
        await pilot.pause(step)
        if not any(w.is_running for w in pilot.app.workers):
            break
    await pilot.pause(after)


def main(app) -> MainScreen:
    """The main screen, at the bottom of the stack whatever is shown above it."""
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def focused(app: App[Any]) -> Widget | None:
    """`app.focused`, read through a call: mypy then keeps no narrowing from an earlier assert on
    it across the key presses that move the focus."""
    return app.focused


def top(app: App[Any]) -> Screen[Any]:
    """`app.screen`, the screen on top, read through a call (see `focused`)."""
    return app.screen


def status(screen: MainScreen) -> str:
    """What the status line shows."""
    return str(screen.query_one("#status").render())


def fetched(lib: Library, feed_title: str, items: list[Item]) -> None:
    """`items` as a successful fetch of the configured feed titled `feed_title` would store them."""
    store = lib.store
    feed_id = next(s.id for s in store.feed_states() if s.title == feed_title)
    store_fetch(store, feed_id, status="ok", items=items)
