"""Extraction quality on our own article pages (tests/fixtures/pages): token F1 of the main text
against the hand-written expected text, per page and on the held-out pages; the Markdown keeps
headings, lists, links, tables and code and leaves the boilerplate out; pages decoded in their
charset; untrusted text cleaned and capped; what is not a page refused with a clear error."""

from __future__ import annotations

import gzip
import statistics
import tomllib
from pathlib import Path

import pytest

from veille_tui.core import fulltext
from veille_tui.core.fulltext import extract as extract_mod
from veille_tui.core.fulltext.page import PageError, RawPage, decode, read_file
from veille_tui.core.fulltext.quality import token_f1, tokens
from veille_tui.core.models import FetchSettings

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SPLIT = tomllib.loads((PAGES / "SPLIT.toml").read_text())
ALL = SPLIT["tuning"] + SPLIT["held_out"]
SETTINGS = FetchSettings()


def page_path(name: str) -> Path:
    plain = PAGES / f"{name}.html"
    return plain if plain.exists() else PAGES / f"{name}.html.gz"


def extracted(name: str):
    return fulltext.from_file(page_path(name), SETTINGS)


def expected(name: str) -> str:
    return (PAGES / f"{name}.expected.md").read_text(encoding="utf-8")


def test_the_fixtures_are_complete() -> None:
    assert len(ALL) >= 10 and not set(SPLIT["tuning"]) & set(SPLIT["held_out"])
    for name in ALL:
        assert page_path(name).exists() and (PAGES / f"{name}.expected.md").exists()
    assert page_path("gzipped").suffix == ".gz"
    assert b"charset=iso-8859-1" in (PAGES / "latin1.html").read_bytes()


@pytest.mark.parametrize("name", ALL)
def test_each_page_is_close_to_its_expected_text(name) -> None:
    found = extracted(name)
    assert token_f1(found.markdown, expected(name)) >= 0.93, found.markdown
    assert found.words > 50 and found.title


def test_held_out_pages_score_at_least_095_on_average() -> None:
    scores = [token_f1(extracted(name).markdown, expected(name)) for name in SPLIT["held_out"]]
    assert statistics.mean(scores) >= 0.95, scores


def test_structure_is_kept() -> None:
    table = extracted("table").markdown
    assert "| CVE-2026-20045 | Remote desktop gateway | 9.8 | No |" in table
    assert "### Other notable fixes" in table
    code = extracted("code").markdown
    assert "```" in code and 'for task in tree.getroot().iter("Task"):' in code and "`python hunt.py`" in code
    headings = extracted("lists-headings").markdown
    assert "## 3. Compute in unusual regions" in headings and "1. Revoke the keys and sessions found." in headings
    comments = extracted("comments").markdown
    assert "- phishing-resistant multi-factor authentication for all remote access;" in comments
    advisory = extracted("advisory").markdown
    assert "agentctl restart" in advisory and "| Backup agent for Linux | 7.0 to 7.4.2 | 7.4.3 |" in advisory


@pytest.mark.parametrize(
    ("name", "boilerplate"),
    [
        ("nav-cookie", ["cookies", "Most read", "Subscribe to our newsletter", "All rights reserved"]),
        ("share-related", ["Share this article", "Related articles", "Tweet"]),
        ("comments", ["kevin_ops", "Leave a comment", "auditors"]),
        ("paywall", ["Continue reading", "free trial", "Trending"]),
        ("sidebar-ads", ["Advertisement", "mesh routers", "You may also like", "Popular now"]),
        ("latin1", ["cookies", "Partager", "À lire aussi"]),
    ],
)
def test_menus_ads_and_comments_are_left_out(name, boilerplate) -> None:
    markdown = extracted(name).markdown
    for text in boilerplate:
        assert text not in markdown


def test_latin1_and_gzip_pages_are_decoded() -> None:
    latin1 = extracted("latin1")
    assert "départementaux" in latin1.markdown and "Les bons réflexes" in latin1.markdown
    assert latin1.title == "Une campagne d'hameçonnage vise les collectivités territoriales"
    assert "\ufffd" not in latin1.markdown
    assert "two million times a week" in extracted("gzipped").markdown


def test_the_title_is_not_repeated_in_the_text() -> None:
    code = extracted("code")
    assert code.title == "Hunting for suspicious scheduled tasks with a few lines of Python"
    assert not code.markdown.startswith("#")


def test_charset_from_the_header_wins_over_the_meta() -> None:
    body = '<html><head><meta charset="utf-8"></head><body><p>café</p></body></html>'.encode("cp1252")
    assert "café" in decode(RawPage("x", body, "text/html; charset=windows-1252"))
    assert "café" in decode(RawPage("x", body.replace(b"utf-8", b"latin1"), None))
    assert "é" in decode(RawPage("x", "<p>é</p>".encode(), None))  # no declaration: UTF-8 when it is
    assert "é" in decode(RawPage("x", "<p>é</p>".encode("cp1252"), None))  # else windows-1252
    assert "é" in decode(RawPage("x", "<p>é</p>".encode(), 'text/html; charset="bogus-charset"'))


def test_untrusted_text_is_cleaned_and_links_made_safe() -> None:
    html = (
        "<html><head><title>Evil</title></head><body><article><h1>Evil</h1>"
        + "".join(
            f"<p>Paragraph {n} with an escape \x1b[31mred\x1b[0m and a bell\x07 and bidi \u202e text, "
            f'a <a href="javascript:alert(1)">bad link</a> and a <a href="/rel/{n}">relative one</a>, '
            "long enough to be the main text of this page for any extractor.</p>"
            for n in range(6)
        )
        + "</article></body></html>"
    )
    found = extract_mod.extract(html, "https://example.org/post/")
    assert "\x1b" not in found.markdown and "\x07" not in found.markdown and "\u202e" not in found.markdown
    assert "javascript:" not in found.markdown and "bad link" in found.markdown
    assert "(https://example.org/rel/0)" in found.markdown
    assert "\x1b" not in found.text and "](" not in found.text


def test_a_huge_text_is_capped(monkeypatch) -> None:
    monkeypatch.setattr(extract_mod, "MAX_MARKDOWN", 5_000)
    html = "<html><body><article>" + "".join(f"<p>Sentence number {n} of a very long article.</p>" for n in range(3000))
    found = extract_mod.extract(html + "</article></body></html>", "page.html")
    assert len(found.markdown) <= 5_000 and found.markdown.endswith("…")


def test_what_is_not_a_page_is_refused(tmp_path) -> None:
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(PageError, match=r"image.html: not a web page \(binary data\)"):
        fulltext.from_file(binary, SETTINGS)
    with pytest.raises(PageError, match=r"not a web page \(image/png\)"):
        fulltext.from_page(RawPage("https://example.org/x.png", b"<p>x</p>", "image/png"))
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(PageError, match="empty.html: no main text found"):
        fulltext.from_file(empty, SETTINGS)
    with pytest.raises(PageError, match="missing.html: cannot read"):
        fulltext.from_file(tmp_path / "missing.html", SETTINGS)
    big = tmp_path / "big.html.gz"
    big.write_bytes(gzip.compress(b"<p>" + b"a" * 200_000 + b"</p>"))
    with pytest.raises(PageError, match="too large"):
        read_file(big, 100_000)
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(b"\x1f\x8b" + b"not gzip at all")
    with pytest.raises(PageError, match="bad gzip data"):
        read_file(bad, 100_000)


def test_token_f1() -> None:
    assert token_f1("the cat sat", "the cat sat") == 1.0
    assert token_f1("", "the cat") == 0.0 and token_f1("", "") == 1.0
    assert token_f1("the cat", "the cat sat on the mat") == pytest.approx(2 * 1.0 * (2 / 6) / (1 + 2 / 6))
    assert tokens("[a link](https://x.example/path) `code` | cell |") == ["a", "link", "code", "cell"]


# --- pages of shapes found in the wild, written here (issue 23, item 15) --------------------------

_WORDS = "operators gateway breach vendor patch analysts exposure servers credentials firmware logs agency".split()


def _paragraph(n: int) -> str:
    words = " ".join(_WORDS[(n + k) % len(_WORDS)] for k in range(45))
    return f"<p>Part {n}: {words}.</p>"


def _page(body: str) -> str:
    return (
        "<html><head><title>A long read</title></head><body><header><nav><a href='/'>Home</a>"
        f"<a href='/topics'>Topics</a></nav></header>{body}<footer><p>Copyright the magazine</p></footer></body></html>"
    )


def test_no_line_of_the_text_is_only_spaces() -> None:
    code = "<pre><code>def check(host):\n    found = scan(host)\n    \n\t\n    return found\n</code></pre>"
    found = extract_mod.extract(
        _page(f"<article><h1>A long read</h1>{_paragraph(1)}{code}{_paragraph(2)}</article>"), "p"
    )
    for text in (found.text, found.markdown):
        assert "return found" in text
        assert not [line for line in text.split("\n") if line and not line.strip()]


def test_a_one_line_pre_block_is_a_fenced_block() -> None:
    one = "<pre><code>curl -sk https://gateway.example/api/v1/status | jq .version</code></pre>"
    page = _page(
        f"<article><h1>A long read</h1>{_paragraph(1)}{one}{_paragraph(2)}<p>Run <code>id</code>.</p></article>"
    )
    markdown = extract_mod.extract(page, "p").markdown
    assert "```\ncurl -sk https://gateway.example/api/v1/status | jq .version\n```" in markdown
    assert "Run `id`." in markdown  # inline code stays inline


def test_an_article_split_around_a_pull_quote_is_read_whole() -> None:
    first = "".join(_paragraph(n) for n in range(1, 11))
    second = "".join(_paragraph(n) for n in range(11, 25))
    quote = '<aside class="story__pull-quote"><p>"Nobody saw them for months."</p></aside>'
    for body in (
        f'<article><h1>A long read</h1><div class="story__body">{first}</div>{quote}'
        f'<div class="story__body">{second}</div><div class="related"><a href="/x">More</a></div></article>',
        f'<h1>A long read</h1><div class="copy">{first}</div><div class="break"><blockquote class="pullquote">'
        f'"Nobody saw them."</blockquote></div><h2>What came next</h2><div class="copy">{second}</div>',
    ):
        markdown = extract_mod.extract(_page(body), "p").markdown
        assert [n for n in range(1, 25) if f"Part {n}:" in markdown] == list(range(1, 25))
        assert "Nobody saw them" not in markdown  # the pull quote repeats the article: left out


def test_a_page_that_repeats_its_article_gives_it_once() -> None:
    article = "".join(_paragraph(n) for n in range(1, 8))
    body = (
        f'<article><h1>A long read</h1><div class="screen">{article}</div><div class="print">{article}</div></article>'
    )
    markdown = extract_mod.extract(_page(body), "p").markdown
    assert all(markdown.count(f"Part {n}:") == 1 for n in range(1, 8))
    # a short line said twice (a table's rows, a refrain) is not the page repeating itself
    table = "<table><tr><th>Product</th><th>Fixed</th></tr><tr><td>Gateway</td><td>yes</td></tr><tr><td>Router</td><td>yes</td></tr></table>"
    markdown = extract_mod.extract(
        _page(f"<article><h1>A long read</h1>{article}{table}<p>Patch now.</p><p>Patch now.</p></article>"), "p"
    ).markdown
    assert markdown.count("| yes |") == 2 and markdown.count("Patch now.") == 2
