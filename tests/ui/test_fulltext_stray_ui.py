"""`f` on a page with stray escapes, control and bidi characters (issue 26, item 5): the full text
is shown, the characters gone, not "not a web page (binary data)"."""

from __future__ import annotations

import pytest
from tests.integration.test_fulltext_stray import CLEAN, DIRTY, STRAYS, sprinkled
from tests.ui.test_fulltext_ui import SIZE, add_items, shown

from .helpers import main, settle

pytest.importorskip("pytest_httpserver")


async def test_f_extracts_a_page_with_stray_characters(make_app, lib, httpserver) -> None:
    dirty = sprinkled(STRAYS["nul"] + STRAYS["osc52"] + STRAYS["rlo"] + STRAYS["bel"])
    httpserver.expect_request("/stray").respond_with_data(dirty, content_type="text/html; charset=utf-8")
    add_items(lib, [httpserver.url_for("/stray")])
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        screen = main(app)
        entry_id = screen.entries.current_id
        await pilot.press("f")
        await settle(pilot, rounds=3)
        text = shown(screen.article)
        assert "full text ·" in text and "48,000 devices" in text and "binary data" not in text
        assert not DIRTY.search(text)
        stored = lib.full_text(entry_id)
        assert stored is not None and stored.ok and stored.markdown == CLEAN[1]
