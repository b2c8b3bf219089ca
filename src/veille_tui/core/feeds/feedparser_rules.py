"""feedparser's rules for one element, as the fast path reproduces them, and its date parser.

What feedparser 6 makes of an element: its name (the handler ``_start_<key>``: the namespace's
usual prefix and the local name), its text (stripped, mojibake repaired, cp1252 mapped), its
attributes (lower-cased local names), author names ("jane@example.com (Jane)" → "Jane"), link
text. The internals these rules use are read from feedparser itself, so that both paths follow
the same version. Whatever is not reproduced here raises Fallback: the whole document then goes
to feedparser. feedparser's date parser dates the items of every path (JSON Feed too).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from lxml.etree import _Element

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_NS = "http://www.w3.org/XML/1998/namespace"


class Fallback(Exception):
    """The fast path does not reproduce feedparser for this document."""


def fall_back(reason: str) -> NoReturn:
    raise Fallback(reason)


@dataclass(frozen=True)
class Feedparser:
    """The feedparser internals the fast path follows."""

    parse_date: Callable[[str], time.struct_time | None]
    namespaces: dict[str, str]  # namespace URI, lower-cased → feedparser's prefix for it
    handlers: type  # the parser class: _start_<key> / _end_<key> for each element it reads
    cp1252: dict[int, str]
    urljoin: Callable[[str, str], str]
    looks_like_html: Callable[[str], bool]  # its guess of an RSS title's type (text/plain or text/html)
    keys: dict[tuple[str, str | None], str] = field(default_factory=dict)  # (tag, prefix) → key


@functools.cache
def internals() -> Feedparser:
    import feedparser.api
    import feedparser.datetimes
    import feedparser.html
    import feedparser.mixin
    import feedparser.namespaces._base as base
    import feedparser.urls

    return Feedparser(
        parse_date=feedparser.datetimes._parse_date,
        namespaces={k.lower(): v for k, v in base.Namespace.supported_namespaces.items()},
        handlers=feedparser.api.StrictFeedParser,
        cp1252=feedparser.html._cp1252,
        urljoin=feedparser.urls._urljoin,
        looks_like_html=feedparser.mixin._FeedParserMixin.looks_like_html,
    )


def parse_date(value: str | None) -> time.struct_time | None:
    """feedparser's own date parser; None for no date or one it cannot read."""
    if not value:
        return None
    return internals().parse_date(value)


def element_key(el: _Element, fp: Feedparser) -> str:
    """feedparser's name for an element: its handler is _start_<key>."""
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction
        raise Fallback("comment")
    keys = fp.keys
    cache_key = (tag, el.prefix)
    key = keys.get(cache_key)
    if key is None:
        if tag.startswith("{"):
            ns, local = tag[1:].split("}", 1)
        else:
            ns, local = "", tag
        prefix = fp.namespaces.get(ns.lower())
        if prefix is None:
            prefix = el.prefix or ""
        key = f"{prefix}_{local.lower()}" if prefix else local.lower()
        keys[cache_key] = key
    return key


def is_handled(key: str, fp: Feedparser) -> bool:
    cls = fp.handlers
    return hasattr(cls, "_start_" + key) or hasattr(cls, "_end_" + key)


def check_inert(el: _Element, fp: Feedparser) -> None:
    """An element feedparser stores but never reads into our fields; so must its children be."""
    for sub in el.iterdescendants():
        if not isinstance(sub.tag, str) or is_handled(element_key(sub, fp), fp):
            raise Fallback("nested element")


def fix_text(text: str) -> str:
    """What feedparser does to element text (UTF-8 documents): strip, mojibake repair, cp1252."""
    text = text.strip()
    if text.isascii():
        return text
    try:
        text = text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if _C1.search(text) is None:
        return text
    return text.translate(internals().cp1252)


_C1 = re.compile("[\x80-\x9f]")


def leaf_text(el: _Element) -> str:
    if len(el):
        raise Fallback("element with children")
    return fix_text(el.text or "")


def map_type(t: str) -> str:
    t = t.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(
        t, t
    )


def attributes(el: _Element) -> dict[str, str]:
    """Attributes by lower-cased local name, as feedparser sees them."""
    out: dict[str, str] = {}
    for k, v in el.attrib.items():
        if k.startswith("{"):
            ns, local = k[1:].split("}", 1)
            if ns == _XML_NS:
                raise Fallback("xml: attribute")
            if ns == RDF_NS:
                out["rdf:" + local.lower()] = v
                continue
            out[local.lower()] = v
        else:
            out[k.lower()] = v
    return out


_EMAIL_RE = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def author_name(author: str) -> str:
    """feedparser's _sync_author_detail: "jane@example.com (Jane)" → "Jane"."""
    if not author:
        return ""
    m = _EMAIL_RE.search(author)
    if not m:
        return author
    name = author.replace(m.group(0), "").replace("()", "").replace("<>", "").replace("&lt;&gt;", "").strip()
    if name and name[0] == "(":
        name = name[1:]
    if name and name[-1] == ")":
        name = name[:-1]
    return name.strip() or author


def link_text(value: str, fp: Feedparser) -> str:
    value = fp.urljoin("", value)
    value = value.replace("&amp;", "&")
    return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)


def category_terms(el: _Element) -> list[str]:
    """A category's term attribute and its text, each when present."""
    a = attributes(el)
    out: list[str] = []
    term = a.get("term")
    if term:
        out.append(term)
    value = leaf_text(el)
    if value:
        out.append(value)
    return out
