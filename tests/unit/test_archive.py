"""The archive reader: every front-matter form Jekyll accepts, and bad files reported, not fatal."""

from __future__ import annotations

import os
from datetime import date

import pytest
from tests.conftest import write_post

from veille_tui.core.archive import drafts
from veille_tui.core.archive import reader as archive
from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.errors import DraftError
from veille_tui.core.update import open_store


def read(folder, name):
    stat = next(s for s in archive.scan(folder) if s.name == name)
    return archive.read_post(folder, stat)


def test_archive_format_post(posts_dir) -> None:
    write_post(
        posts_dir,
        "2026-07-01-firewall-flaw-exploited.md",
        """
        ---
        title: 'Firewall flaw &#x5b;exploited&#x5d; in the wild, vendor''s patch out'
        date: 2026-07-01
        permalink: /posts/2026/07/01/firewall-flaw-exploited/
        tags:
        - veille-cyber
        - bleepingcomp
        ---
        ### Une faille exploitée

        Texte de la vulnérabilité CVE-2026-40001.

        ---
        [Source](https://www.example.com/news/firewall-flaw/){:target="_blank"}
        """,
    )
    post = read(posts_dir, "2026-07-01-firewall-flaw-exploited.md")
    assert post.title == "Firewall flaw [exploited] in the wild, vendor's patch out"
    assert post.date == "2026-07-01"
    assert post.tags == ("veille-cyber", "bleepingcomp")
    assert post.permalink == "/posts/2026/07/01/firewall-flaw-exploited/"
    assert post.source_url == "https://www.example.com/news/firewall-flaw/"
    assert "{:target" not in post.body
    assert "CVE-2026-40001" in post.body


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2026-07-01", "2026-07-01"),
        ("2026-07-01 10:30:00", "2026-07-01T10:30:00"),
        ("2026-07-01 10:30:00 +0200", "2026-07-01T10:30:00+02:00"),
        ("2026-07-01 10:30:00 -0400", "2026-07-01T10:30:00-04:00"),
        ("2026-07-01T10:30:00-04:00", "2026-07-01T10:30:00-04:00"),
        ("2026-07-01T10:30:00Z", "2026-07-01T10:30:00+00:00"),
        ("2026-07-01 10:30", "2026-07-01T10:30:00"),
        ("'2026-07-01 10:30:00 -0400'", "2026-07-01T10:30:00-04:00"),
    ],
)
def test_front_matter_date_forms(posts_dir, value, iso) -> None:
    write_post(posts_dir, "2026-06-30-a-post.md", f"---\ntitle: A post\ndate: {value}\n---\nbody\n")
    post = read(posts_dir, "2026-06-30-a-post.md")
    assert post.date == iso


def test_offsets_order_posts_in_utc(posts_dir) -> None:
    write_post(posts_dir, "2026-07-01-east.md", "---\ntitle: East\ndate: 2026-07-01 08:00:00 +0200\n---\nx\n")
    write_post(posts_dir, "2026-07-01-west.md", "---\ntitle: West\ndate: 2026-07-01 07:00:00 -0400\n---\nx\n")
    east, west = read(posts_dir, "2026-07-01-east.md"), read(posts_dir, "2026-07-01-west.md")
    assert west.ts - east.ts == 5 * 3600  # 11:00Z - 06:00Z


def test_date_from_file_name_single_digit_month(posts_dir) -> None:
    write_post(posts_dir, "2026-7-4-short-date.md", "---\ntitle: Short\n---\nbody\n")
    post = read(posts_dir, "2026-7-4-short-date.md")
    assert post.date == "2026-07-04"


def test_title_from_file_name_when_missing(posts_dir) -> None:
    write_post(posts_dir, "2026-07-04-patch-tuesday-roundup.md", "---\ntags: [veille-cyber]\n---\nbody\n")
    post = read(posts_dir, "2026-07-04-patch-tuesday-roundup.md")
    assert post.title == "Patch Tuesday Roundup"


def test_tags_as_string_plus_categories(posts_dir) -> None:
    write_post(
        posts_dir,
        "2026-07-04-tags.md",
        "---\ntitle: T\ntags: veille-cyber Krebs\ncategories: [news]\ncategory: ics\n---\nb\n",
    )
    post = read(posts_dir, "2026-07-04-tags.md")
    assert post.tags == ("veille-cyber", "krebs", "news", "ics")


def test_toml_front_matter(posts_dir) -> None:
    write_post(
        posts_dir,
        "2026-07-05-toml.md",
        """
        +++
        title = "TOML post"
        date = 2026-07-05T09:00:00+02:00
        tags = ["veille-cyber", "certfr"]
        +++
        Corps du billet.
        """,
    )
    post = read(posts_dir, "2026-07-05-toml.md")
    assert post.title == "TOML post"
    assert post.date == "2026-07-05T09:00:00+02:00"
    assert post.tags == ("veille-cyber", "certfr")
    assert post.body.strip() == "Corps du billet."


def test_utf8_bom(posts_dir) -> None:
    path = posts_dir / "2026-07-06-bom.md"
    path.write_bytes("\ufeff---\ntitle: 'Sécurité'\n---\nbody\n".encode("utf-8"))
    assert read(posts_dir, "2026-07-06-bom.md").title == "Sécurité"


def test_terminal_escapes_removed_from_title_and_body(posts_dir) -> None:
    write_post(
        posts_dir,
        "2026-07-06-esc.md",
        '---\ntitle: "Evil \\e]0;pwned\\a title \\e[31mred"\n---\nbody \x1b[2J cleared\n',
    )
    post = read(posts_dir, "2026-07-06-esc.md")
    assert "\x1b" not in post.title and "\x07" not in post.title
    assert post.title == "Evil title red"
    assert "\x1b" not in post.body


def index(store, folder):
    return index_archive(store, folder)


def test_bad_files_are_problems_and_others_are_kept(posts_dir, tmp_path) -> None:
    write_post(posts_dir, "2026-07-01-good.md", "---\ntitle: Good\ntags: [veille-cyber]\n---\nok\n")
    write_post(posts_dir, "2026-07-02-bad-yaml.md", "---\ntitle: 'unclosed\ntags: [a\n---\nx\n")
    write_post(posts_dir, "2026-07-03-bad-date.md", "---\ntitle: Bad date\ndate: 2026-13-45\n---\nx\n")
    write_post(posts_dir, "2026-07-04-not-closed.md", "---\ntitle: never closed\n")
    (posts_dir / "2026-07-05-latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    (posts_dir / "2026-07-06-binary.md").write_bytes(b"\x00\x01\x02binary")
    write_post(posts_dir, "2026-07-07-list.md", "---\n- just\n- a list\n---\nx\n")
    report = index(open_store(tmp_path / "db.sqlite"), posts_dir)
    problems = dict(report.problems)
    assert report.indexed == 1
    assert set(problems) == {
        "2026-07-02-bad-yaml.md",
        "2026-07-03-bad-date.md",
        "2026-07-04-not-closed.md",
        "2026-07-05-latin1.md",
        "2026-07-06-binary.md",
        "2026-07-07-list.md",
    }
    assert "YAML" in problems["2026-07-02-bad-yaml.md"]
    assert "date" in problems["2026-07-03-bad-date.md"]
    assert "UTF-8" in problems["2026-07-05-latin1.md"]


def test_skipped_files_as_jekyll_would(posts_dir, tmp_path) -> None:
    write_post(posts_dir, "2026-07-01-published.md", "---\ntitle: Yes\n---\nx\n")
    write_post(posts_dir, "2026-07-02-unpublished.md", "---\ntitle: No\npublished: false\n---\nx\n")
    write_post(posts_dir, "notes.md", "---\ntitle: no date in name\n---\nx\n")
    write_post(posts_dir, "2026-07-03-no-front-matter.md", "just text\n")
    write_post(posts_dir, "_2026-07-04-underscore.md", "---\ntitle: hidden\n---\nx\n")
    write_post(posts_dir, ".2026-07-04-dot.md", "---\ntitle: hidden\n---\nx\n")
    write_post(posts_dir, "2026-07-04-backup.md~", "---\ntitle: backup\n---\nx\n")
    write_post(posts_dir, "image.png", "not a post")
    write_post(posts_dir, "2099-01-01-future.md", "---\ntitle: Later\n---\nx\n")
    write_post(posts_dir, "sub/2026-07-05-in-folder.md", "---\ntitle: Nested\n---\nx\n")
    report = index_archive(open_store(tmp_path / "db.sqlite"), posts_dir)
    assert report.indexed == 2
    assert report.skipped == 8
    assert report.problems == []
    assert report.indexed + report.skipped + len(report.problems) == len(archive.scan(posts_dir))


def test_incremental_reindex(posts_dir, tmp_path, monkeypatch) -> None:
    for n in range(1, 6):
        write_post(
            posts_dir,
            f"2026-07-0{n}-post-{n}.md",
            f"---\ntitle: Post {n}\ntags: [veille-cyber, krebs]\n---\nbody {n}\n",
        )
    store = open_store(tmp_path / "db.sqlite")
    assert index_archive(store, posts_dir).indexed == 5
    reads: list[str] = []
    original = archive.read_post

    def counted_read(root, stat, now_ts=None):
        reads.append(stat.name)
        return original(root, stat, now_ts)

    monkeypatch.setattr(archive, "read_post", counted_read)
    report = index_archive(store, posts_dir)
    assert (report.indexed, report.unchanged, reads) == (5, 5, [])
    # change one, delete one, add one
    path = posts_dir / "2026-07-02-post-2.md"
    path.write_text("---\ntitle: Post two, edited\ntags: [veille-cyber, certfr]\n---\nnew body\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    (posts_dir / "2026-07-03-post-3.md").unlink()
    write_post(posts_dir, "2026-07-09-post-9.md", "---\ntitle: Post 9\n---\nx\n")
    report = index_archive(store, posts_dir)
    assert sorted(reads) == ["2026-07-02-post-2.md", "2026-07-09-post-9.md"]
    assert report.indexed == 5 and report.removed == 1
    titles = [e.title for e in store.entries("")]
    assert "Post two, edited" in titles and "Post 3" not in titles
    assert store.tag_counts()["certfr"] == 1
    assert store.count("+krebs") == 3


def test_draft_is_written_once_in_archive_format(posts_dir) -> None:
    path = drafts.write_unique(
        posts_dir,
        title="Vendor's VPN \x1b[31mflaw\x1b[0m: 0-day exploited!",
        day=date(2026, 8, 1),
        tags=["veille-cyber", "bleepingcomp", "vpn"],
        body="Résumé.",
        link="https://example.com/a?utm_source=x",
        dated=True,
    )
    assert path.name == "2026-08-01-vendors-vpn-flaw-0-day-exploited.md"
    text = path.read_text()
    assert text.startswith("---\ntitle: 'Vendor''s VPN flaw: 0-day exploited!'\ndate: 2026-08-01\n")
    assert "permalink: /posts/2026/08/01/vendors-vpn-flaw-0-day-exploited/\n" in text
    assert "tags:\n- veille-cyber\n- bleepingcomp\n- vpn\n---\n" in text
    assert text.rstrip().endswith('[Source](https://example.com/a){:target="_blank"}')
    post = read(posts_dir, path.name)
    assert post.title == "Vendor's VPN flaw: 0-day exploited!"
    second = drafts.write_unique(
        posts_dir,
        title="Vendor's VPN flaw: 0-day exploited!",
        day=date(2026, 8, 1),
        tags=[],
        body="other",
        link="https://example.com/b",
        dated=True,
    )
    assert second.name == "2026-08-01-vendors-vpn-flaw-0-day-exploited-2.md"  # the name was taken
    assert "permalink: /posts/2026/08/01/vendors-vpn-flaw-0-day-exploited-2/\n" in second.read_text()
    assert path.read_text() == text
    assert {p.name for p in posts_dir.iterdir()} == {path.name, second.name}  # no temporary file left


def test_draft_tags_are_always_valid_yaml(posts_dir) -> None:
    import frontmatter

    nasty = ["veille-cyber", "!important", "*alias", "#hash", "[x]", "has space", "sécurité", "yes", "a: b"]
    path = drafts.write_unique(
        posts_dir, title="Tags", day=date(2026, 8, 2), tags=nasty, body="x", link="https://e.com/t", dated=True
    )
    assert frontmatter.load(path)["tags"] == nasty
    stat = next(s for s in archive.scan(posts_dir) if s.name == path.name)
    assert archive.read_post(posts_dir, stat).tags == (
        "veille-cyber",
        "important",
        "alias",
        "hash",
        "x",
        "has-space",
        "sécurité",
        "yes",
        "a-b",
    )


def test_tags_are_normalised_so_queries_find_them(posts_dir, tmp_path) -> None:
    write_post(posts_dir, "2026-07-01-t.md", "---\ntitle: T\ntags: ['Has Space', '*Star', 'Zero-Day']\n---\nx\n")
    store = open_store(tmp_path / "db.sqlite")
    index_archive(store, posts_dir)
    assert set(store.tag_counts()) == {"has-space", "star", "zero-day"}
    assert store.count("+has-space") == store.count("+zero-day") == 1


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Vendor's C.E.O. says the 9.8 flaw is fixed", "vendors-ceo-says-the-98-flaw-is-fixed"),
        (
            "Multiples vulnérabilités dans Produit X (3 août 2026)",
            "multiples-vulnerabilites-dans-produit-x-3-aout-2026",
        ),
        ("Patch now: $1M bug -- in   the wild!", "patch-now-1m-bug-in-the-wild"),
        ("日本語", "untitled"),
    ],
)
def test_slugs_follow_the_archive_convention(title, slug) -> None:
    from veille_tui.core.text import slugify

    assert slugify(title) == slug


def test_draft_into_a_missing_archive_folder_is_refused(tmp_path) -> None:
    with pytest.raises(DraftError, match="typo: folder not found"):
        drafts.write_unique(
            tmp_path / "typo", title="T", day=date(2026, 8, 1), tags=[], body="x", link="https://e.com/", dated=True
        )
    with pytest.raises(DraftError, match="typo/_drafts: folder not found"):  # a drafts folder is made, not its parents
        drafts.write_unique(
            tmp_path / "typo" / "_drafts",
            title="T",
            day=date(2026, 8, 1),
            tags=[],
            body="x",
            link="https://e.com/",
            dated=False,
            create=True,
        )
    assert not (tmp_path / "typo").exists()
