"""Issue 20, item 6: the rough edges found when veille-tui was tried as a user would, at 80x24
over SSH in tmux. Each test fails on the code before its fix."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import present

from veille_tui.core.library import Library
from veille_tui.tui.messages import IndexProgress
from veille_tui.tui.widgets.entry_columns import Columns, source_name

from .helpers import main, settle


async def test_the_first_screen_says_the_archive_is_being_indexed(env: Path) -> None:
    """6.1: an empty store while the archive is indexed said "Nothing here yet. Start veille-tui
    with --archive DIR…"."""
    from veille_tui.tui.app import VeilleApp

    library = Library.open()  # an empty store, no archive: the first start
    try:
        app = VeilleApp(library, offline=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = main(app)
            assert present(screen.article.message).startswith("Nothing here yet")
            screen.post_message(IndexProgress(300, 2772))  # what the index worker posts
            await pilot.pause()
            assert present(screen.article.message).startswith("Indexing the archive 300/2772")
            assert "--archive" not in present(screen.article.message)
    finally:
        library.close()


async def test_y_where_nothing_can_know_says_the_link_was_sent_to_the_terminal(make_app, lib, monkeypatch) -> None:
    """6.2: over SSH into a tmux (no TMUX here), `y` said "Copied (OSC 52)" though nothing can
    tell whether the terminal copied it."""
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        link = present(main(app).entries.current_entry).link
        await pilot.press("y")
        await pilot.pause()
        told = [n.message for n in app._notifications][-1]
        assert told == f"Sent to the terminal (OSC 52): {link}"
        assert "opied" not in told


INTEL = Path(__file__).resolve().parents[1] / "data" / "intel"


async def test_the_kev_mark_has_a_cell_of_its_own(make_app, lib) -> None:
    """6.4: the KEV mark `!` stuck to a title cut at its column ("…Jenkins appliances! 1 CVE")."""
    lib.import_intel(INTEL / "kev.json")
    kev = set(lib.entry_ids("+kev"))
    assert kev
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        entries = main(app).entries
        entries.focus()
        width = entries.scrollable_content_region.width
        cols = Columns.for_width(width)
        seen = 0
        for index, entry_id in enumerate(entries.ids):
            if entry_id not in kev:
                continue
            entries.cursor = index  # the cursor row and the others: both drawn
            for selected in (True, False):
                if not selected:
                    entries.cursor = 0 if index else 1
                line = entries.render_line(index - entries.scroll_offset.y).text
                cve = line[width - cols.cve :]
                assert cve[0] == " " and cve[1] == "!" and cve[2] == " ", line  # spaces on both sides
                seen += 1
            break
        assert seen == 2


def test_one_rule_names_a_feed_and_a_post_alike() -> None:
    """6.7: the source column mixed archive tags (`hackernews`) and cut feed titles (`The Hacker …`)."""
    assert source_name("The Hacker News") == source_name("hackernews") == "hackernews"
    assert source_name("BleepingComputer")[:12] == "bleepingcomp"  # the archive's tag, as cut there
    assert source_name("sans-isc") == "sans-isc"
    assert source_name("www.bleepingcomputer.com") == "bleepingcomputer"


async def test_the_source_column_follows_one_rule_for_posts_and_feed_items(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        entries = main(app).entries
        width = entries.scrollable_content_region.width
        cols = Columns.for_width(width)
        start = cols.markers + 1 + cols.date + 1
        sources: dict[str, set[str]] = {}
        for index in range(min(len(entries.ids), entries.scrollable_content_region.height)):
            entry = present(entries.row(index))
            line = entries.render_line(index).text
            sources[entry.kind] = sources.get(entry.kind, set()) | {line[start : start + cols.source].rstrip()}
        assert sources.keys() == {"post", "item"}
        assert "fixturenews" in sources["item"] and "fixturecert" in sources["item"]
        for names in sources.values():
            for name in names:
                assert name == name.lower() and " " not in name and "…" not in name, name


BROKEN = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title>
<item><guid>b1</guid><title>First broken story</title><link>https://broken.example/1</link>
<pubDate>Mon, 24 Aug 2026 10:00:00 GMT</pubDate></item>
<item><guid>b2</guid><title>Second broken story</title><link>https://broken.example/2</link>
<pubDate>Mon, 24 Aug 2026 11:00:00 GMT</pubDate></item>
<item><guid>b3</guid><title>Cut & here</title>
"""


async def test_a_feed_of_broken_xml_shows_a_warning_with_its_reason(env: Path, httpserver) -> None:
    """6.3: a feed whose XML is broken (the CLI says "malformed XML… kept the 2 items") showed
    `ok` in `F` and in `R`'s notification."""
    from veille_tui.tui.app import VeilleApp
    from veille_tui.tui.screens.feeds import FeedsScreen, feed_line

    httpserver.expect_request("/broken.xml").respond_with_data(BROKEN, content_type="application/rss+xml")
    config = env / "config" / "config.toml"
    config.write_text(f'[[feeds]]\nurl = "{httpserver.url_for("/broken.xml")}"\ntitle = "Broken"\n')
    library = Library.open()
    try:
        app = VeilleApp(library, offline=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            for _ in range(200):
                await pilot.pause(0.05)
                if any("refreshed" in n.message for n in app._notifications):
                    break
            await settle(pilot)
            told = next(n for n in app._notifications if "refreshed" in n.message)
            assert told.severity == "warning"
            assert "1 with a warning: Broken: malformed XML" in told.message
            assert "kept the 3 item(s)" in told.message
            await pilot.press("F")
            await settle(pilot)
            feeds = app.screen
            assert isinstance(feeds, FeedsScreen)
            assert feeds.feeds[0].warned and "malformed XML" in present(feeds.feeds[0].warning)
            line = feed_line(feeds.feeds[0], 74).plain
            assert line.startswith("~ Broken") and "warning" in line and " ok " not in line
            detail = str(feeds.query_one("#feed-detail").render())
            assert "warning: read, not whole: malformed XML" in detail
            assert "1 with a warning" in str(feeds.query_one("#feeds-title").render())
    finally:
        library.close()


async def test_backspace_from_a_feed_chosen_in_F_goes_back_to_F(make_app, lib) -> None:
    """6.10: `backspace` from a feed's entries opened from `F` went to All."""
    from veille_tui.tui.screens.feeds import FeedsScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("F")
        await settle(pilot)
        feeds = app.screen
        assert isinstance(feeds, FeedsScreen)
        while feeds.feed is None or feeds.feed.title != "Fixture CERT":
            await pilot.press("down")
        cert = feeds.feed.id
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.state.choice.id == f"feed:{cert}"
        await pilot.press("backspace")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)  # back to `F`, on the feed it chose
        assert app.screen.feed is not None and app.screen.feed.id == cert
        assert screen.state.choice.id == "view:all"  # beneath it, the view `F` was opened over
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.state.choice.id == "view:all"
        await pilot.press("backspace")  # a second backspace: the usual way (no view before)
        await settle(pilot)
        assert app.screen is screen


async def test_the_publish_question_fits_80_columns_with_its_keys(make_app, lib) -> None:
    """6.8: at 80 columns the question was cut (`…fortinet-fortiweb-cve-2026-73001.m…`) and its
    keys were not on screen."""
    from veille_tui.core.models import Item
    from veille_tui.tui.widgets.question import Question

    from .helpers import fetched

    title = "Fortinet FortiWeb appliances hit by a critical authentication bypass CVE-2026-73001 exploited"
    fetched(
        lib,
        "Fixture CERT",
        [
            Item(
                guid="fw",
                link="https://cert.example.org/fw",
                title=title,
                date="2026-08-28T10:00:00+00:00",
                ts=1787911200,
                summary="FortiWeb.",
            )
        ],
    )
    entry_id = next(e.id for e in lib.entries("fortiweb"))
    path = lib.write_draft(entry_id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.apply("is:drafted")
        await settle(pilot)
        assert present(screen.entries.current_entry).id == entry_id
        await pilot.press("P")
        await pilot.pause()
        question = screen.query_one("#question", Question)
        assert question.asking
        shown = question.render_line(0).text
        assert len(shown.rstrip()) <= 80
        assert shown.rstrip().endswith("P/y/enter: yes, other keys: no")  # the keys whole
        assert "_drafts/" not in shown and "…" in shown  # the name alone, shortened in its middle
        assert f" {path.name[:5]}" in shown and f"{path.name[-8:]} " in shown
        assert shown.startswith(" Publish ") and "today?" in shown
        await pilot.press("x")


async def test_a_notification_at_80_columns_keeps_to_three_lines_broken_at_path_boundaries(
    make_app, lib, monkeypatch
) -> None:
    """6.5: at 80 columns a notification covered the article in a block of 6 lines or more, its
    URL cut in the middle of a word."""
    from textual.widgets._toast import Toast

    from .conftest import FOLDED_LINK

    monkeypatch.delenv("TMUX", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        index = next(n for n, i in enumerate(screen.entries.ids) if lib.store.entry(i).link == FOLDED_LINK)
        screen.entries.cursor = index
        await pilot.press("y")
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1
        toast = toasts[0]
        assert toast.region.height <= 3
        assert toast.region.bottom == 23  # its last line over the status line, the key bar below it
        assert toast.region.width == 80
        lines = [toast.render_line(y).text.strip() for y in range(toast.region.height)]
        shown = "".join(lines)
        assert FOLDED_LINK in shown.replace("Sent to the terminal (OSC 52): ", "")  # whole, over its lines
        for line in lines[:-1]:  # each line ends at a space or after a path boundary
            assert line[-1] in "/?&=-_#:" or line.endswith(("(OSC 52):",)), lines


async def test_at_160x48_list_and_article_each_get_the_width_of_what_they_hold(make_app, lib) -> None:
    """6.6: at 160x48 the list stayed ~80 columns (titles cut at ~50 cells) beside an article of
    ~52 that wrapped every URL: side by side, neither has what it holds."""
    from .conftest import FOLDED_LINK

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        entries, article = screen.entries, screen.article
        cols = Columns.for_width(entries.scrollable_content_region.width)
        assert cols.title >= 89  # 9 titles in 10 of the real archive, whole
        assert article.scrollable_content_region.width >= len(FOLDED_LINK)  # a long link on one line
        assert entries.region.height >= 15 and article.region.height >= 20  # a page of each
