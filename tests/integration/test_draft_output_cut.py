"""The draft command's output past its cap (512 KiB; issue 26, item 6): the draft keeps its head,
and the cut is said, with how much, on stderr (`archive`) and in a notification (`a` in the TUI);
an output within the cap says nothing. Real subprocesses, a copy of our example archive."""

from __future__ import annotations

import re

import frontmatter
import pytest
from tests.integration.test_drafts_cli import add_items, cli, config, item, ok, script, site  # noqa: F401

from veille_tui.core.archive.draft_command import MAX_OUTPUT

LINE = "Une ligne du résumé écrite par la commande, encore et encore.\n"  # accents: cut inside a character


def write(size: str, then: str = "") -> str:
    return f"import sys\nsys.stdin.read()\nout = sys.stdout.buffer\nline = {LINE.encode()!r}\n{size}\n{then}"


FIFTY_MB = write("for _ in range(50 * 1024 * 1024 // len(line) + 1):\n    out.write(line)\nout.flush()")
# more than the cap, then it would run for a minute: stopped at the cap, not at the timeout
RUNAWAY = write(
    "for _ in range(700 * 1024 // len(line)):\n    out.write(line)\nout.flush()",
    "import time\ntime.sleep(60)\n",
)
JUST_FITS = write(f"out.write(line * ({MAX_OUTPUT} // len(line)))\nout.flush()")


def draft_body(result) -> str:
    """The draft's body as the command wrote it (without the source line the draft ends with)."""
    path = ok(result)
    return frontmatter.load(path).content.rsplit("\n\n---\n[Source]", 1)[0]


def test_fifty_megabytes_are_cut_and_the_cut_said(site, tmp_path) -> None:  # noqa: F811
    (entry_id,) = add_items(site, [item()])
    config(f'[draft]\ncommand = "{script(tmp_path, "flood.py", FIFTY_MB)}"\ntimeout = 60\n')
    result = cli(site, "archive", str(entry_id))
    body = draft_body(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    said = lines[0]
    assert said.startswith("veille-tui: draft command ")
    assert "the draft keeps its first 512 KiB" in said
    # the command finished before it was looked at (50.0 MiB, 49.5 MiB cut), or was stopped at the cap
    done = re.search(r"wrote 50\.0 MiB; .* \(49\.5 MiB cut\)$", said)
    stopped = re.search(r"wrote more than ([\d.]+ (?:KiB|MiB)): stopped; .* \(at least [\d.]+ (?:KiB|MiB) cut\)$", said)
    assert done or stopped, said
    assert body.startswith(LINE.strip()) and "\ufffd" not in body
    assert MAX_OUTPUT - 2 * len(LINE.encode()) < len(body.encode()) <= MAX_OUTPUT


def test_a_runaway_command_is_stopped_at_the_cap(site, tmp_path) -> None:  # noqa: F811
    (entry_id,) = add_items(site, [item()])
    config(f'[draft]\ncommand = "{script(tmp_path, "runaway.py", RUNAWAY)}"\ntimeout = 90\n')
    result = cli(site, "archive", str(entry_id))
    body = draft_body(result)
    assert re.search(
        r"wrote more than [\d.]+ KiB: stopped; the draft keeps its first 512 KiB \(at least", result.stderr
    )
    assert body.startswith(LINE.strip()) and "\ufffd" not in body


def test_an_output_within_the_cap_says_nothing(site, tmp_path) -> None:  # noqa: F811
    (entry_id,) = add_items(site, [item()])
    config(f'[draft]\ncommand = "{script(tmp_path, "fits.py", JUST_FITS)}"\n')
    result = cli(site, "archive", str(entry_id))
    body = draft_body(result)
    assert result.stderr.strip() == "" and body.count(LINE.strip()) == MAX_OUTPUT // len(LINE.encode())


@pytest.mark.parametrize("json", [False, True])
def test_json_output_stays_json(site, tmp_path, json) -> None:  # noqa: F811
    (entry_id,) = add_items(site, [item()])
    config(f'[draft]\ncommand = "{script(tmp_path, "flood.py", RUNAWAY)}"\n')
    result = cli(site, "archive", str(entry_id), *(["--json"] if json else []))
    assert result.returncode == 0 and "the draft keeps its first 512 KiB" in result.stderr
    assert ("draft keeps" not in result.stdout) and (result.stdout.startswith("{") == json)
