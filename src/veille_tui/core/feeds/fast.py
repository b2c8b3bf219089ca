"""The fast path: well-formed UTF-8 RSS 2.0, RSS 1.0 and Atom 1.0 read with lxml.

lxml builds the tree (entities never resolved, no network, no DTD) and this module reads the
handful of elements an item needs, following feedparser's rules for each of them
(feedparser_rules.py: which element wins, whitespace, guid as link, feedparser's own date parser).
A document this path does not reproduce gives None (before parsing: DOCTYPE, entities, xml:base,
other encodings, broken XML, another format) or raises Fallback (an element, attribute or shape
found while reading); either way feedparser reads it instead.

tests/unit/test_feedparse.py runs both paths on fixtures and on generated feeds and asserts the
same items.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from veille_tui.core.feeds.feedparser_rules import (
    RDF_NS,
    Fallback,
    Feedparser,
    attributes,
    author_name,
    category_terms,
    check_inert,
    element_key,
    fall_back,
    fix_text,
    internals,
    is_handled,
    leaf_text,
    link_text,
    map_type,
    parse_date,
)
from veille_tui.core.feeds.html import HTML_TYPES
from veille_tui.core.feeds.items import RawEntry

if TYPE_CHECKING:
    from lxml.etree import XMLParser, _Element

_RSS_NS = "http://purl.org/rss/1.0/"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_RSS_VERSIONS = {"2.0", "2.00", "0.92", "0.93", "0.94"}

# Elements of an entry whose feedparser handlers do not touch the fields read here.
_INERT = {"comments", "enclosure", "media_content", "media_thumbnail", "rights", "contributor"}

# Elements read once per entry: a second one means feedparser's choice must be reproduced.
_ONCE = {
    "title",
    "link",
    "guid",
    "pubdate",
    "dc_date",
    "description",
    "content_encoded",
    "id",
    "published",
    "updated",
    "summary",
    "content",
    "author",
    "dc_creator",
}

_ENCODING_DECL = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


@functools.cache
def _xml_parser() -> XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=False,
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


def parse_fast(data: bytes) -> tuple[str, list[RawEntry]] | None:
    """Title and entries, or None / Fallback when feedparser must read this document."""
    head = data[:4096]
    low = head.lower()
    if b"<!doctype" in low or b"<!entity" in low or b"xml:base" in data:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head[:4]):
        return None  # UTF-16/32
    decl = _ENCODING_DECL.match(head.lstrip(b"\xef\xbb\xbf"))
    if decl and decl.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        from lxml import etree
    except ImportError:  # lxml missing: feedparser reads everything
        return None

    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError:
        return None
    fp = internals()
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "rss":
        if root.get("version", "2.0") not in _RSS_VERSIONS:
            return None
        channels = [c for c in root if c.tag == "channel"]
        if len(channels) != 1 or any(c.tag == "item" for c in root):
            return None
        channel = channels[0]
        title = _first_text(channel, "title")
        items = [c for c in channel if c.tag == "item"]
        return title, [_rss_entry(i, fp) for i in items]
    if tag == f"{{{RDF_NS}}}RDF":
        channel = root.find(f"{{{_RSS_NS}}}channel")
        if channel is None or channel.find(f"{{{_RSS_NS}}}item") is not None:
            return None
        title = _first_text(channel, f"{{{_RSS_NS}}}title")
        items = [c for c in root if c.tag == f"{{{_RSS_NS}}}item"]
        return title, [_rss_entry(i, fp) for i in items]
    if tag == f"{{{_ATOM_NS}}}feed":
        t = root.find(f"{{{_ATOM_NS}}}title")
        if t is not None and t.get("type", "text").lower() in ("xhtml", "application/xhtml+xml"):
            return None
        title = _first_text(root, f"{{{_ATOM_NS}}}title")
        entries = [c for c in root if c.tag == f"{{{_ATOM_NS}}}entry"]
        return title, [_atom_entry(e, fp) for e in entries]
    return None


def _first_text(parent: _Element, tag: str) -> str:
    el = parent.find(tag)
    if el is None or len(el):
        return ""
    return fix_text(el.text or "")


# --------------------------------------------------------------------------------------------
# RSS 2.0 and RSS 1.0 items


def _rss_entry(item: _Element, fp: Feedparser) -> RawEntry:
    attrs = attributes(item)
    if set(attrs) - {"rdf:about"}:
        raise Fallback("item attributes")
    guid = attrs.get("rdf:about") or None
    link = None
    has_link = False
    guid_is_link = False
    title = ""
    title_type = None
    published = updated = None
    summary = content = None
    summary_type: str | None = None
    authors: list[str] = []
    categories: list[str] = []
    seen: set[str] = set()
    for el in item:
        key = element_key(el, fp)
        if key in ("category", "dc_subject"):
            categories += category_terms(el)
            continue
        if key in seen and key in _ONCE:
            raise Fallback("repeated " + key)
        seen.add(key)
        if key == "title":
            title = leaf_text(el)
            title_type = "text/html" if fp.looks_like_html(title) else "text/plain"
        elif key == "link":
            a = attributes(el)
            if "href" in a or "url" in a or "rel" in a:
                raise Fallback("link attributes")
            link = link_text(leaf_text(el), fp)
            has_link = True
        elif key == "guid":
            a = attributes(el)
            guid_is_link = a.get("ispermalink", "true") == "true"
            value = leaf_text(el)
            guid = fp.urljoin("", value) if guid_is_link else value
        elif key == "pubdate":
            published = leaf_text(el)
        elif key == "dc_date":
            updated = leaf_text(el)
        elif key == "description":
            if set(attributes(el)):
                raise Fallback("description attributes")
            summary, summary_type = leaf_text(el), "text/html"
        elif key == "content_encoded":
            if set(attributes(el)):
                raise Fallback("content attributes")
            content = leaf_text(el)
        elif key in ("author", "dc_creator"):
            authors.append(leaf_text(el))
        elif key in _INERT or not is_handled(key, fp):
            check_inert(el, fp)
        else:
            raise Fallback("element " + key)
    if len(authors) > 1:
        raise Fallback("several authors")
    if guid_is_link and not has_link:
        link = guid
    content_type = "text/html" if content is not None else None
    author = author_name(authors[0]) if authors else ""
    return _entry(
        guid,
        link,
        title,
        (published, updated),
        (summary, summary_type),
        (content, content_type),
        author,
        categories,
        title_type,
    )


# --------------------------------------------------------------------------------------------
# Atom 1.0 entries


def _atom_text(el: _Element, default_type: str) -> tuple[str, str]:
    a = attributes(el)
    if "src" in a or "mode" in a:
        raise Fallback("src/mode")
    t = map_type(a.get("type", default_type))
    if t not in ("text/plain", "text/html"):
        raise Fallback("content type " + t)
    return leaf_text(el), t


def _atom_entry(entry: _Element, fp: Feedparser) -> RawEntry:
    if set(attributes(entry)):
        raise Fallback("entry attributes")
    guid = None
    link = None
    has_alternate = False
    title = ""
    title_type = None
    published = updated = None
    summary = content = None
    summary_type: str | None = None
    content_type = None
    author = None
    categories: list[str] = []
    seen: set[str] = set()
    for el in entry:
        key = element_key(el, fp)
        if key == "category":
            categories += category_terms(el)
            continue
        if key == "link":
            a = attributes(el)
            if len(el) or (el.text or "").strip():
                raise Fallback("link with text")
            href = a.get("href", a.get("url"))
            if href is None:
                raise Fallback("link without href")
            rel = a.get("rel", "alternate")
            ltype = a.get("type", "application/atom+xml" if rel == "self" else "text/html")
            if rel == "alternate" and map_type(ltype) in HTML_TYPES:
                link = fp.urljoin("", href)
                has_alternate = True
            continue
        if key in seen and key in _ONCE:
            raise Fallback("repeated " + key)
        seen.add(key)
        if key == "title":
            title, title_type = _atom_text(el, "text/plain")
        elif key == "id":
            if set(attributes(el)):
                raise Fallback("id attributes")
            guid = fp.urljoin("", leaf_text(el))
        elif key == "published":
            published = leaf_text(el)
        elif key == "updated":
            updated = leaf_text(el)
        elif key == "summary":
            summary, summary_type = _atom_text(el, "text/plain")
        elif key == "content":
            content, content_type = _atom_text(el, "text/plain")
        elif key == "author":
            author = _atom_author(el, fp)
        elif key in _INERT or not is_handled(key, fp):
            check_inert(el, fp)
        else:
            raise Fallback("element " + key)
    if guid is not None and not has_alternate:
        link = guid
    return _entry(
        guid,
        link,
        title,
        (published, updated),
        (summary, summary_type),
        (content, content_type),
        author or "",
        categories,
        title_type,
    )


def _entry(
    guid: str | None,
    link: str | None,
    title: str,
    dates: tuple[str | None, str | None],
    summary: tuple[str | None, str | None],
    content: tuple[str | None, str | None],
    author: str,
    categories: list[str],
    title_type: str | None,
) -> RawEntry:
    """An RSS item or an Atom entry as feedparser gives it (the summary and the content each a text
    and its type): the date published, else the date updated; the content as the summary, of no
    type, when there is no summary."""
    published, updated = dates
    if summary[0] is None and content[0] is not None:
        summary = (content[0], None)
    return RawEntry(
        guid=guid,
        link=link,
        title=title,
        date=parse_date(published) or parse_date(updated),
        summary=summary[0],
        summary_type=summary[1],
        content=content[0],
        content_type=content[1],
        author=author,
        categories=categories,
        title_type=title_type,
    )


def _atom_author(el: _Element, fp: Feedparser) -> str:
    if set(attributes(el)) or (el.text or "").strip():
        raise Fallback("author shape")
    name = email = ""
    for sub in el:
        key = element_key(sub, fp)
        if key == "name":
            name = (sub.text or "").strip() if not len(sub) else fall_back("name children")
        elif key == "email":
            email = (sub.text or "").strip() if not len(sub) else fall_back("email children")
        elif key == "uri":
            continue
        else:
            raise Fallback("author child " + key)
    return name or email
