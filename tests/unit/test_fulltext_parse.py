"""The extraction's cheap paths give what the plain ones gave: the page parsed with lxml's C class
lookup is the tree trafilatura's load_html makes (same repairs, same fallbacks), and the split
body joined after an XPath look is the tree the full walk over every element gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from veille_tui.core.fulltext import extract as extract_mod
from veille_tui.core.fulltext.page import decode, read_file

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

ODD = {
    "declared": '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>déjà vu</p></body></html>',
    "fragment": "<p>one paragraph alone</p>",
    "text": "just words, no markup at all",
    "doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">\n<html><body><p>a</p></body></html>',
    "self-closing": "<html/>\n<body><p>a</p><p>b</p></body>",
    "form": "<html><body><form><input name=q value=1><select><option>a</select>"
    "<textarea>t</textarea><label>l</label></form><!-- c --><p>x &amp; y</p></body></html>",
    "control": "<html><body><p>a\x0bb\x00c</p></body></html>",
    "empty": "<html></html>",
}


def pages() -> dict[str, str]:
    found = {name: text for name, text in ODD.items()}
    for path in sorted(PAGES.glob("*.html*")):
        found[path.name] = decode(read_file(path, 10_000_000))
    return found


def serialized(tree: etree._Element | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(pages()))
def test_the_page_is_parsed_as_trafilatura_parses_it(name: str) -> None:
    html = pages()[name]
    ours, theirs = extract_mod._parse(html), load_html(html)
    assert serialized(ours) == serialized(theirs)
    if ours is not None:
        assert all(isinstance(el, HtmlElement) for el in ours.iter() if isinstance(el.tag, str))


def reference_join(tree: HtmlElement) -> None:
    """The walk as it was: every element looked at in Python."""
    for el in list(tree.iter()):
        if (
            isinstance(el.tag, str)
            and extract_mod._PULL_QUOTE.search(el.get("class") or "")
            and el.getparent() is not None
        ):
            el.drop_tree()
    extract_mod._join_runs(tree)


SPLIT_PAGE = """<html><body><article>
<div class="body"><p>one</p><p>two</p><p>three</p></div>
<aside class="pull-quote"><p>quoted</p></aside>
<div class="body"><p>four</p><p>five</p><p>six</p>
  <section class="s"><p>a</p><p>b</p><p>c</p></section>
  <section class="s"><p>d</p><p>e</p><p>f</p></section></div>
<div class="other"><p>x</p><p>y</p><p>z</p></div>
<div class="body"><p>seven</p><p>eight</p><p>nine</p></div>
</article></body></html>"""


def test_a_split_body_is_joined_as_the_full_walk_joins_it() -> None:
    ours, reference = extract_mod._parse(SPLIT_PAGE), extract_mod._parse(SPLIT_PAGE)
    extract_mod._join_split_body(ours)
    reference_join(reference)
    assert serialized(ours) == serialized(reference)
    # and it did something: the pull quote is gone, the sections' two runs are one each
    assert b"pull-quote" not in serialized(ours)  # type: ignore[operator]
    assert len(ours.xpath("//section[@class='s']")) == 1


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested containers of a few kinds, some with enough paragraphs to be the body, some pull quotes."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 0))):
        kind = draw(st.sampled_from(["p", "p", "div", "section", "aside"]))
        if kind == "p":
            parts.append("<p>w</p>")
            continue
        cls = draw(st.sampled_from(["a", "b", "", "pullquote", "Pull_Quote"]))
        inner = "<p>w</p>" * draw(st.integers(0, 4)) + draw(trees(depth + 1))
        parts.append(f'<{kind} class="{cls}">{inner}</{kind}>' if cls else f"<{kind}>{inner}</{kind}>")
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(trees())
def test_any_tree_is_joined_as_the_full_walk_joins_it(body: str) -> None:
    html = f"<html><body><div>{body}</div></body></html>"
    ours, reference = extract_mod._parse(html), extract_mod._parse(html)
    extract_mod._join_split_body(ours)
    reference_join(reference)
    assert serialized(ours) == serialized(reference)


def test_links_are_made_absolute_as_a_browser_does() -> None:
    """A protocol-relative link takes the page's scheme, a relative one the page's folder
    (trafilatura, given the URL, gave http: and the host's root)."""
    words = "Words of the article, enough of them to be its main text here. " * 6
    html = (
        f"<html><body><article><p>{words}</p><p>See <a href='//cdn.example.net/x'>the mirror</a> and"
        f" <a href='rel/page'>the next part</a> and <a href='/root'>the index</a>.</p><p>{words}</p>"
        "</article></body></html>"
    )
    found = extract_mod.extract(html, "https://example.org/news/story.html").markdown
    assert "[the mirror](https://cdn.example.net/x)" in found
    assert "[the next part](https://example.org/news/rel/page)" in found
    assert "[the index](https://example.org/root)" in found
