"""Every key of SPEC.md, pressed in the app, and what the widgets and the store then hold."""

from __future__ import annotations

import re

from rich.cells import cell_len
from tests.helpers import present
from textual.widgets import Input

from veille_tui.core.library import FeedOutcome, Library
from veille_tui.tui.screens.dialogs import QueryScreen, TagPicker
from veille_tui.tui.screens.help import HelpScreen
from veille_tui.tui.screens.main import MainScreen
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.entry_list import EntryList

from .conftest import CJK_TITLE, MARKUP_TITLE
from .helpers import focused, main, settle, top

SIZE = (160, 48)
# the actions of SPEC.md's keys, by the description the help and the command palette give them
ACTIONS = (
    "Next tag",
    "Previous tag",
    "Tags",
    "Query",
    "Clear query",
    "Read/unread",
    "Star",
    "Open link",
    "Copy link",
    "Draft a post",
    "Refresh feed",
    "Refresh all",
    "Help",
    "Quit",
    "Next pane",
    "Previous pane",
    "Open",
    "Theme",
)


def rows(entry_list: EntryList) -> list[str]:
    """The text of the visible rows."""
    height = entry_list.scrollable_content_region.height
    return [entry_list.render_line(y).text for y in range(min(height, len(entry_list.ids)))]


def header_plain(article: ArticleView) -> str:
    return str(article.header(article.entry)) if article.entry else ""


async def on_webinar(pilot) -> MainScreen:
    """The main screen once started, its list narrowed to `webinar` (the fixture's markup title)."""
    await settle(pilot)
    screen = main(pilot.app)
    screen.apply("webinar")
    await settle(pilot)
    return screen


async def refresh_all(pilot) -> None:
    """Once started, `R`, and its worker done."""
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)


async def test_startup_shows_the_store_newest_first(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.entries.ids == lib.store.entry_ids(None)
        assert len(screen.entries.ids) == lib.store.count(None) == 24 + 3  # 24 posts, 3 items (one folded)
        assert app.focused is screen.entries
        assert screen.entries.cursor == 0
        first = lib.store.entries(None, limit=1)[0]
        assert screen.article.entry_id == first.id
        sidebar = screen.sidebar
        assert "tag:certfr" in sidebar.choices and "tag:veille-cyber" in sidebar.choices
        assert {c.label for c in sidebar.choices.values() if c.kind == "feed"} == {"Fixture News", "Fixture CERT"}
        assert "query:0" in sidebar.choices
        status = str(screen.query_one("#status").render())
        assert "offline" in status and "27 entries" in status


async def test_j_k_and_arrows_move_and_the_article_follows(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        ids = screen.entries.ids
        await pilot.press("j", "j", "down")
        assert screen.entries.cursor == 3
        await pilot.press("k", "up")
        assert screen.entries.cursor == 1
        await settle(pilot)
        assert screen.article.entry_id == ids[1]
        # moving does not mark read
        assert lib.store.entry(ids[1]).read == lib.store.entries_by_ids([ids[1]])[0].read


async def test_enter_opens_and_marks_read(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        target = screen.entries.ids[0]
        assert lib.store.entry(target).read is False  # an item, unread
        await pilot.press("enter")
        assert screen.article.entry_id == target
        other = Library.open()  # another connection sees it at once: written, not cached
        try:
            assert present(other.store.entry(target)).read is True
        finally:
            other.close()
        assert present(screen.entries.current_entry).read is True
        assert "●" not in rows(screen.entries)[0][:3]


async def test_tab_and_shift_tab_cycle_the_panes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert app.focused is screen.entries
        await pilot.press("tab")
        assert focused(app) is screen.article
        await pilot.press("tab")
        assert focused(app) is screen.sidebar
        await pilot.press("shift+tab")
        assert focused(app) is screen.article


async def test_sidebar_enter_opens_a_tag_and_the_list_takes_focus(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.sidebar.focus()
        screen.sidebar.highlight_id("tag:certfr")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.entries.ids == lib.store.entry_ids("+certfr")
        assert len(screen.entries.ids) == 3
        assert app.focused is screen.entries and screen.entries.cursor == 0
        assert screen.article.entry_id == screen.entries.ids[0]
        await pilot.press("enter")
        assert lib.store.entry(screen.entries.ids[0]).read


async def test_sidebar_feed_and_saved_query(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        feed_id = next(c.id for c in screen.sidebar.choices.values() if c.label == "Fixture CERT")
        screen.sidebar.focus()
        screen.sidebar.highlight_id(feed_id)
        await pilot.press("enter")
        assert len(screen.entries.ids) == 1
        assert present(screen.entries.current_entry).title == "Vulnérabilité dans Fortinet FortiOS"
        screen.sidebar.focus()
        screen.sidebar.highlight_id("query:0")
        await pilot.press("enter")
        assert screen.entries.ids == lib.store.entry_ids("fortinet")


async def test_brackets_step_through_tags_from_any_pane(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        tags = list(lib.store.tag_counts())
        await pilot.press("right_square_bracket")
        assert screen.state.choice.id == f"tag:{tags[0]}"
        assert screen.entries.ids == lib.store.entry_ids(f"+{tags[0]}")
        screen.article.focus()
        await pilot.press("right_square_bracket")
        assert screen.state.choice.id == f"tag:{tags[1]}"
        assert app.focused is screen.entries and screen.entries.cursor == 0
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.state.choice.id == f"tag:{tags[-1]}"  # wraps around
        assert screen.sidebar.highlighted_id == f"tag:{tags[-1]}"


async def test_t_picks_a_tag_by_name(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("t")
        assert isinstance(app.screen, TagPicker)
        await pilot.press(*"schnei")
        await pilot.press("enter")
        assert top(app) is screen
        assert screen.state.choice.id == "tag:schneier"
        assert screen.entries.ids == lib.store.entry_ids("+schneier")
        assert app.focused is screen.entries
        await pilot.press("t", "escape")
        await pilot.pause(0.3)
        assert top(app) is screen and screen.state.choice.id == "tag:schneier"


async def test_slash_query_and_escape(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        assert isinstance(app.screen, QueryScreen)
        await pilot.press(*"+certfr cve")
        await pilot.press("enter")
        assert top(app) is screen
        expected = lib.store.entry_ids("+certfr cve")
        assert expected and screen.entries.ids == expected
        assert app.focused is screen.entries and screen.entries.cursor == 0
        await settle(pilot)
        assert screen.article.entry_id == expected[0]
        # a malformed query: a message in the dialog, nothing else changes
        await pilot.press("slash", "ctrl+u")
        await pilot.press(*"@yesterday")
        await pilot.press("enter")
        assert isinstance(app.screen, QueryScreen)
        error = str(app.screen.query_one("#query-error").render())
        assert "@yesterday" in error
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert top(app) is screen and screen.entries.ids == expected
        # escape on the main screen clears the query
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert screen.state.query_text == "" and screen.entries.ids == lib.store.entry_ids(None)


async def test_slash_opens_an_empty_line_whatever_the_view(make_app, lib) -> None:
    """`/ +certfr enter` lists the certfr entries from any view: the line does not start with
    the view's query (which `up` brings back)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("right_square_bracket")
        tag = screen.state.choice.id.removeprefix("tag:")
        assert tag != "certfr" and screen.state.query_text == f"+{tag}"
        await pilot.press("slash")
        field = app.screen.query_one("#query-input", Input)
        assert field.value == ""
        await pilot.press(*"+certfr", "enter")
        assert app.screen is screen
        expected = lib.store.entry_ids("+certfr")
        assert expected and screen.entries.ids == expected
        assert screen.state.query_text == "+certfr" and screen.state.choice.id == "tag:certfr"
        status = str(screen.query_one("#status").render())
        assert f"certfr · {len(expected)} entries" in status
        # the history holds the earlier queries, the view's one included
        await pilot.press("slash")
        field = app.screen.query_one("#query-input", Input)
        assert field.value == ""
        await pilot.press("up")
        assert field.value == "+certfr"
        await pilot.press("up")
        assert field.value == f"+{tag}"
        await pilot.press("down", "down")
        assert field.value == ""
        await pilot.press("up", "up", *" cve", "enter")
        assert screen.state.query_text == f"+{tag} cve"
        assert screen.entries.ids == lib.store.entry_ids(f"+{tag} cve")


async def test_query_full_text_is_accent_insensitive(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.apply("vulnerabilite") is None
        assert screen.entries.ids == lib.store.entry_ids("vulnérabilité") != []


async def test_u_and_s_toggle_read_and_starred_in_the_store(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        target = screen.entries.ids[0]
        await pilot.press("u")
        assert lib.store.entry(target).read is True
        await pilot.press("u")
        assert lib.store.entry(target).read is False
        await pilot.press("s")
        assert lib.store.entry(target).starred is True
        assert "★" in rows(screen.entries)[0][:3]
        await settle(pilot)
        assert "starred" in header_plain(screen.article)
        await pilot.press("s")
        assert lib.store.entry(target).starred is False


async def test_unread_counts_of_feeds_follow_reading(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        sidebar = screen.sidebar
        cert = next(c.id for c in sidebar.choices.values() if c.label == "Fixture CERT")
        assert present(sidebar.feed(cert)).unread == 1
        screen.apply_choice(cert)
        await pilot.press("enter")
        assert present(sidebar.feed(cert)).unread == 0
        await pilot.press("u")
        assert present(sidebar.feed(cert)).unread == 1


async def test_o_without_a_browser_copies_and_shows_the_link(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        link = present(present(screen.entries.current_entry).link)
        await pilot.press("o")
        assert app.clipboard == link
        assert any(link in str(n.message) for n in app._notifications)


async def test_o_with_a_gui_browser_opens_it(make_app, monkeypatch) -> None:
    import webbrowser

    opened = []

    class FakeBrowser(webbrowser.BackgroundBrowser):
        def open(self, url, new=0, autoraise=True):
            opened.append(url)
            return True

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: FakeBrowser("firefox"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [present(screen.entries.current_entry).link]
        assert app.clipboard == ""


async def test_a_text_browser_is_never_used(monkeypatch) -> None:
    import webbrowser

    from veille_tui.tui.browser import gui_browser

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: webbrowser.GenericBrowser("lynx"))
    assert gui_browser() is None
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: webbrowser.BackgroundBrowser("firefox"))
    assert gui_browser() is None


async def test_y_copies_the_link(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "y")
        assert app.clipboard == present(screen.entries.current_entry).link


async def test_a_on_a_post_says_it_is_archived(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.apply("is:archived")
        await pilot.press("a")
        await settle(pilot)
        assert any("Already archived" in str(n.message) for n in app._notifications)


async def test_r_and_R_offline_say_so(make_app) -> None:
    app = make_app(offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.press("r")
        messages = [str(n.message) for n in app._notifications]
        assert sum("Offline" in m for m in messages) == 2


async def test_R_fetches_in_a_worker_with_progress(make_app, lib, monkeypatch) -> None:
    calls = []

    def fake_fetch(self, names=(), on_result=None, on_start=None):
        # a worker thread fetches on a library of its own (its own connection), not the screen's
        calls.append((tuple(names), self is not app.screen.lib))
        if on_start:
            on_start(2)
        outcomes = [
            FeedOutcome("Fixture News", "https://news.example.org/feed.xml", "ok", 0),
            FeedOutcome("Fixture CERT", "https://cert.example.org/rss", "error", error="HTTP 503"),
        ]
        for outcome in outcomes:
            on_result(outcome)
        return outcomes

    monkeypatch.setattr(Library, "fetch", fake_fetch)
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await refresh_all(pilot)
        assert calls == [((), True)]
        messages = [str(n.message) for n in app._notifications]
        assert any("2 feed(s) refreshed" in m and "HTTP 503" in m for m in messages)
        assert main(app).state.activity == ""


async def test_r_refreshes_the_feed_of_the_selected_entry(make_app, lib, monkeypatch) -> None:
    calls: list[list[str]] = []

    def recording_fetch(self, names=(), **kw):
        calls.append(list(names))
        return []

    monkeypatch.setattr(Library, "fetch", recording_fetch)
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert present(screen.entries.current_entry).feeds == ("Fixture CERT",)
        await pilot.press("r")
        await settle(pilot)
        assert calls == [["https://cert.example.org/rss"]]


async def test_fetch_failure_is_a_notification(make_app, monkeypatch) -> None:
    def broken(self, *args, **kwargs):
        raise ImportError("cannot import name 'fetch' (not written yet)")

    monkeypatch.setattr(Library, "fetch", broken)
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await refresh_all(pilot)
        assert any("Refresh failed" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_question_mark_shows_help_from_live_bindings(make_app, lib) -> None:
    lib.settings = lib.settings.__class__(**{**lib.settings.__dict__, "keymap": (("next_tag", "n"),)})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for description in (*ACTIONS, "Command palette"):
            assert description in text, description
        assert re.search(r"^n +Next tag$", text, re.M)  # the keymap applies
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("n")
        assert main(app).state.choice.id.startswith("tag:")


async def test_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_every_action_is_in_the_command_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(main(app))}
        for title in ACTIONS:
            assert title in titles, title


async def test_palette_command_runs_the_action(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        command = next(c for c in app.get_system_commands(screen) if c.title == "Next tag")
        await command.callback()
        assert screen.state.choice.id.startswith("tag:")


async def test_untrusted_titles_are_shown_as_text(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_webinar(pilot)
        assert app.is_running
        row = rows(screen.entries)[0]
        assert "[Webinar] Patch Tuesday [" in row
        assert MARKUP_TITLE in header_plain(screen.article)
        await pilot.click(EntryList, offset=(20, 0))
        assert app.is_running


async def test_wide_characters_keep_columns_aligned(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        width = screen.entries.scrollable_content_region.width
        lines = rows(screen.entries)
        cjk = next(line for line in lines if "日本語" in line)
        assert all(cell_len(line) == width for line in lines)
        plain = next(line for line in lines if "CVE" in line and "日本語" not in line)
        # the CVE column starts at the same cell in both rows
        assert cell_len(cjk[: cjk.rindex("CVE")]) == cell_len(plain[: plain.rindex("CVE")])
        assert CJK_TITLE[:6] in cjk


async def test_article_hides_attribute_lists_and_highlights_cves(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_webinar(pilot)
        strips = screen.article.lines
        text = screen.article.text
        assert "{:target" not in text
        assert "CVE-2026-3333" in text
        cve_style = screen.article.get_component_rich_style("article--cve")
        styled = [seg for s in strips for seg in s if "CVE-2026-3333" in seg.text]
        assert styled and all(present(seg.style).color == cve_style.color for seg in styled)


async def test_narrow_layout_hides_the_sidebar_and_tab_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.has_class("-narrow")
        assert not screen.sidebar.display or screen.sidebar.region.width == 0
        assert screen.entries.region.width >= 78
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is screen.sidebar and screen.sidebar.region.width > 0
        await pilot.press("tab")
        await pilot.pause()
        assert focused(app) is screen.entries
        assert screen.sidebar.region.width == 0
        await pilot.press("right_square_bracket")
        assert screen.state.choice.id.startswith("tag:")


async def test_archive_index_runs_at_start_and_new_posts_appear(make_app, lib, archive) -> None:
    extra = archive / "2026-08-30-a-new-post-written-meanwhile.md"
    extra.write_text(
        "---\ntitle: 'A new post written meanwhile'\ndate: 2026-08-30\npermalink: /posts/2026/08/30/x/\n"
        'tags:\n- veille-cyber\n- krebs\n---\nBody.\n\n[Source](https://krebs.example.org/x){:target="_blank"}\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, 0.4)
        screen = main(app)
        titles = [e.title for e in lib.store.entries_by_ids(screen.entries.ids[:3])]
        assert "A new post written meanwhile" in titles
        assert screen.state.tag_counts["krebs"] == 3


async def test_bad_config_theme_is_a_notification(env, archive, monkeypatch) -> None:
    from veille_tui.tui.app import VeilleApp

    config = env / "config" / "config.toml"
    config.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    library = Library.open(archive=str(archive))
    try:
        app = VeilleApp(library, offline=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "veille-dark"
            assert any("no-such-theme" in str(n.message) for n in app._notifications)
    finally:
        library.close()


async def test_theme_switch_is_saved_to_the_config(make_app, env) -> None:
    app = make_app()
    config = env / "config" / "config.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "veille-dark"
        app.theme = "veille-light"
        await pilot.pause(0.6)
    text = config.read_text(encoding="utf-8")
    assert 'theme = "veille-light"' in text
    assert "# test config: comments must survive a theme switch" in text


async def test_T_opens_the_theme_picker(make_app) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_the_list_stays_consistent_on_an_empty_result(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.apply("nosuchwordanywhere") is None
        await settle(pilot)
        assert screen.entries.ids == [] and screen.entries.current_entry is None
        await pilot.press("j", "k", "enter", "u", "s", "o", "y", "a")
        assert app.is_running
        assert "No entry matches" in header_plain(screen.article) or screen.article.entry is None


async def test_article_scrolls_with_keys(make_app, lib) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.apply("+certfr")
        await pilot.press("enter")
        await settle(pilot)
        article = screen.article
        assert len(article.lines) > article.scrollable_content_region.height
        await pilot.press("tab")
        assert app.focused is article
        await pilot.press("j", "j")
        assert article.scroll_offset.y == 2
        await pilot.press("G")
        await pilot.pause()
        assert article.scroll_offset.y == len(article.lines) - article.scrollable_content_region.height
        # the end: the post's closing Source line, its links listed, then its related stories
        # (issue 10: the BleepingComputer story of the day before names the same CVE)
        bottom = [article.render_line(y).text for y in range(article.scrollable_content_region.height)]
        assert any("Source [1]" in line for line in bottom)
        links = next(n for n, line in enumerate(bottom) if line.strip().startswith("[1] https://www.cert.ssi.gouv.fr/"))
        assert "Related stories (L: open one)" in bottom[links + 2]
        assert "Ivanti fixes EPMM" in " ".join(bottom[links + 3 :])
        await pilot.press("g")
        assert article.scroll_offset.y == 0


def test_fit_keeps_one_line_and_cell_width() -> None:
    from veille_tui.tui.widgets.lines import fit

    assert fit("a\nb\tc", 8) == "a b c   "
    assert cell_len(fit("日本語のタイトル", 7)) == 7
    assert fit("日本語のタイトル", 7).endswith("…") or fit("日本語のタイトル", 7).endswith("… ")
    assert fit("abc", 0) == ""


async def test_theme_switch_restyles_list_and_article(make_app, lib) -> None:
    from rich.color import Color as RichColor
    from textual.color import Color

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_webinar(pilot)

        def cve_colours() -> set[RichColor | None]:
            return {present(seg.style).color for s in screen.article.lines for seg in s if "CVE-2026-3333" in seg.text}

        before = cve_colours()
        app.theme = "veille-light"
        await settle(pilot)
        after = cve_colours()
        expected = Color.parse(app.theme_variables["veille-cve"]).rich_color
        assert after != before
        assert all(isinstance(c, RichColor) and c.get_truecolor() == expected.get_truecolor() for c in after)


async def test_a_damaged_database_during_a_refresh_says_how_to_recover(make_app, monkeypatch) -> None:
    import sqlite3

    def broken_fetch(self, names=(), on_result=None, on_start=None):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Library, "fetch", broken_fetch)
    app = make_app(offline=False)
    async with app.run_test(size=SIZE) as pilot:
        await refresh_all(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("malformed" in m and "To recover" in m and "state export" in m for m in messages), messages


async def test_a_first_start_says_how_to_get_something_to_read(env, monkeypatch) -> None:
    from veille_tui.tui.app import VeilleApp

    library = Library.open()  # no archive, empty database
    app = VeilleApp(library, offline=True, cli_theme=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = present(app.screen.query_one(ArticleView).message)
        assert "--archive DIR" in message and "press R" in message
    library.close()
