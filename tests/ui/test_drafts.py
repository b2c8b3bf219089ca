"""Drafts in the TUI (issue 12): `a` opens the form (title, tags, body source) and writes into
`_drafts/`; escape cancels; the draft command runs in a worker, its seconds in the status line,
escape kills it; `e` opens the draft in $EDITOR (a real script here) and the draft is indexed
again; `P` publishes it after a yes."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import frontmatter
from tests.helpers import present
from textual.widgets import Input

from veille_tui.core.config import DraftSettings
from veille_tui.core.models import FullText
from veille_tui.tui.screens.draft import DraftForm
from veille_tui.tui.screens.main import MainScreen
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.question import Question

from .helpers import idle, main, settle, status

SIZE = (160, 48)


def current_row(entry_list: EntryList) -> str:
    return entry_list.render_line(entry_list.cursor - int(entry_list.scroll_offset.y)).text


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def draft_command(lib, folder: Path, name: str, body: str) -> None:
    """A script of ours (see `script`) as `lib`'s draft command."""
    command = script(folder, name, body)
    lib.settings = replace(lib.settings, draft=DraftSettings(command=str(command)))


def running(pid: int) -> bool:
    """The process is alive (a zombie waiting for its parent is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def drafts_of(archive: Path) -> list[Path]:
    folder = archive.parent / "_drafts"
    return sorted(folder.iterdir()) if folder.is_dir() else []


async def test_a_opens_the_form_and_writes_the_draft(make_app, lib, archive) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        entry = present(screen.entries.current_entry)
        assert entry.kind == "item" and entry.title == "Vulnérabilité dans Fortinet FortiOS"
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DraftForm)
        assert form.query_one("#draft-title-input", Input).value == entry.title
        # the archive's rule: its common tag and the source's tag (the watch term, cve: the analyst's to add)
        assert form.query_one("#draft-tags-input", Input).value == "veille-cyber fixcert"
        assert [b.id for b in form.query("RadioButton")] == ["draft-source-summary"]  # no command, no full text
        await pilot.press("ctrl+u", *"Fortinet FortiOS : faille critique")
        await pilot.press("tab", "end", *" urgent")
        await pilot.press("tab", "enter")  # the body source: the summary (the only one)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        (path,) = drafts_of(archive)
        assert path.name == "fortinet-fortios-faille-critique.md"
        post = frontmatter.load(path)
        assert post["title"] == "Fortinet FortiOS : faille critique"
        assert post["tags"] == ["veille-cyber", "fixcert", "urgent"]
        assert "Une vulnérabilité Fortinet (CVE-2026-4444)." in post.content
        assert path.read_text().rstrip().endswith('[Source](https://cert.example.org/avis/1){:target="_blank"}')
        # the entry is drafted: the list's marker, the header, the Drafts view
        shown = present(screen.entries.current_entry)
        assert shown.id == entry.id and shown.drafted and not shown.archived
        assert "◇" in current_row(screen.entries)[:3]
        assert "drafted: _drafts/fortinet-fortios-faille-critique.md" in str(
            screen.article.header(present(screen.article.entry))
        )
        assert screen.state.view_counts["drafts"] == 1
        assert any(row.id == "view:drafts" and row.count == 1 for row in screen.sidebar.rows)
        # `a` again: drafted already, no second file
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and len(drafts_of(archive)) == 1
        assert any("Drafted already" in str(n.message) for n in app._notifications)


async def test_escape_in_the_form_writes_nothing(make_app, archive) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, DraftForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert drafts_of(archive) == []
        assert not present(main(app).entries.current_entry).drafted


async def test_the_form_offers_the_full_text_when_there_is_one(make_app, lib, archive) -> None:
    entry_id = lib.entries("is:item")[0].id
    full = "## Texte intégral\n\nLe texte complet de l'avis, extrait de sa page."
    lib.store.save_full_text(entry_id, FullText("Avis", full, full, 9, "https://cert.example.org/avis/1"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert present(main(app).entries.current_entry).id == entry_id
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert [b.id for b in form.query("RadioButton")] == ["draft-source-fulltext", "draft-source-summary"]
        assert form.source() == "fulltext"
        await pilot.press("enter")  # in the title field: writes
        await settle(pilot)
        (path,) = drafts_of(archive)
        assert "Le texte complet de l'avis" in frontmatter.load(path).content


async def test_the_draft_command_chosen_in_the_form_writes_the_body(make_app, lib, archive, tmp_path) -> None:
    draft_command(lib, tmp_path, "cmd.py", "import sys\nsys.stdin.read()\nprint('### Résumé par la commande')\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert [b.id for b in form.query("RadioButton")] == ["draft-source-command", "draft-source-summary"]
        await pilot.press("tab", "tab", "down", "enter")  # the summary, then back to the command
        assert form.source() == "summary"
        await pilot.press("up", "enter")
        assert form.source() == "command"
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        (path,) = drafts_of(archive)
        assert frontmatter.load(path).content.startswith("### Résumé par la commande")


async def test_escape_kills_a_running_draft_command(make_app, lib, archive, tmp_path) -> None:
    pid_file = tmp_path / "pid"
    draft_command(
        lib,
        tmp_path,
        "slow.py",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\nprint('late')\n",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.05)
            if pid_file.exists() and pid_file.read_text():
                break
        await pilot.pause(0.6)
        assert "running the draft command" in status(screen)
        assert "esc: cancel" in status(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert not running(int(pid_file.read_text()))
        assert drafts_of(archive) == []
        assert any("cancelled" in str(n.message) for n in app._notifications)
        assert "running" not in status(screen)


async def test_a_failing_draft_command_is_told_and_writes_nothing(make_app, lib, archive, tmp_path) -> None:
    draft_command(lib, tmp_path, "fail.py", "import sys\nsys.stderr.write('no model loaded\\n')\nsys.exit(3)\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert drafts_of(archive) == []
        messages = [str(n.message) for n in app._notifications]
        assert any("exit status 3" in m and "no model loaded" in m for m in messages), messages


async def test_e_opens_the_draft_in_the_editor_and_P_publishes_it(
    make_app, lib, archive, tmp_path, monkeypatch
) -> None:
    entry_id = lib.entries("is:item")[0].id
    path = lib.write_draft(entry_id)
    editor = script(
        tmp_path,
        "editor.py",
        "import sys\nwith open(sys.argv[-1], 'a') as f:\n    f.write('Une ligne ajoutée dans l’éditeur.\\n')\n",
    )
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.apply("is:drafted")
        await settle(pilot)
        assert present(screen.entries.current_entry).id == entry_id
        await pilot.press("e")
        await settle(pilot)
        assert path.read_text().endswith("Une ligne ajoutée dans l’éditeur.\n")
        name = f"_drafts/{path.name}"
        assert lib.store.known_drafts()[name].size == path.stat().st_size  # indexed again
        assert any("Draft saved" in str(n.message) for n in app._notifications)
        # P: asked first; another key says no
        await pilot.press("P")
        await pilot.pause()
        assert screen.query_one("#question", Question).asking
        await pilot.press("x")
        await settle(pilot)
        assert path.exists()
        await pilot.press("P")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert not path.exists()
        today = date.today()
        published = archive / f"{today.isoformat()}-{path.stem}.md"
        assert published.exists()
        assert frontmatter.load(published)["date"] == today
        assert published.read_text().count("Une ligne ajoutée") == 1
        entry = lib.entry(entry_id)
        assert entry.archived and not entry.drafted
        assert any("Published" in str(n.message) for n in app._notifications)
        # e and P on an archived entry say so
        screen.apply("")
        await settle(pilot)
        screen.entries.set_ids(screen.entries.ids, keep=entry_id)
        await pilot.press("e")
        await settle(pilot)
        assert any("is archived" in str(n.message) for n in app._notifications)
