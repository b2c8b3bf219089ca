"""Feed HTML → Markdown for the article view: bounded, cleaned, links made absolute and safe;
and → plain text for the search index.

Script, style and similar elements go with their content before the conversion (markdownify,
MIT); images stay as Markdown images (the article shows them as `[image: alt]`), with an http(s)
source or none; a link survives only as http(s) or mailto, relative links resolved against the
item's own link (or the feed URL).

A fetch does not make Markdown (markdownify was half a cold fetch's CPU): the parser keeps an HTML
body bounded (MAX_RAW_BODY) with its plain-text form (`html_to_search_text`, lxml: what search and
the enrich steps read), and the store makes the Markdown with `body_to_markdown` when the entry is
first shown, drafted or exported, and keeps it.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from veille_tui.core.text import clean

MAX_BODY = 200_000  # characters of Markdown kept per item
MAX_RAW_BODY = 400_000  # characters of HTML handed to the converter

HTML_TYPES = {"text/html", "application/xhtml+xml"}

_DROP_OPEN = re.compile(r"<(script|style|noscript|template|head|title)\b", re.IGNORECASE)
_CLOSE_RE: dict[str, re.Pattern[str]] = {}
# a Markdown link; its URL may hold balanced parentheses: javascript:alert(1), /wiki/Foo_(bar)
_MD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?((?:\s+\"[^\"\n]*\")?)\s*\)")
# a link whose text is an image: [![alt](src)](url)
_MD_LINKED_IMAGE = re.compile(
    r"()\[(!\[[^\]\n]*\]\([^()\s]*\))\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?((?:\s+\"[^\"\n]*\")?)\s*\)"
)
_SAFE_LINK_SCHEMES = ("http", "https", "mailto")
# elements whose text is never content
_SCRIPTS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S)


def body_to_markdown(body: str, content_type: str, base_url: str) -> str:
    """Item body (HTML or text) → Markdown, bounded, cleaned, links made absolute and safe."""
    if not body:
        return ""
    body = body[:MAX_RAW_BODY]
    if content_type in HTML_TYPES:
        md = safe_links(html_to_markdown(_drop_elements(body)), base_url)
    else:
        md = clean(body).strip()
    if len(md) > MAX_BODY:
        md = md[: MAX_BODY - 1].rstrip() + "…"
    return md


def safe_links(md: str, base_url: str) -> str:
    """Markdown whose links and images are made absolute against base_url, and dropped (their
    text kept) unless http(s) or mailto."""
    if "](" in md:
        md = _MD_LINK.sub(lambda m: _fix_md_link(m, base_url), md)
        md = _MD_LINKED_IMAGE.sub(lambda m: _fix_md_link(m, base_url), md)
    return md


def html_to_markdown(fragment: str | None) -> str:
    """Convert feed HTML to Markdown (markdownify, MIT); plain text passes through cleaned."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return clean(fragment).strip()
    from markdownify import markdownify  # imported lazily: bs4 costs start-up time

    fragment = _SCRIPTS.sub(" ", fragment)
    try:
        md = markdownify(
            fragment,
            heading_style="ATX",
            bullets="-",
            strip=["script", "style", "iframe", "object", "embed", "form"],
        )
    except Exception:  # a pathological document: fall back to the text alone
        md = re.sub(r"<[^>]*>", " ", fragment)
        md = html.unescape(md)
    md = re.sub(r"\n{3,}", "\n\n", md)
    return clean(md).strip()


def html_to_text(fragment: str) -> str:
    """A title given as HTML (Atom type html/xhtml, an RSS title that looks like HTML) as the text
    it shows: script/style and the like dropped with their content, tags removed (a block or a
    line break leaves a space), entities decoded."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    from lxml import etree
    from lxml import html as lxml_html

    fragment = _drop_elements(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]*>", " ", fragment))
    for el in root.iterdescendants():
        if isinstance(el.tag, str) and el.tag.lower() in _BREAKS:
            el.tail = " " + (el.tail or "")
            if el.text:
                el.text = " " + el.text
    return str(root.text_content())


_BREAKS = {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


def _drop_elements(fragment: str) -> str:
    """Remove script/style/... elements with their content (linear time, no backtracking)."""
    if "<" not in fragment:
        return fragment
    out: list[str] = []
    pos = 0
    while True:
        m = _DROP_OPEN.search(fragment, pos)
        if m is None:
            out.append(fragment[pos:])
            break
        out.append(fragment[pos : m.start()])
        name = m.group(1).lower()
        close = _CLOSE_RE.get(name)
        if close is None:
            close = _CLOSE_RE[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
        c = close.search(fragment, m.end())
        if c is None:  # unclosed: drop the rest
            break
        pos = c.end()
    return "".join(out)


def _fix_md_link(m: re.Match[str], base_url: str) -> str:
    bang, text, url, title = m.groups()
    target = safe_target(url, base_url, image=bool(bang))
    if target is None:  # a link without a safe target keeps its text; an image its alt text (`[image: alt]`)
        return f"![{text}]()" if bang else text
    if target == url:
        return m.group(0)
    return f"{bang}[{text}]({target}{title})"


def safe_target(url: str, base_url: str, image: bool = False) -> str | None:
    """A link's (or an image's) target as the article keeps it: http(s) or mailto (not for an
    image) as it is, relative made absolute against base_url; None for any other."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme in _SAFE_LINK_SCHEMES and not (image and scheme == "mailto"):
        return url
    if scheme or not url or not base_url:  # javascript:, data:, file:... or nothing to join with
        return None
    if url.startswith("#"):
        return None
    try:
        absolute = urljoin(base_url, url)
    except ValueError:
        return None
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    return absolute


def html_to_search_text(fragment: str, base_url: str) -> str:
    """An item's HTML body as plain text for the search index and the enrich steps (CVE ids,
    indicators, assets, watch terms), in a small fraction of the Markdown's time: the words its
    Markdown shows (script/style and the like dropped with their content, every tag a word break,
    an image's alt text) and the targets its links and images keep (as safe_links makes them), so
    that a search finds what the article shows; bounded by MAX_BODY, cleaned."""
    if not fragment:
        return ""
    fragment = clean(fragment[:MAX_RAW_BODY])  # lxml takes no control characters
    if "<" in fragment or "&" in fragment:
        fragment = clean(_markup_text(_drop_elements(fragment), base_url))  # entities may make escapes
    return " ".join(fragment.split())[:MAX_BODY]


def _markup_text(fragment: str, base_url: str) -> str:
    from lxml import etree

    parser = etree.HTMLParser()
    try:
        doc = etree.fromstring(f"<div>{fragment}</div>", parser)
        if doc is not None and not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            return _tree_text(doc, base_url)
    except (etree.ParserError, ValueError):
        pass
    # a document lxml refuses, or nested deeper than it reads (it drops the rest): the tags cut out
    return html.unescape(_TAG.sub(lambda m: _tag_words(m.group(0), base_url), fragment))


_TAG = re.compile(r"<[^>]*>")
_ATTR = re.compile(r"""\b(href|src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _tag_words(tag: str, base_url: str) -> str:
    """A tag as the text form keeps it: a word break, and a link's or an image's safe target and
    alt text."""
    name = tag[1:5].lower()
    if not (name.startswith("a ") or name.startswith("img")):
        return " "
    attrs = {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(tag)
    }
    image = name.startswith("img")
    target = safe_target(attrs.get("src" if image else "href", "").strip(), base_url, image=image) or ""
    return f" {attrs.get('alt', '') if image else ''} {target} "


def _tree_text(doc: Any, base_url: str) -> str:
    """The text as its Markdown cuts it into words: a break around each element the Markdown
    marks (blocks, emphasis, code, links, cells...), none around the others (`<span>CVE</span>-1`
    stays one word there and here); then the links' and images' targets and the images' alt texts."""
    for el in doc.iter(*_BREAKS_WORDS):
        el.text = " " + el.text if el.text else " "
        el.tail = " " + el.tail if el.tail else " "
    words = ["".join(doc.itertext())]
    for el in doc.iter("a", "img"):
        if el.tag == "a":
            if el.get("href"):
                words.append(safe_target(el.get("href", "").strip(), base_url) or "")
        else:
            words.append(el.get("alt") or "")
            if el.get("src"):
                words.append(safe_target(el.get("src", "").strip(), base_url, image=True) or "")
    return " ".join(words)


# the elements whose Markdown (markdownify's) separates their text from what is around it
_BREAKS_WORDS = (
    *("p", "div", "section", "article", "figure", "figcaption", "caption", "blockquote", "pre", "hr", "br"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th"),
    *("b", "strong", "i", "em", "code", "kbd", "samp", "q", "s", "del", "a", "img"),
)
