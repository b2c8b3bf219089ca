"""An article page's main text as Markdown: trafilatura (Apache-2.0) finds it and keeps
headings, lists, links, tables and code, leaving menus, ads, share bars and comments out (chosen
by measurement: bench/extract_compare.py, README "Full text"). What comes out is untrusted text:
escapes and control characters removed, links made absolute and safe, the size capped."""

from __future__ import annotations

import re

from veille_tui.core.feeds.html import safe_links
from veille_tui.core.models import FullText
from veille_tui.core.text import clean, clean_line

MAX_HTML = 3_000_000  # characters of a page handed to the extractor
MAX_MARKDOWN = 300_000  # characters of Markdown kept
MAX_TITLE = 300
MIN_WORDS = 10  # less is a menu or a stub, not an article's text

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_TRAILING_PIPE_SPACE = re.compile(r"\|[ \t]+$", re.M)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|```\w*|\*\*|__|`|^\|?\s*-{3,}.*$", re.M)


class NoText(Exception):
    """The page holds no main text that can be found."""


def extract(html: str, source: str) -> FullText:
    """The main text of a page (`source`: its URL, for links, or its file name). Raises NoText."""
    import trafilatura
    from trafilatura.utils import load_html

    html = html[:MAX_HTML]
    if not html.strip():
        raise NoText("an empty page")
    tree = load_html(html)  # parsed once, as trafilatura parses it: the title is read from it too
    if tree is None:
        raise NoText("not HTML that can be read")
    title = _title(tree)
    base = source if source.startswith(("http://", "https://")) else ""
    markdown = trafilatura.extract(
        tree,
        url=base or None,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    markdown = tidy(markdown or "", title, base)
    text = markdown_text(markdown)
    words = len(text.split())
    if words < MIN_WORDS:
        found = f" ({words} word{'s' if words > 1 else ''})" if words else ""
        raise NoText(f"no main text found in the page{found}")
    return FullText(title=title, markdown=markdown, text=text, words=words, source=source)


def _title(tree: object) -> str:
    """og:title, else the first <h1> when <title> begins with it (no site name), else <title>."""
    xpath = tree.xpath  # type: ignore[attr-defined]
    for value in xpath("//meta[@property='og:title']/@content"):
        if clean_line(value):
            return clean_line(value)[:MAX_TITLE]
    page_title = clean_line(" ".join(xpath("//title//text()")))
    headings = xpath("//h1")
    first_h1 = clean_line(headings[0].text_content()) if headings else ""
    if first_h1 and (not page_title or page_title.startswith(first_h1)):
        return first_h1[:MAX_TITLE]
    return (page_title or first_h1)[:MAX_TITLE]


def tidy(markdown: str, title: str, base_url: str) -> str:
    """Clean the extractor's Markdown: no escapes, no title repeated as its first heading,
    links made safe, table rows without trailing spaces, blank lines folded, the size capped."""
    markdown = clean(markdown).strip()
    first, _, rest = markdown.partition("\n")
    heading = _HEADING.match(first)
    if heading and title and clean_line(heading.group(1)).casefold() == title.casefold():
        markdown = rest.strip()
    markdown = safe_links(markdown, base_url)
    markdown = _TRAILING_PIPE_SPACE.sub("|", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    if len(markdown) > MAX_MARKDOWN:
        markdown = markdown[: MAX_MARKDOWN - 1].rstrip() + "…"
    return markdown


def markdown_text(markdown: str) -> str:
    """The plain text of our Markdown (what search indexes): link text kept, marks removed."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKS.sub("", text)
    text = text.replace("|", " ")
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()
