"""Archive layouts (issue 13): symlink loops in the scan, Hugo sites, archives dated by their front
matter, and `archive_format` in the config."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, write_post
from tests.helpers import present

from veille_tui.core import config
from veille_tui.core.archive import hugo, reader
from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.errors import ConfigError
from veille_tui.core.update import open_store

HUGO_SITE = Path(__file__).resolve().parent.parent / "data" / "hugo-site"


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "data" / "veille.db") as s:
        yield s


def loop_archive(tmp_path: Path) -> Path:
    """The issue's case: 29 files, and `sub/up -> ..` (plus a symlink out, an alias and a dangling one)."""
    posts = tmp_path / "_posts"
    shutil.copytree(EXAMPLES, posts)  # 24 posts
    for i in range(3):
        write_post(posts, f"sub/2026-01-0{i + 1}-sub-{i}.md", f"---\ntitle: Sub {i}\n---\nbody\n")
    (posts / "notes.txt").write_text("not a post")
    write_post(posts, "2026-01-09-broken.md", "---\ntitle: [unclosed\n---\n")
    os.symlink("..", posts / "sub" / "up")
    os.symlink(tmp_path, posts / "outside")
    os.symlink(posts / "sub", posts / "alias")
    os.symlink("nowhere.md", posts / "dangling.md")
    return posts


def test_a_symlink_loop_is_one_problem_and_every_file_is_read_once(tmp_path, store) -> None:
    posts = loop_archive(tmp_path)
    files = [p for p in posts.rglob("*") if p.is_file() and not p.is_symlink()]
    assert len(files) == 29
    report = index_archive(store, posts)
    assert (report.indexed, report.skipped) == (27, 1)
    assert dict(report.problems) == {
        "2026-01-09-broken.md": "bad YAML front matter at line 3: did not find expected ',' or ']'",
        "sub/up": "symlink loop: leads back to the archive folder itself; not followed",
        "outside": "symlink out of the archive (not followed)",
        "alias": "symlink to a folder already read (sub); not followed",
        "dangling.md": "broken symlink",
    }
    assert store.count() == 27  # each post once
    assert len({e.file for e in store.entries(limit=0)}) == 27
    again = index_archive(store, posts)  # and the same the second time (problems are re-checked)
    assert (again.indexed, again.skipped, len(again.problems)) == (27, 1, 5)


def test_a_loop_deeper_down_and_a_symlinked_root(tmp_path, store) -> None:
    site = tmp_path / "site"
    posts = site / "_posts"
    write_post(posts, "a/b/2026-02-01-deep.md", "---\ntitle: Deep\n---\nx\n")
    os.symlink("../..", posts / "a" / "b" / "back")
    link = tmp_path / "link-to-posts"
    os.symlink(posts, link)
    report = index_archive(store, link)  # the root itself may be a symlink
    assert report.indexed == 1
    assert report.problems == [("a/b/back", "symlink loop: leads back to the archive folder itself; not followed")]


def test_scan_names_unreadable_folders(tmp_path) -> None:
    posts = tmp_path / "_posts"
    write_post(posts, "locked/2026-02-01-x.md", "---\ntitle: X\n---\n")
    os.chmod(posts / "locked", 0)
    try:
        stats = reader.scan(posts)
    finally:
        os.chmod(posts / "locked", 0o755)
    if os.geteuid() == 0:  # root reads it anyway
        assert [s.name for s in stats] == ["locked/2026-02-01-x.md"]
    else:
        assert stats[0].name == "locked" and present(stats[0].problem).startswith("cannot read the folder")


# --- Hugo ---------------------------------------------------------------------------------------------


def test_hugo_site_indexed_with_dates_tags_and_permalinks(store) -> None:
    report = index_archive(store, HUGO_SITE)  # the site's own folder: its content/ is indexed
    assert report.format == "hugo"
    assert (report.indexed, report.skipped) == (5, 9)
    assert report.problems == [
        ("notes/broken.md", "bad TOML front matter: Illegal character '\\n' (at line 1, column 21)")
    ]
    posts = {e.title: e for e in store.entries(limit=0)}
    fortinet = posts["Fortinet FortiOS zero-day exploited in the wild"]
    assert fortinet.date == "2026-03-04T09:30:00+01:00"
    assert fortinet.permalink == "/posts/fortinet-zero-day/"
    assert fortinet.link == "https://www.example.com/fortinet-zero-day/"
    assert {"fortinet", "zero-day", "vulnerabilities", "cve"} <= set(fortinet.tags)  # tags and categories
    assert posts["Ivanti EPMM: two flaws chained"].permalink == "/posts/ivanti-epmm-chain/"  # slug
    assert posts["Ivanti EPMM: two flaws chained"].date == "2026-02-11"
    assert posts["Quarterly ransomware report"].permalink == "/reports/ransomware-q4/"  # url
    assert posts["Quarterly ransomware report"].date == "2026-01-20"  # publishDate
    assert posts["LockBit infrastructure taken down"].permalink == "/posts/lockbit-takedown/"  # a leaf bundle
    assert posts["Dated by its file name"].date == "2026-01-05"
    assert [e.title for e in store.entries(limit=3)] == [
        "Fortinet FortiOS zero-day exploited in the wild",
        "LockBit infrastructure taken down",
        "Ivanti EPMM: two flaws chained",
    ]
    skipped = dict(store.db.execute("SELECT name, reason FROM files WHERE status = 'skipped'"))
    assert skipped["posts/draft-story.md"] == "draft: true (Hugo does not publish drafts)"
    assert skipped["posts/future-story.md"] == "dated in the future (Hugo publishes it later)"
    assert skipped["posts/expired-story.md"] == "expired (expiryDate: Hugo no longer publishes it)"
    assert skipped["posts/_index.md"] == "a section's list page (_index), not a post"
    assert skipped["posts/lockbit-takedown/notes.md"] == "a resource of the page bundle posts/lockbit-takedown/index"
    assert skipped["about.md"] == "no date in the front matter or the file name: a page, not a post"
    assert skipped["notes/.hidden.md"] == "hidden (Hugo ignores it)"


def test_hugo_section_folder_keeps_its_permalinks(store) -> None:
    report = index_archive(store, HUGO_SITE / "content" / "posts")
    assert report.format == "hugo" and report.indexed == 5
    assert {e.permalink for e in store.entries(limit=0)} >= {"/posts/fortinet-zero-day/", "/posts/2026/dated-by-name/"}


@pytest.mark.parametrize(
    ("files", "root", "expected"),
    [
        ({"hugo.toml": "", "content/x.md": ""}, "content", ("hugo", "content", "")),
        ({"hugo.toml": "", "content/posts/x.md": ""}, "content/posts", ("hugo", "content/posts", "posts")),
        ({"config.toml": "", "archetypes/default.md": "", "content/x.md": ""}, ".", ("hugo", "content", "")),
        ({"_config.yml": "", "_posts/x.md": ""}, "_posts", ("jekyll", "_posts", "")),
        ({"blog/x.md": ""}, "blog", ("hugo", "blog", "")),  # no site: dated by the front matter
        ({"config.toml": "", "content/x.md": "", "_config.yml": ""}, "content", ("jekyll", "content", "")),
    ],
)
def test_layout_detection(tmp_path, files, root, expected) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    layout = hugo.detect(tmp_path / root)
    assert (layout.format, layout.root.relative_to(tmp_path).as_posix(), layout.section) == expected


def test_archive_format_from_the_config_wins(tmp_path, store) -> None:
    folder = tmp_path / "blog"
    write_post(folder, "2026-03-01-named.md", "---\ntitle: Named\n---\nx\n")
    write_post(folder, "undated-name.md", "---\ntitle: Undated name\ndate: 2026-03-02\n---\nx\n")
    auto = index_archive(store, folder)  # no site: front-matter dates count
    assert (auto.format, auto.indexed) == ("hugo", 2)
    jekyll = index_archive(store, folder, archive_format="jekyll")  # the rules changed: every file read again
    assert (jekyll.format, jekyll.indexed, jekyll.skipped) == ("jekyll", 1, 1)
    assert store.count() == 1
    assert index_archive(store, folder, archive_format="hugo").indexed == 2


def test_archive_format_setting(tmp_path) -> None:
    path = tmp_path / "config.toml"
    assert config.from_dict({"archive_format": "hugo"}, path).archive_format == "hugo"
    assert config.from_dict({}, path).archive_format == "auto"
    with pytest.raises(ConfigError, match="archive_format must be one of auto, jekyll, hugo"):
        config.from_dict({"archive_format": "eleventy"}, path)


def test_hugo_dates_and_drafts_in_yaml_and_toml(tmp_path) -> None:
    root = tmp_path / "content"
    (tmp_path / "hugo.toml").write_text("")
    write_post(root, "a.md", "+++\ntitle = 'A'\ndate = 2026-05-06T07:08:09-04:00\ndraft = false\n+++\nx\n")
    write_post(root, "b.md", "---\ntitle: B\ndraft: 'true'\ndate: 2026-05-06\n---\nx\n")
    write_post(root, "c.md", "---\ntitle: C\nlastmod: 2026-05-07\n---\nx\n")
    layout = hugo.detect(root)
    results = {s.name: reader.read_one(layout, s, now_ts=2_000_000_000) for s in reader.scan(root)}
    assert results["a.md"].post is not None and results["a.md"].post.date == "2026-05-06T07:08:09-04:00"
    assert results["b.md"].status == "skipped"
    assert results["c.md"].post is not None and results["c.md"].post.date == "2026-05-07"
