"""Story clusters in the TUI (issue 10): the article lists its related stories at its end (date,
source, title), `L` lists them after the links and opens one, `M` marks the cluster read."""

from __future__ import annotations

import re

import pytest
from tests.helpers import present

from veille_tui.core.models import Item
from veille_tui.tui.widgets.article import ABOUT

from .helpers import fetched, main, settle

SIZE = (120, 40)


@pytest.fixture
def story(lib):
    """Two unread items of two feeds naming the same CVE id a day apart (one story), and an
    unread item of another story."""
    fetched(
        lib,
        "Fixture News",
        [
            Item(
                guid="zephyr-news",
                link="https://news.example.org/zephyr",
                title="Zephyr gateway flaw exploited in the wild",
                date="2026-08-28T09:00:00+00:00",
                ts=1787907600,
                summary="Attackers exploit CVE-2026-7777 in Zephyr gateways.",
            ),
            Item(
                guid="other-news",
                link="https://news.example.org/other",
                title="Quarterly numbers of a security vendor",
                date="2026-08-28T10:00:00+00:00",
                ts=1787911200,
                summary="Nothing to patch.",
            ),
        ],
    )
    fetched(
        lib,
        "Fixture CERT",
        [
            Item(
                guid="zephyr-cert",
                link="https://cert.example.org/avis/zephyr",
                title="Vulnérabilité dans Zephyr Gateway",
                date="2026-08-29T09:00:00+00:00",
                ts=1787994000,
                summary="Une vulnérabilité (CVE-2026-7777) permet une exécution de code.",
            )
        ],
    )
    ids = {
        guid: entry_id
        for guid, entry_id in lib.store.db.execute(
            "SELECT guid, entry_id FROM items WHERE guid IN ('zephyr-news', 'zephyr-cert', 'other-news')"
        )
    }
    return lib, ids


async def test_the_article_lists_the_related_stories_at_its_end(make_app, story) -> None:
    lib, ids = story
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"cve:CVE-2026-7777", "enter", "enter")
        await settle(pilot)
        article = screen.article
        assert article.entry_id == ids["zephyr-cert"]
        tail = article.text.split("Related stories (L: open one)")[1].split(ABOUT)[0]
        (line,) = [line.strip() for line in tail.split("\n") if line.strip()]
        assert line == "2026-08-28  Fixture News  Zephyr gateway flaw exploited in the wild"
        assert [e.id for e in article.related] == [ids["zephyr-news"]]
        await pilot.press("slash", "ctrl+u", *"Quarterly numbers", "enter", "enter")
        await settle(pilot)
        assert article.entry_id == ids["other-news"] and "Related stories" not in article.text


async def test_L_lists_the_related_stories_and_opens_one(make_app, story) -> None:
    from veille_tui.tui.screens.links import LinkPicker

    lib, ids = story
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"Vulnérabilité dans Zephyr", "enter")
        await settle(pilot)
        assert screen.entries.current_id == ids["zephyr-cert"]
        await pilot.press("L")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LinkPicker)
        from textual.widgets import OptionList

        options = picker.query_one(OptionList)
        shown = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert shown == ["Related stories", "2026-08-28  Fixture News  Zephyr gateway flaw exploited in the wild"]
        assert options.highlighted == 1
        await pilot.press(*"zephyr", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.article.entry_id == ids["zephyr-news"]  # not in the list: shown in the article
        assert lib.entry(ids["zephyr-news"]).read  # opened: read
        await pilot.press("L", *"nothing like it")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker) and app.screen.query_one(OptionList).option_count == 0
        await pilot.press("escape")


async def test_M_marks_the_cluster_read(make_app, story) -> None:
    lib, ids = story
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        unread = present(screen.state.view_counts["unread"])
        assert not lib.entry(ids["zephyr-news"]).read and not lib.entry(ids["zephyr-cert"]).read
        await pilot.press("slash", *"zephyr", "enter")
        await settle(pilot)
        await pilot.press("M", "y")  # asked first, with the count
        await settle(pilot)
        assert lib.entry(ids["zephyr-news"]).read and lib.entry(ids["zephyr-cert"]).read
        assert not lib.entry(ids["other-news"]).read
        rows = [screen.entries.row(n) for n in range(len(screen.entries.ids))]
        assert {e.id for e in rows if e is not None and e.read} >= {ids["zephyr-news"], ids["zephyr-cert"]}
        assert screen.state.view_counts["unread"] == unread - 2
        assert any("2 entries marked read" in n.message for n in app._notifications)
        await pilot.press("M")
        await pilot.pause()
        assert any("read already (2 entries)" in n.message for n in app._notifications)


async def test_M_is_in_the_help_and_the_palette(make_app, story) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = list(app.get_system_commands(main(app)))
        (mark,) = [c for c in commands if c.title == "Mark the story's cluster read"]
        assert "M" in mark.help
        await pilot.press("question_mark")
        await pilot.pause()
        from textual.widgets import Static

        from veille_tui.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(static.render()) for static in app.screen.query(Static))
        assert re.search(r"^M +Mark the story.s cluster read$", shown, re.M)
        from veille_tui.tui.screens.help import help_markdown

        assert "`M` marks the\nselected entry's whole cluster read" in help_markdown()


async def test_a_big_cluster_lists_30_related_stories_and_says_there_are_more(make_app, lib) -> None:
    fetched(
        lib,
        "Fixture News",
        [
            Item(
                guid=f"big-{n}",
                link=f"https://news.example.org/big/{n}",
                title=f"Story number {n} about the Nimbus appliance",
                date="2026-08-28T09:00:00+00:00",
                ts=1787907600 + n * 3600,
                summary="Exploited: CVE-2026-8888.",
            )
            for n in range(40)
        ],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"cve:CVE-2026-8888", "enter", "enter")
        await settle(pilot)
        tail = screen.article.text.split("Related stories (L: open one)")[1].split(ABOUT)[0]
        lines = [line.strip() for line in tail.split("\n") if line.strip()]
        assert len(lines) == 31 and lines[-1] == "and more in this cluster (M marks it all read)"
        assert len(lib.related(screen.article.entry_id)) == 39
        await pilot.press("M", "y")  # asked first, with the count
        await settle(pilot)
        assert lib.count("cve:CVE-2026-8888 is:unread") == 0
