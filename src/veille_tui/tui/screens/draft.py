"""Drafts from the TUI: `a` opens the form (title, tags, where the body comes from), the draft is
written in a worker (the draft command's progress in the status line, `escape` kills it); `e`
opens the entry's draft in `$EDITOR` (the app suspended, the archive indexed again after); `P`
publishes it (after a yes)."""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from veille_tui.core.errors import DraftError
from veille_tui.core.library import NO_ARCHIVE
from veille_tui.core.models import SOURCE_LABELS, DraftPlan, DraftSource, Entry
from veille_tui.core.text import clean_line, normalize_tag
from veille_tui.tui.messages import DraftDone

if TYPE_CHECKING:
    from veille_tui.tui.screens.parts.host import Host

PUBLISH_TOPIC = "publish"


@dataclass(frozen=True)
class DraftRequest:
    """What the form was submitted with."""

    title: str
    tags: tuple[str, ...]
    source: DraftSource


class DraftForm(ModalScreen[DraftRequest | None]):
    """Title, tags (space separated), the body's source; `enter` in a field or `ctrl+s` writes,
    `escape` cancels."""

    DEFAULT_CSS = """
    DraftForm { align: center middle; }
    DraftForm > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    DraftForm Label { margin-top: 1; color: $text-muted; }
    DraftForm Input, DraftForm Input:focus { border: none; height: 1; padding: 0; background: $boost; }
    DraftForm RadioSet { border: none; background: $panel; padding: 0; width: 1fr; }
    DraftForm #draft-title { text-style: bold; }
    DraftForm #draft-hint { color: $text-muted; margin-top: 1; }
    DraftForm #draft-error { color: $text-error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="draft.cancel"),
        Binding("ctrl+g", "cancel", "Cancel", show=False, id="draft.cancel_alt"),
        Binding("ctrl+s", "submit", "Write the draft", id="draft.submit"),
    ]

    def __init__(self, plan: DraftPlan, where: str, cursor_blink: bool = False) -> None:
        super().__init__()
        self.plan = plan
        self.where = where
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical():
            yield Static(Content(f"Draft a post  → {self.where}"), id="draft-title")
            yield Label("Title")
            yield Input(value=clean_line(plan.title), id="draft-title-input", select_on_focus=False)
            yield Label("Tags (space separated)")
            yield Input(value=" ".join(plan.tags), id="draft-tags-input", select_on_focus=False)
            yield Label("Body from")
            with RadioSet(id="draft-source"):
                for index, source in enumerate(plan.sources):
                    label = SOURCE_LABELS[source]
                    if source == "command" and plan.command:
                        label += f" ({clean_line(plan.command)[:50]})"
                    yield RadioButton(Content(label), value=index == 0, id=f"draft-source-{source}")
            yield Static(id="draft-error", markup=False)
            yield Static(
                Content("enter or ctrl+s: write · tab: next field · arrows: body source · esc: cancel"),
                id="draft-hint",
            )

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.cursor_blink
        title = self.query_one("#draft-title-input", Input)
        title.focus()
        title.cursor_position = len(title.value)

    def source(self) -> DraftSource:
        pressed = self.query_one(RadioSet).pressed_index
        return self.plan.sources[pressed if 0 <= pressed < len(self.plan.sources) else 0]

    def request(self) -> DraftRequest | None:
        title = clean_line(self.query_one("#draft-title-input", Input).value)
        if not title:
            self.query_one("#draft-error", Static).update(Content("A title, please."))
            return None
        raw = self.query_one("#draft-tags-input", Input).value.replace(",", " ").split()
        tags = tuple(dict.fromkeys(t for t in map(normalize_tag, raw) if t))
        return DraftRequest(title, tags, self.source())

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        request = self.request()
        if request is not None:
            self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi: a command line (it may hold arguments)."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    return ["vi"]


class Drafting:
    """The main screen's side of drafts: `a`, `e`, `P`, and `escape` while a draft command runs."""

    TICK = 0.5  # seconds between two updates of the status line while the command runs

    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self._cancel: threading.Event | None = None  # set: the running draft is to stop
        self._timer: Timer | None = None
        self._publishing: Entry | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def _place(self) -> str:
        lib = self.screen.lib
        if lib.settings.draft.folder == "posts":
            return "the archive's posts (published at once)"
        return "_drafts/ (publish it with P)"

    # --- a --------------------------------------------------------------------------------

    def open_form(self, entry: Entry) -> None:
        screen = self.screen
        if screen.lib.archive is None:
            screen.notify(NO_ARCHIVE[0].upper() + NO_ARCHIVE[1:], severity="warning", markup=False)
            return
        if self.running:
            screen.notify("A draft is being written (escape cancels it).", severity="warning", markup=False)
            return
        if entry.archived:
            screen.notify(f"Already archived: {entry.file}", markup=False)
            return
        if entry.drafted:
            screen.notify(f"Drafted already: {entry.draft} (e: edit it, P: publish it)", markup=False)
            return
        try:
            plan = screen.lib.draft_plan(entry.id)
        except DraftError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return

        def done(request: DraftRequest | None) -> None:
            screen.entries.focus()
            if request is not None:
                self.start(entry.id, request)

        blink = screen.app.animation_level != "none"
        screen.app.push_screen(DraftForm(plan, self._place(), cursor_blink=blink), done)

    def start(self, entry_id: int, request: DraftRequest) -> None:
        screen = self.screen
        cancel = threading.Event()
        self._cancel = cancel
        started = time.monotonic()
        label = "running the draft command" if request.source == "command" else "writing the draft"

        def tick() -> None:
            if self._cancel is cancel:
                screen.set_activity(f"{label}… {time.monotonic() - started:.0f} s (esc: cancel)")

        tick()
        self._timer = screen.set_interval(self.TICK, tick)
        screen.run_worker(
            functools.partial(self._write, entry_id, request, cancel),
            thread=True,
            group="draft",
            exit_on_error=False,
        )

    def _write(self, entry_id: int, request: DraftRequest, cancel: threading.Event) -> None:
        """In the worker thread."""
        screen = self.screen
        notes: list[str] = []  # the command's output cut: said beside "Draft written"
        try:
            with screen.lib.for_thread() as lib:
                path = lib.write_draft(
                    entry_id,
                    title=request.title,
                    tags=request.tags,
                    source=request.source,
                    cancelled=cancel.is_set,
                    notes=notes,
                )
        except DraftError:
            screen.app.call_from_thread(self.finished)
            if cancel.is_set():
                screen.app.call_from_thread(screen.notify, "Draft cancelled: nothing written.", timeout=4)
                return
            raise
        screen.app.call_from_thread(self.finished)
        for note in notes:
            screen.app.call_from_thread(screen.notify, note, severity="warning", markup=False, timeout=12)
        screen.post_message(DraftDone(entry_id, f"Draft written: {path}"))

    def finished(self) -> None:
        self._cancel = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.screen.set_activity("")

    def cancel(self) -> bool:
        """`escape`: stop the draft being written (True: there was one)."""
        if self._cancel is None:
            return False
        self._cancel.set()
        self.screen.set_activity("cancelling the draft…")
        return True

    def done(self, message: DraftDone) -> None:
        """A draft written, edited or published: the store changed, the entry with it."""
        screen = self.screen
        screen.set_activity("")
        screen.notify(message.text, markup=False, timeout=6)
        screen.reload()
        screen.reload_article(message.entry_id)

    # --- e --------------------------------------------------------------------------------

    def _draft_path(self, entry: Entry) -> Path | None:
        screen = self.screen
        if not entry.drafted:
            what = "is archived (its post is in the archive)" if entry.archived else "has no draft (a writes one)"
            screen.notify(f"This entry {what}.", severity="warning", markup=False)
            return None
        path = screen.lib.draft_file(entry.id)
        if path is None or not path.is_file():
            screen.notify(f"The draft {entry.draft} is gone.", severity="warning", markup=False)
            return None
        return path

    def edit(self, entry: Entry) -> None:
        screen = self.screen
        path = self._draft_path(entry)
        if path is None:
            return
        command = [*editor_command(), str(path)]
        try:
            try:
                with screen.app.suspend():
                    status = subprocess.run(command, check=False).returncode
            except SuspendNotSupported:  # no terminal to hand over (tests, the web): run it all the same
                status = subprocess.run(command, check=False, stdin=subprocess.DEVNULL).returncode
        except OSError as exc:
            screen.notify(f"The editor {command[0]!r} did not start: {exc.strerror or exc}", severity="error")
            return
        if status != 0:
            screen.notify(f"The editor {command[0]!r} exited with status {status}.", severity="warning", markup=False)
        screen.run_worker(
            functools.partial(self._reindex, entry.id, f"Draft saved: {path}"),
            thread=True,
            group="draft",
            exit_on_error=False,
        )

    def _reindex(self, entry_id: int, text: str) -> None:
        with self.screen.lib.for_thread() as lib:
            lib.index()
        self.screen.post_message(DraftDone(entry_id, text))

    # --- P --------------------------------------------------------------------------------

    def ask_publish(self, entry: Entry) -> None:
        screen = self.screen
        if self._draft_path(entry) is None:
            return
        self._publishing = entry
        screen.question.ask(
            "Publish {} into the posts today?",
            yes_keys=("P", "y", "enter"),
            yes_text="P/y/enter",
            instead_of=screen.keys,
            topic=PUBLISH_TOPIC,
            subject=clean_line(Path(entry.draft or "").name),
        )

    def answered(self, yes: bool) -> None:
        entry, self._publishing = self._publishing, None
        if not yes or entry is None:
            return
        self.screen.set_activity("publishing the draft…")
        self.screen.run_worker(
            functools.partial(self._publish, entry.id), thread=True, group="draft", exit_on_error=False
        )

    def _publish(self, entry_id: int) -> None:
        with self.screen.lib.for_thread() as lib:
            path = lib.publish(entry_id)
        self.screen.post_message(DraftDone(entry_id, f"Published: {path}"))
