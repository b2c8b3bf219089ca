"""UI test fixtures: isolated config and data folders, the sample archive, a few feed items.

Every test gets its own VEILLE_TUI_DATA_DIR and VEILLE_TUI_CONFIG (tmp_path), a copy of
examples/_posts already indexed, two subscribed feeds with fixed items (dates fixed, so that
snapshots do not move; the current year is 2026 for the list's dates), and no browser (DISPLAY
unset).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.core.update import store_fetch

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "_posts"
REAL_ARCHIVE = REPO.parent / "shared" / "archive" / "_posts"

CONFIG = """\
# test config: comments must survive a theme switch
watch = ["fortinet"]

[[feeds]]
url = "https://news.example.org/feed.xml"
title = "Fixture News"
tags = ["fixnews"]

[[feeds]]
url = "https://cert.example.org/rss"
title = "Fixture CERT"
tags = ["fixcert"]

[queries]
"Fortinet" = "fortinet"
"""

# Titles that must come through untouched: markup look-alikes, wide characters, emoji.
MARKUP_TITLE = "[Webinar] Patch Tuesday [@click=app.quit]boom[/] [b]not bold[/b]"
CJK_TITLE = "日本語のセキュリティ速報：脆弱性 CVE-2026-1111 に注意 🔐🚨"
FOLDED_LINK = "https://www.bleepingcomputer.com/news/security/europol-disrupts-riverloft-bulletproof-hosting-used-by-ransomware-gangs/"

ITEMS_NEWS = [
    Item(
        guid="n1",
        link="https://news.example.org/a/1",
        title=MARKUP_TITLE,
        date="2026-08-24T09:00:00+00:00",
        ts=1787562000,
        summary='A webinar about **CVE-2026-2222** and CVE-2026-3333.\n\nSee [the page](https://news.example.org/a/1){:target="_blank"}.',
        categories=("webinar",),
    ),
    Item(
        guid="n2",
        link="https://news.example.org/a/2",
        title=CJK_TITLE,
        date="2026-08-23T09:00:00+00:00",
        ts=1787475600,
        summary="日本語の本文。CVE-2026-1111",
        categories=(),
    ),
    Item(
        guid="n3",
        link=FOLDED_LINK,
        title="Europol disrupts Riverloft (feed copy)",
        date="2026-06-01T08:00:00+00:00",
        ts=1780300800,
        summary="Feed summary of an archived story.",
        categories=(),
    ),
]
ITEMS_CERT = [
    Item(
        guid="c1",
        link="https://cert.example.org/avis/1",
        title="Vulnérabilité dans Fortinet FortiOS",
        date="2026-08-25T10:00:00+00:00",
        ts=1787652000,
        summary="Une vulnérabilité Fortinet (CVE-2026-4444).",
        categories=("avis",),
    ),
]


THIS_YEAR = 2026  # the list shows dates of this year as MM-DD: fixed, so that snapshots do not move


@pytest.fixture(autouse=True)
def fixed_year(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("veille_tui.tui.widgets.entry_list.this_year", lambda: THIS_YEAR)
    return THIS_YEAR


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Isolated folders; returns tmp_path."""
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("VEILLE_TUI_DATA_DIR", str(data))
    monkeypatch.setenv("VEILLE_TUI_CONFIG", str(config))
    for name in ("VEILLE_TUI_ARCHIVE", "TEXTUAL_THEME", "DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "VEILLE_TUI_ASCII"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return tmp_path


@pytest.fixture
def archive(env: Path) -> Path:
    target = env / "site" / "_posts"
    shutil.copytree(EXAMPLES, target)
    return target


def fill_items(lib: Library) -> None:
    store = lib.store
    store.sync_feeds(lib.settings.feeds)
    ids = {url: feed_id for feed_id, url, *_ in store.feed_states()}
    store_fetch(store, ids["https://news.example.org/feed.xml"], status="ok", items=ITEMS_NEWS)
    store_fetch(store, ids["https://cert.example.org/rss"], status="ok", items=ITEMS_CERT)


@pytest.fixture
def lib(env: Path, archive: Path):
    library = Library.open(archive=str(archive))
    library.index()
    fill_items(library)
    yield library
    library.close()


@pytest.fixture
def make_app(lib):
    from veille_tui.tui.app import VeilleApp

    def make(offline: bool = True, theme: str | None = None, library: Library | None = None) -> VeilleApp:
        return VeilleApp(library or lib, offline=offline, cli_theme=theme)

    return make
