"""The feeds' health (issue 11): `F` lists each feed's last success, last error and its reason,
failures in a row, items and unread, `enter` lists a feed's entries and `r` refreshes it;
failing feeds of one host stay apart in the sidebar and say why they fail when opened (bug 2);
a fetch counts apart the items already in the archive (bug 3). Against feeds served on loopback."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from veille_tui.core.library import Library

from .conftest import FOLDED_LINK
from .helpers import idle, main, settle

pytest.importorskip("pytest_httpserver")

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Good</title><link>https://good.example/</link>
<item><guid>g1</guid><title>New story one</title><link>https://good.example/1</link>
<pubDate>Mon, 24 Aug 2026 10:00:00 GMT</pubDate><description>One.</description></item>
<item><guid>g2</guid><title>New story two</title><link>https://good.example/2</link>
<pubDate>Mon, 24 Aug 2026 11:00:00 GMT</pubDate><description>Two.</description></item>
<item><guid>g3</guid><title>Riverloft, again</title><link>{folded}</link>
<pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate><description>Already archived.</description></item>
</channel></rss>
"""


async def until_idle(pilot) -> None:
    await idle(pilot, tries=100, step=0.1, after=0)
    await settle(pilot)


@pytest.fixture
def served(env, archive, httpserver):
    """A good feed (two new stories, one already in the archive) and two untitled feeds of the
    same host that answer 500."""
    httpserver.expect_request("/good.xml").respond_with_data(
        RSS.format(folded=FOLDED_LINK), content_type="application/rss+xml"
    )
    httpserver.expect_request("/feeds/one/atom.xml").respond_with_data("oops", status=500)
    httpserver.expect_request("/feeds/two/atom.xml").respond_with_data("oops", status=500)
    config = env / "config" / "config.toml"
    config.write_text(
        f'[[feeds]]\nurl = "{httpserver.url_for("/good.xml")}"\ntitle = "Good"\ntags = ["good"]\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/feeds/one/atom.xml")}"\n'
        f'[[feeds]]\nurl = "{httpserver.url_for("/feeds/two/atom.xml")}"\n',
        encoding="utf-8",
    )
    lib = Library.open(archive=str(archive))
    lib.index()
    yield lib, httpserver
    lib.close()


async def test_a_fetch_counts_apart_what_is_already_in_the_archive(served) -> None:
    """Issue 11, bug 3: the first fetch said "705 new items" when 5 new stories appeared."""
    from veille_tui.tui.app import VeilleApp

    lib, _server = served
    app = VeilleApp(lib, offline=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await until_idle(pilot)
        told = next(str(n.message) for n in app._notifications if "refreshed" in str(n.message))
        assert told.startswith("3 feed(s) refreshed: 2 new, 1 already in the archive; 2 failed: ")
        assert "HTTP 500" in told


async def test_failing_feeds_of_one_host_stay_apart_and_say_why(served) -> None:
    """Issue 11, bug 2: two failing feeds of one host looked the same in the sidebar, and
    `enter` on one said "No entries" without the reason."""
    from veille_tui.tui.app import VeilleApp

    lib, server = served
    lib.fetch()
    app = VeilleApp(lib, offline=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        sidebar = screen.sidebar
        rows = [row for row in sidebar.rows if row.id.startswith("feed:")]
        failing = [row for row in rows if row.error]
        assert len(failing) == 2
        shown = [sidebar.render_line(sidebar._index[row.id] - sidebar.scroll_offset.y).text for row in failing]
        assert len(set(shown)) == 2, shown
        assert any("one/atom.xml" in line for line in shown) and any("two/atom.xml" in line for line in shown)
        assert all(line.lstrip().startswith("! ") and "http://" not in line for line in shown)
        sidebar.focus()
        sidebar.highlight_id(failing[0].id)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.entries.ids == []
        message = " ".join(screen.article.text.split())
        assert "the last fetch failed" in message and "HTTP 500" in message and "F shows" in message
        assert any("HTTP 500" in n.message and n.severity == "warning" for n in app._notifications)


async def test_F_shows_each_feeds_health_enter_lists_and_r_refreshes(served) -> None:
    from veille_tui.tui.app import VeilleApp
    from veille_tui.tui.screens.feeds import FeedsScreen

    lib, server = served
    lib.fetch()
    lib.fetch()  # the failing ones fail twice in a row
    app = VeilleApp(lib, offline=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("F")
        await settle(pilot)
        feeds_screen = app.screen
        assert isinstance(feeds_screen, FeedsScreen)
        assert str(feeds_screen.query_one("#feeds-title").render()) == "Feeds: 3, 2 failing"
        # failing first, each with its failures in a row; then the good one with its counts
        names = [f.title for f in feeds_screen.feeds]
        assert names[-1] == "Good" and all("atom.xml" in n for n in names[:2])
        options = feeds_screen.query_one("#feed-list", OptionList)
        lines = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert lines[0].startswith("! ") and "never ok" in lines[0] and "2 failed" in lines[0]
        assert "Good" in lines[2] and "ok " in lines[2] and lines[2].rstrip().endswith(" 2/3")  # unread/items
        detail = str(feeds_screen.query_one("#feed-detail").render())
        assert "failing (2 times in a row): HTTP 500" in detail and "last success: never" in detail
        assert server.url_for("/feeds/") in detail
        # r: refresh the highlighted feed, which now answers
        server.clear_all_handlers()
        server.expect_request("/feeds/one/atom.xml").respond_with_data(
            RSS.format(folded="https://good.example/3").replace("Good", "Feed one"), content_type="application/rss+xml"
        )
        server.expect_request("/feeds/two/atom.xml").respond_with_data("oops", status=500)
        first = feeds_screen.feed
        assert first is not None and "one" in first.url
        await pilot.press("r")
        await until_idle(pilot)
        healed = next(f for f in feeds_screen.feeds if f.id == first.id)
        assert not healed.failing and healed.failures == 0 and healed.last_ok and healed.total == 3
        assert str(feeds_screen.query_one("#feeds-title").render()) == "Feeds: 3, 1 failing"
        # enter: the highlighted feed's entries
        feeds_screen.query_one("#feed-list", OptionList).highlighted = next(
            n for n, f in enumerate(feeds_screen.feeds) if f.title == "Good"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.state.choice.kind == "feed"
        assert len(screen.entries.ids) == 3 and screen.state.choice.label == "Good"
