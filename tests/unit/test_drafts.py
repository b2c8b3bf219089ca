"""Drafts, the parts below the command line (issue 12): the [draft] table of the config, the
Source link's tracking parameters, publishing's date and permalink (the rest kept byte for byte),
a Hugo site's drafts (`draft: true` in the content section)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import frontmatter
import pytest
from tests.helpers import present

from veille_tui.core import config
from veille_tui.core.archive import drafts
from veille_tui.core.errors import ConfigError, DraftError
from veille_tui.core.library import Library
from veille_tui.core.models import Feed, Item
from veille_tui.core.update import store_fetch

HUGO_SITE = Path(__file__).resolve().parent.parent / "data" / "hugo-site"


def test_the_draft_table_of_the_config(tmp_path) -> None:
    path = tmp_path / "config.toml"
    assert config.from_dict({}, path).draft == config.DraftSettings(None, 120.0, "drafts")
    settings = config.from_dict({"draft": {"command": " llm -s 'x' ", "timeout": 30, "folder": "posts"}}, path)
    assert settings.draft == config.DraftSettings("llm -s 'x'", 30.0, "posts")
    for bad, said in [
        ({"folder": "elsewhere"}, "folder must be"),
        ({"timeout": 0}, "timeout must be"),
        ({"timeout": True}, "timeout must be"),
        ({"command": ["llm"]}, "command must be a string"),
        ({"comand": "x"}, "unknown [draft] setting(s): comand"),
    ]:
        with pytest.raises(ConfigError, match=said.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
            config.from_dict({"draft": bad}, path)


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://e.com/a?utm_source=rss&utm_medium=x", "https://e.com/a"),
        ("https://e.com/a?id=3&UTM_Campaign=x&fbclid=y&gclid=z#part", "https://e.com/a?id=3#part"),
        ("https://e.com/a?page=2", "https://e.com/a?page=2"),
        ("https://e.com/a b\x1b[31m", "https://e.com/a%20b"),
    ],
)
def test_the_source_link_loses_its_tracking_parameters(url, clean) -> None:
    assert drafts.clean_source_url(url) == clean


def test_publishing_changes_the_date_and_permalink_and_nothing_else(tmp_path) -> None:
    folder = tmp_path / "_drafts"
    posts = tmp_path / "_posts"
    posts.mkdir()
    path = drafts.write_unique(
        folder,
        title="Titre",
        day=date(2026, 7, 1),
        tags=["veille-cyber"],
        body="Corps.",
        link="https://e.com/",
        dated=False,
        create=True,
    )
    text = path.read_text().replace("Corps.", "Corps réécrit à la main.\n\n**Points clés :**\n*   un")
    path.write_text(text)
    new = drafts.publish(path, posts, date(2026, 9, 2))
    assert new == posts / "2026-09-02-titre.md" and not path.exists()
    expected = text.replace("date: 2026-07-01", "date: 2026-09-02").replace("/2026/07/01/", "/2026/09/02/")
    assert new.read_text() == expected
    # a draft edited by hand without date or permalink gets both
    bare = folder / "bare.md"
    bare.write_text("---\ntitle: 'Bare'\ntags:\n- x\n---\nbody\n")
    published = frontmatter.load(drafts.publish(bare, posts, date(2026, 9, 2)))
    assert published["date"] == date(2026, 9, 2) and published["permalink"] == "/posts/2026/09/02/bare/"
    no_front = folder / "nofront.md"
    no_front.write_text("just text\n")
    with pytest.raises(DraftError, match="no YAML front matter"):
        drafts.publish(no_front, posts, date(2026, 9, 2))
    assert no_front.exists()


def test_a_hugo_site_drafts_in_its_content_section(tmp_path) -> None:
    site = tmp_path / "hugo"
    shutil.copytree(HUGO_SITE, site)
    section = site / "content" / "posts"
    with Library.open(archive=str(section)) as lib:
        lib.index()
        lib.store.sync_feeds([Feed("https://f.example/rss", "F", ("fsrc",))])
        store_fetch(
            lib.store,
            lib.store.feed_states()[0][0],
            status="ok",
            items=[
                Item("h1", "https://f.example/story", "Hugo story", "2026-03-01T10:00:00+00:00", 1772359200, "Body.")
            ],
        )
        entry_id = lib.store.entries("is:item")[0].id
        before = lib.count("is:archived")
        path = lib.write_draft(entry_id)
        assert path == section / "hugo-story.md"
        assert frontmatter.load(path)["draft"] is True
        entry = present(lib.entry(entry_id))
        assert entry.drafted and entry.draft == "hugo-story.md" and not entry.archived
        assert lib.count("is:archived") == before  # Hugo does not publish a draft: not a post
        assert lib.count("is:drafted") == 1  # the fixture's own `draft: true` story cites no link of ours
        new = lib.publish(entry_id)
        assert new.parent == section and new.name == f"{date.today().isoformat()}-hugo-story.md"
        assert "draft:" not in new.read_text() and not path.exists()
        entry = present(lib.entry(entry_id))
        assert entry.archived and not entry.drafted
        with pytest.raises(DraftError, match="published already"):
            lib.publish(str(new))


def test_a_drafted_item_outlives_its_feeds_retention(tmp_path) -> None:
    import time

    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    with Library.open(archive=str(posts)) as lib:
        lib.store.sync_feeds([Feed("https://f.example/rss", "F", ("fsrc",))])
        items = [
            Item(f"i{n}", f"https://f.example/{n}", f"Story {n}", "2026-03-01T10:00:00+00:00", 1772359200, "Body.")
            for n in range(2)
        ]
        store_fetch(lib.store, lib.store.feed_states()[0][0], status="ok", items=items)
        kept, dropped = (e.id for e in sorted(lib.store.entries("is:item"), key=lambda e: e.title))
        for entry_id in (kept, dropped):
            lib.set_read(entry_id)
        lib.write_draft(kept)
        assert lib.store.prune(retention_days=1, now=time.time() + 30 * 86400) == 1
        assert present(lib.entry(kept)).drafted
        assert lib.entry(dropped) is None
