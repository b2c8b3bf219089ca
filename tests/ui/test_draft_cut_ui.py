"""`a` with a draft command whose output passes the cap (issue 26, item 6): the draft is written
with the head of the output, and a notification says it was cut and by how much."""

from __future__ import annotations

import frontmatter
from tests.integration.test_draft_output_cut import LINE, RUNAWAY

from .helpers import idle
from .test_drafts import SIZE, draft_command, drafts_of


async def test_a_cut_output_is_said_beside_the_draft_written(make_app, lib, archive, tmp_path) -> None:
    draft_command(lib, tmp_path, "runaway.py", RUNAWAY)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(400):
            await pilot.pause(0.05)
            if drafts_of(archive) and not any(w.is_running for w in app.workers):
                break
        await idle(pilot)
        (path,) = drafts_of(archive)
        assert frontmatter.load(path).content.startswith(LINE.strip())
        messages = [str(n.message) for n in app._notifications]
        cut = [m for m in messages if "the draft keeps its first 512 KiB" in m]
        assert len(cut) == 1 and "wrote more than" in cut[0] and "cut)" in cut[0], messages
        assert any(m.startswith("Draft written:") for m in messages)
