"""The article body as the reader shows it (core/article.py): links numbered in the text and
listed, images as `[image: alt]`, code left alone, the query's words found accents ignored; and
feed HTML keeping its images for it (issue 11, bug 4)."""

from __future__ import annotations

from veille_tui.core.article import Link, find_terms, prepare, term_pattern
from veille_tui.core.feeds.html import body_to_markdown


def test_links_are_numbered_in_order_of_appearance_and_listed() -> None:
    article = prepare(
        'Read [the advisory](https://a.example/adv "title") and <https://b.example/x>.\n'
        "Bare: https://c.example/path?q=1, then [again](https://a.example/adv)."
    )
    assert article.links == (
        Link(1, "the advisory", "https://a.example/adv"),
        Link(2, "https://b.example/x", "https://b.example/x"),
        Link(3, "https://c.example/path?q=1", "https://c.example/path?q=1"),
    )
    text = article.markdown
    assert "[the advisory](https://a.example/adv) \\[1\\]" in text
    assert "<https://b.example/x> \\[2\\]" in text
    assert "https://c.example/path?q=1 \\[3\\]," in text  # the comma is not part of the URL
    assert "[again](https://a.example/adv) \\[1\\]" in text  # the same URL keeps its number


def test_reference_links_images_and_unsafe_links() -> None:
    article = prepare(
        "See [the report][r] and [r].\n"
        "![a diagram](https://i.example/d.png) ![](https://i.example/pixel.gif)\n"
        "[![logo](https://i.example/l.png)](https://vendor.example/)\n"
        "[click](javascript:alert(1)) [relative](/posts/x)\n\n"
        '[r]: https://r.example/one "The report"\n'
    )
    assert [link.url for link in article.links] == ["https://r.example/one", "https://vendor.example/"]
    text = article.markdown
    assert "[the report](https://r.example/one) \\[1\\]" in text
    assert "\\[image: a diagram\\]" in text and "\\[image\\]" in text
    assert "\\[image: logo\\] \\[2\\]" in text
    assert "javascript" not in text and "click" in text and "relative" in text
    assert "[r]:" not in text  # the definition is gone: its link is numbered where it is used


def test_code_is_left_as_it_is() -> None:
    article = prepare("Inline `https://code.example/ [x](https://y)` here.\n\n```\nhttps://fenced.example/\n```\n")
    assert article.links == ()
    assert "`https://code.example/ [x](https://y)`" in article.markdown
    assert "```\nhttps://fenced.example/\n```" in article.markdown


def test_the_words_of_a_query_are_found_accents_and_case_ignored() -> None:
    pattern = term_pattern(["vulnerabilit", "Fortinet"], ["mise à jour"])
    assert pattern is not None
    text = "Une Vulnérabilité chez FORTINET: mise   a jour des vulnérabilités, pas dans prefortinet"
    found = [text[start:end] for start, end in find_terms(text, pattern)]
    assert found == ["Vulnérabilit", "FORTINET", "mise   a jour", "vulnérabilit"]
    assert term_pattern([], []) is None


def test_feed_html_keeps_links_and_images() -> None:
    """Issue 11, bug 4: images were dropped without a trace (and the article showed the text of
    links without their URL)."""
    md = body_to_markdown(
        '<p>See <a href="/adv">the advisory</a>. <img src="/d.png" alt="diagram">'
        ' <a href="/big"><img src="t.gif" alt="chart"></a> <img src="data:image/png;base64,AAAA" alt="pix"></p>',
        "text/html",
        "https://x.example/news/1",
    )
    assert "[the advisory](https://x.example/adv)" in md
    assert "![diagram](https://x.example/d.png)" in md
    assert "[![chart](https://x.example/news/t.gif)](https://x.example/big)" in md
    assert "![pix]()" in md and "base64" not in md
    article = prepare(md)
    assert "\\[image: diagram\\]" in article.markdown and "\\[image: chart\\] \\[2\\]" in article.markdown
    assert [link.url for link in article.links] == ["https://x.example/adv", "https://x.example/big"]
