"""The article's links (issue 11): numbered `[1]` in the text and listed at its end, images as
`[image: alt]` (bug 4), `L` to open or copy one, `y` inside tmux without `set-clipboard on`
(bug 6), code blocks and tables without blank lines around (bug 13), the query's words
highlighted (bug 13)."""

from __future__ import annotations

import os
import stat

import pytest
from tests.helpers import present

from veille_tui.core.models import Item
from veille_tui.tui.widgets.article import ABOUT

from .helpers import fetched, main, settle, top

SIZE = (120, 40)

BODY = """\
Fortinet published [an advisory](https://fortiguard.example/psirt/FG-IR-26-001) for FortiOS.

![the attack chain](https://img.example/chain.png)

See also <https://cisa.example/kev> and the [vendor blog](https://blog.example/post),
or https://bare.example/ioc.txt for the indicators.

```
curl -s https://fenced.example/check | sh
```

| product | fixed in |
|---------|----------|
| FortiOS | 7.4.9    |

After the table, [an advisory](https://fortiguard.example/psirt/FG-IR-26-001) again.
"""


@pytest.fixture
def linked(lib):
    """An unread item with links, an image, a code block and a table: the newest entry."""
    fetched(
        lib,
        "Fixture CERT",
        [
            Item(
                guid="links",
                link="https://cert.example.org/avis/links",
                title="Fortinet FortiOS: an advisory with links",
                date="2026-08-30T10:00:00+00:00",
                ts=1788084000,
                summary=BODY,
            )
        ],
    )
    return lib


async def test_links_are_numbered_in_the_text_and_listed_at_the_end(make_app, linked) -> None:
    """Issue 11, bug 4: the text of links was kept and the URL lost; images were dropped."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article = main(app).article
        text = article.text
        assert "an advisory [1] for FortiOS" in text
        assert "[image: the attack chain]" in text
        assert "https://cisa.example/kev [2]" in text and "vendor blog [3]" in text
        assert "https://bare.example/ioc.txt [4]" in text
        assert "again" in text and text.count("[1]") >= 3  # the same link keeps its number
        assert "curl -s https://fenced.example/check | sh" in text and "[5]" not in text.split("Links")[0]
        listed = text.split("Links (L: open or copy one)")[1].split(ABOUT)[0].split("\n")
        assert [line.strip() for line in listed if line.strip()] == [
            "[1] https://fortiguard.example/psirt/FG-IR-26-001",
            "[2] https://cisa.example/kev",
            "[3] https://blog.example/post",
            "[4] https://bare.example/ioc.txt",
        ]
        assert [link.number for link in article.links] == [1, 2, 3, 4]


async def test_code_blocks_and_tables_have_one_blank_line_around(make_app, linked) -> None:
    """Issue 11, bug 13: three blank lines around code blocks and tables."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = main(app).article.text.split("\n")
        code = next(n for n, line in enumerate(lines) if "curl -s" in line)
        assert lines[code - 1].strip() == "" and lines[code - 2].strip() != ""
        assert lines[code + 1].strip() == "" and lines[code + 2].strip() != ""
        blank_runs = [n for n in range(1, len(lines)) if not lines[n].strip() and not lines[n - 1].strip()]
        assert blank_runs == []
        row = next(n for n, line in enumerate(lines) if "7.4.9" in line)
        assert "FortiOS" in lines[row]


async def test_the_query_words_are_highlighted_in_the_article(make_app, linked) -> None:
    """Issue 11, bug 13: the query's words were not highlighted in the article."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        article = screen.article
        term = article.get_component_rich_style("article--term")
        assert term.reverse

        def highlighted() -> list[str]:
            return [seg.text for strip in article.lines for seg in strip if seg.style and seg.style.reverse]

        assert highlighted() == []  # no query: nothing
        await pilot.press("slash", *"fortios vulnerabilite", "enter")  # neither is in this entry's text
        await pilot.press("slash", "ctrl+u", *"fortios", "enter")
        await settle(pilot)
        assert article.entry is not None and "links" in article.entry.title
        marked = highlighted()
        assert marked and all(text.lower() == "fortios" for text in marked)
        await pilot.press("escape")
        await settle(pilot)
        assert highlighted() == []


async def test_L_copies_the_third_link(make_app, linked) -> None:
    from veille_tui.tui.screens.links import LinkPicker

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("L")
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("3", "enter")  # no browser here (no DISPLAY): copied and shown
        await pilot.pause()
        assert top(app) is screen
        assert app.clipboard == "https://blog.example/post"
        assert any("https://blog.example/post" in n.message for n in app._notifications)
        await pilot.press("L", *"cisa", "ctrl+y")
        await pilot.pause()
        assert app.clipboard == "https://cisa.example/kev"
        await pilot.press("L", "escape")
        await pilot.pause()
        assert top(app) is screen and app.clipboard == "https://cisa.example/kev"


async def test_L_without_links_says_so(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"日本語", "enter")
        await settle(pilot)
        assert screen.entries.ids and screen.article.links == ()
        await pilot.press("L")
        await pilot.pause()
        assert app.screen is screen
        assert any("No links in this article" in n.message for n in app._notifications)


@pytest.fixture
def tmux(tmp_path, monkeypatch):
    """A `tmux` that answers `show-options -gv set-clipboard` with what the test writes."""
    folder = tmp_path / "bin"
    folder.mkdir()
    answer = tmp_path / "set-clipboard"
    answer.write_text("external\n")
    script = folder / "tmux"
    script.write_text(f"#!/bin/sh\ncat {answer}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    return answer


async def test_y_inside_tmux_without_set_clipboard_says_how_to_turn_it_on(make_app, lib, tmux) -> None:
    """Issue 11, bug 6: `y` said "Copied" when tmux's set-clipboard was off."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        link = present(screen.entries.current_entry).link
        await pilot.press("y")
        await pilot.pause()
        told = next(n.message for n in app._notifications if link in n.message)
        assert "Copied" not in told and "set-clipboard is external" in told
        assert "tmux set -g set-clipboard on" in told and told.endswith(link)
        tmux.write_text("on\n")  # turned on: in tmux's buffer, sent on to the terminal
        await pilot.press("y")
        await pilot.pause()
        told = [n.message for n in app._notifications][-1]
        assert told == f"In tmux's buffer; sent to the terminal (OSC 52): {link}"
