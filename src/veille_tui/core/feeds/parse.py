"""Feed bytes → items. RSS 0.9x/1.0/2.0, Atom, JSON Feed.

Two XML paths give the same items:

- a fast path for well-formed UTF-8 RSS 2.0, RSS 1.0 and Atom 1.0: lxml builds the tree (entities
  never resolved, no network, no DTD) and this module reads the handful of elements an item needs,
  following feedparser's rules for each of them (which element wins, whitespace, guid as link,
  feedparser's own date parser). Any element feedparser would read that this path does not
  reproduce sends the whole document to feedparser instead.
- feedparser for everything else: broken XML (its "bozo" mode keeps what it could read), DOCTYPEs
  and entities, other encodings, Atom 0.3, CDF, xhtml content, xml:base...

feedparser is only ever handed bytes in a BytesIO: given a string or bytes it would try to open
them as a URL or a local file.

tests/unit/test_feedparse.py runs both paths on fixtures and on generated feeds and asserts the
same items.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
import xml.parsers.expat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from veille_tui.core.models import Item
from veille_tui.core.text import clean, clean_line, html_to_markdown

MAX_TITLE = 500
MAX_BODY = 200_000  # characters of Markdown kept per item
MAX_RAW_BODY = 400_000  # characters of HTML handed to the converter
MAX_LINK = 2_048
MAX_GUID = 1_024
MAX_AUTHOR = 200
MAX_CATEGORIES = 50
MAX_CATEGORY = 100

_HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass
class ParsedFeed:
    title: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    parser: str = ""  # "fast" | "feedparser" | "json" (which path produced the items)


# --------------------------------------------------------------------------------------------
# Entry point


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document. Never raises: a document that is not a feed gives ``error``."""
    try:
        return _parse(data, url, content_type)
    except Exception as exc:  # a bug or a pathological document must not kill a whole fetch
        return ParsedFeed("", [], f"not a feed: {type(exc).__name__}: {_short(str(exc))}")


def _parse(data: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if not data or not data.strip():
        return ParsedFeed("", [], "not a feed: empty document")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    ctype = (content_type or "").lower()
    if head.startswith((b"{", b"[")) or ("json" in ctype and not head.startswith(b"<")):
        return _parse_json(data, url)
    try:
        raw = _fast_parse(data)
    except _Fallback:
        raw = None
    if raw is not None:
        title, entries = raw
        parser = "fast"
    else:
        result = _feedparser_parse(data)
        if isinstance(result, str):
            return ParsedFeed("", [], result)
        title, entries, bozo = result
        items = _build_items(entries, url)
        if bozo and not items:  # broken, and nothing usable came out of it
            return ParsedFeed(_clip_line(title, MAX_TITLE), [], f"not a feed: {bozo}", "feedparser")
        return ParsedFeed(_clip_line(title, MAX_TITLE), items, None, "feedparser")
    return ParsedFeed(_clip_line(title, MAX_TITLE), _build_items(entries, url), None, parser)


def _short(text: str, n: int = 200) -> str:
    text = clean_line(text)
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# The common shape both XML paths produce, and what turns it into Items


@dataclass
class RawEntry:
    guid: str | None
    link: str | None
    title: str
    date: time.struct_time | None
    summary: str | None
    summary_type: str | None
    content: str | None  # the first content element
    content_type: str | None
    author: str
    categories: list[str]


def _build_items(entries: list[RawEntry], base_url: str) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for e in entries:
        item = _build_item(e, base_url)
        if item is None:
            continue
        key = item.guid or item.link
        if key:
            if key in seen:
                continue
            seen.add(key)
        items.append(item)
    return items


def _build_item(e: RawEntry, base_url: str) -> Item | None:
    guid = clean(e.guid).strip()[:MAX_GUID] if e.guid else ""
    link = normalize_link(e.link, base_url)
    title = _clip_line(e.title, MAX_TITLE)
    if not (guid or link or title):
        return None
    date, ts = _date(e.date)
    if e.content is not None and len(e.content) >= len(e.summary or ""):
        body, btype = e.content, e.content_type or "text/html"
    else:
        body, btype = e.summary or "", e.summary_type or "text/html"
    summary = body_to_markdown(body, btype, link or base_url)
    author = _clip_line(e.author, MAX_AUTHOR)
    cats: dict[str, None] = {}
    for c in e.categories:
        c = _clip_line(c, MAX_CATEGORY)
        if c:
            cats.setdefault(c, None)
        if len(cats) >= MAX_CATEGORIES:
            break
    return Item(
        guid=guid or None,
        link=link,
        title=title,
        date=date,
        ts=ts,
        summary=summary,
        author=author,
        categories=tuple(cats),
    )


def _clip_line(text: str | None, limit: int) -> str:
    if not text:
        return ""
    # bound the work on absurd input before cleaning, then cut the cleaned line
    line = clean_line(text[: limit * 8])
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def _date(st: time.struct_time | None) -> tuple[str | None, int | None]:
    if st is None:
        return None, None
    try:
        ts = calendar.timegm(st)
        iso = datetime.fromtimestamp(ts, UTC).isoformat()
    except (OverflowError, ValueError, OSError, TypeError):
        return None, None
    return iso, ts


def normalize_link(link: str | None, base_url: str) -> str | None:
    """An absolute http(s) link, or None (relative links are resolved against the feed URL)."""
    if not link:
        return None
    link = clean(link).strip()
    if not link or len(link) > MAX_LINK:
        return None
    try:
        absolute = urljoin(base_url, link) if base_url else link
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


_DROP_OPEN = re.compile(r"<(script|style|noscript|template|head|title)\b", re.IGNORECASE)
_CLOSE_RE: dict[str, re.Pattern[str]] = {}
# a Markdown link; its URL may hold balanced parentheses: javascript:alert(1), /wiki/Foo_(bar)
_MD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?((?:\s+\"[^\"\n]*\")?)\s*\)")
_SAFE_LINK_SCHEMES = ("http", "https", "mailto")


def _drop_elements(html: str) -> str:
    """Remove script/style/... elements with their content (linear time, no backtracking)."""
    if "<" not in html:
        return html
    out: list[str] = []
    pos = 0
    while True:
        m = _DROP_OPEN.search(html, pos)
        if m is None:
            out.append(html[pos:])
            break
        out.append(html[pos : m.start()])
        name = m.group(1).lower()
        close = _CLOSE_RE.get(name)
        if close is None:
            close = _CLOSE_RE[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
        c = close.search(html, m.end())
        if c is None:  # unclosed: drop the rest
            break
        pos = c.end()
    return "".join(out)


def body_to_markdown(body: str, content_type: str, base_url: str) -> str:
    """Item body (HTML or text) → Markdown, bounded, cleaned, links made absolute and safe."""
    if not body:
        return ""
    body = body[:MAX_RAW_BODY]
    if content_type in _HTML_TYPES:
        md = html_to_markdown(_drop_elements(body))
        if "](" in md:
            md = _MD_LINK.sub(lambda m: _fix_md_link(m, base_url), md)
    else:
        md = clean(body).strip()
    if len(md) > MAX_BODY:
        md = md[: MAX_BODY - 1].rstrip() + "…"
    return md


def _fix_md_link(m: re.Match[str], base_url: str) -> str:
    bang, text, url, title = m.groups()
    if bang:  # an image that got through: keep its text only
        return text
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return text
    if scheme in _SAFE_LINK_SCHEMES:
        return m.group(0)
    if scheme or not url or not base_url:  # javascript:, data:, file:... or nothing to join with
        return text
    if url.startswith("#"):
        return text
    try:
        absolute = urljoin(base_url, url)
    except ValueError:
        return text
    if urlsplit(absolute).scheme not in ("http", "https"):
        return text
    return f"[{text}]({absolute}{title})"


# --------------------------------------------------------------------------------------------
# feedparser path


def _feedparser_parse(data: bytes) -> tuple[str, list[RawEntry], str | None] | str:
    import feedparser

    # BytesIO: feedparser reads a file-like object as the document itself. Sanitising and URI
    # resolution are done by this module for both paths (html_to_markdown, normalize_link).
    fp = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    entries: list[RawEntry] = []
    for e in fp.entries:
        content = e.get("content") or []
        first = content[0] if content else None
        detail = e.get("author_detail") or {}
        entries.append(
            RawEntry(
                guid=e.get("id"),
                link=e.get("link"),
                title=e.get("title") or "",
                date=dict.get(e, "published_parsed") or dict.get(e, "updated_parsed"),
                summary=e.get("summary"),
                summary_type=(e.get("summary_detail") or {}).get("type"),
                content=first.get("value") if first is not None else None,
                content_type=first.get("type") if first is not None else None,
                author=detail.get("name") or e.get("author") or "",
                categories=[t.get("term") or "" for t in e.get("tags") or []],
            )
        )
    title = fp.feed.get("title") or ""
    bozo = None
    if fp.get("bozo"):
        exc = fp.get("bozo_exception")
        bozo = _short(str(exc) or type(exc).__name__)
    if not entries:
        if bozo:
            return f"not a feed: {bozo}"
        if not fp.get("version"):
            return "not a feed: no RSS, Atom or JSON feed found"
    return title, entries, bozo


# --------------------------------------------------------------------------------------------
# Fast path: lxml, feedparser's rules for the elements it reads


class _Fallback(Exception):
    """The fast path does not reproduce feedparser for this document."""


_RSS_NS = "http://purl.org/rss/1.0/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_RSS_VERSIONS = {"2.0", "2.00", "0.92", "0.93", "0.94"}

# Elements of an entry whose feedparser handlers do not touch the fields read here.
_INERT = {"comments", "enclosure", "media_content", "media_thumbnail", "rights", "contributor"}

_fp_state: dict = {}
_lxml_state: dict = {}


def _fp():
    """feedparser internals the fast path follows: date parser, namespaces, handler names."""
    if not _fp_state:
        import feedparser.api
        import feedparser.datetimes
        import feedparser.html
        import feedparser.namespaces._base as base
        import feedparser.urls

        _fp_state["parse_date"] = feedparser.datetimes._parse_date
        _fp_state["namespaces"] = {k.lower(): v for k, v in base.Namespace.supported_namespaces.items()}
        _fp_state["cls"] = feedparser.api.StrictFeedParser
        _fp_state["cp1252"] = feedparser.html._cp1252
        _fp_state["urljoin"] = feedparser.urls._urljoin
        _fp_state["keys"] = {}
    return _fp_state


def _fast_parser():
    from lxml import etree

    parser = _lxml_state.get("parser")
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            recover=False,
            remove_comments=False,
            remove_pis=False,
            collect_ids=False,
        )
        _lxml_state["parser"] = parser
    return parser


def _fast_parse(data: bytes) -> tuple[str, list[RawEntry]] | None:
    """Title and entries, or None / _Fallback when feedparser must read this document."""
    head = data[:4096]
    low = head.lower()
    if b"<!doctype" in low or b"<!entity" in low or b"xml:base" in data:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head[:4]):
        return None  # UTF-16/32
    decl = re.match(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", head.lstrip(b"\xef\xbb\xbf"))
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
        root = etree.fromstring(data, _fast_parser())
    except etree.XMLSyntaxError:
        return None
    fp = _fp()
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
    if tag == f"{{{_RDF_NS}}}RDF":
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


def _first_text(parent, tag: str) -> str:
    el = parent.find(tag)
    if el is None or len(el):
        return ""
    return _fix(el.text or "")


def _fp_key(el, fp) -> str:
    """feedparser's name for an element: its handler is _start_<key>."""
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction
        raise _Fallback("comment")
    keys = fp["keys"]
    cache_key = (tag, el.prefix)
    key = keys.get(cache_key)
    if key is None:
        if tag.startswith("{"):
            ns, local = tag[1:].split("}", 1)
        else:
            ns, local = "", tag
        prefix = fp["namespaces"].get(ns.lower())
        if prefix is None:
            prefix = el.prefix or ""
        key = f"{prefix}_{local.lower()}" if prefix else local.lower()
        keys[cache_key] = key
    return key


def _handled(key: str, fp) -> bool:
    cls = fp["cls"]
    return hasattr(cls, "_start_" + key) or hasattr(cls, "_end_" + key)


def _check_inert(el, fp) -> None:
    """An element feedparser stores but never reads into our fields; so must its children be."""
    for sub in el.iterdescendants():
        if not isinstance(sub.tag, str) or _handled(_fp_key(sub, fp), fp):
            raise _Fallback("nested element")


def _fix(text: str) -> str:
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
    return text.translate(_fp()["cp1252"])


_C1 = re.compile("[\x80-\x9f]")


def _leaf(el) -> str:
    if len(el):
        raise _Fallback("element with children")
    return _fix(el.text or "")


def _map_type(t: str) -> str:
    t = t.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(
        t, t
    )


def _attrs(el) -> dict[str, str]:
    """Attributes by lower-cased local name, as feedparser sees them."""
    out = {}
    for k, v in el.attrib.items():
        if k.startswith("{"):
            ns, local = k[1:].split("}", 1)
            if ns == "http://www.w3.org/XML/1998/namespace":
                raise _Fallback("xml: attribute")
            if ns == _RDF_NS:
                out["rdf:" + local.lower()] = v
                continue
            out[local.lower()] = v
        else:
            out[k.lower()] = v
    return out


_EMAIL_RE = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def _author_name(author: str) -> str:
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


def _link_text(value: str, fp) -> str:
    value = fp["urljoin"]("", value)
    value = value.replace("&amp;", "&")
    return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)


def _rss_entry(item, fp) -> RawEntry:
    attrs = _attrs(item)
    if set(attrs) - {"rdf:about"}:
        raise _Fallback("item attributes")
    guid = attrs.get("rdf:about") or None
    link = None
    has_link = False
    guid_is_link = False
    title = ""
    published = updated = None
    summary = content = None
    summary_type = None
    authors: list[str] = []
    categories: list[str] = []
    seen: set[str] = set()
    for el in item:
        key = _fp_key(el, fp)
        if key in ("category", "dc_subject"):
            categories += _category(el)
            continue
        if key in seen and key in _ONCE:
            raise _Fallback("repeated " + key)
        seen.add(key)
        if key == "title":
            title = _leaf(el)
        elif key == "link":
            a = _attrs(el)
            if "href" in a or "url" in a or "rel" in a:
                raise _Fallback("link attributes")
            link = _link_text(_leaf(el), fp)
            has_link = True
        elif key == "guid":
            a = _attrs(el)
            guid_is_link = a.get("ispermalink", "true") == "true"
            value = _leaf(el)
            guid = fp["urljoin"]("", value) if guid_is_link else value
        elif key == "pubdate":
            published = _leaf(el)
        elif key == "dc_date":
            updated = _leaf(el)
        elif key == "description":
            if set(_attrs(el)):
                raise _Fallback("description attributes")
            summary, summary_type = _leaf(el), "text/html"
        elif key == "content_encoded":
            if set(_attrs(el)):
                raise _Fallback("content attributes")
            content = _leaf(el)
        elif key in ("author", "dc_creator"):
            authors.append(_leaf(el))
        elif key in _INERT or not _handled(key, fp):
            _check_inert(el, fp)
        else:
            raise _Fallback("element " + key)
    if len(authors) > 1:
        raise _Fallback("several authors")
    if guid_is_link and not has_link:
        link = guid
    if summary is None and content is not None:
        summary, summary_type = content, None
    return RawEntry(
        guid=guid,
        link=link,
        title=title,
        date=_parse_date(published, fp) or _parse_date(updated, fp),
        summary=summary,
        summary_type=summary_type,
        content=content,
        content_type="text/html" if content is not None else None,
        author=_author_name(authors[0]) if authors else "",
        categories=categories,
    )


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


def _category(el) -> list[str]:
    a = _attrs(el)
    out = []
    term = a.get("term")
    if term:
        out.append(term)
    value = _leaf(el)
    if value:
        out.append(value)
    return out


def _parse_date(value: str | None, fp) -> time.struct_time | None:
    if not value:
        return None
    return fp["parse_date"](value)


def _atom_text(el, default_type: str) -> tuple[str, str]:
    a = _attrs(el)
    if "src" in a or "mode" in a:
        raise _Fallback("src/mode")
    t = _map_type(a.get("type", default_type))
    if t not in ("text/plain", "text/html"):
        raise _Fallback("content type " + t)
    return _leaf(el), t


def _atom_entry(entry, fp) -> RawEntry:
    if set(_attrs(entry)):
        raise _Fallback("entry attributes")
    guid = None
    link = None
    has_alternate = False
    title = ""
    published = updated = None
    summary = content = None
    summary_type = content_type = None
    author = None
    categories: list[str] = []
    seen: set[str] = set()
    for el in entry:
        key = _fp_key(el, fp)
        if key == "category":
            categories += _category(el)
            continue
        if key == "link":
            a = _attrs(el)
            if len(el) or (el.text or "").strip():
                raise _Fallback("link with text")
            href = a.get("href", a.get("url"))
            if href is None:
                raise _Fallback("link without href")
            rel = a.get("rel", "alternate")
            ltype = a.get("type", "application/atom+xml" if rel == "self" else "text/html")
            if rel == "alternate" and _map_type(ltype) in _HTML_TYPES:
                link = fp["urljoin"]("", href)
                has_alternate = True
            continue
        if key in seen and key in _ONCE:
            raise _Fallback("repeated " + key)
        seen.add(key)
        if key == "title":
            title, _ = _atom_text(el, "text/plain")
        elif key == "id":
            if set(_attrs(el)):
                raise _Fallback("id attributes")
            guid = fp["urljoin"]("", _leaf(el))
        elif key == "published":
            published = _leaf(el)
        elif key == "updated":
            updated = _leaf(el)
        elif key == "summary":
            summary, summary_type = _atom_text(el, "text/plain")
        elif key == "content":
            content, content_type = _atom_text(el, "text/plain")
        elif key == "author":
            author = _atom_author(el, fp)
        elif key in _INERT or not _handled(key, fp):
            _check_inert(el, fp)
        else:
            raise _Fallback("element " + key)
    if guid is not None and not has_alternate:
        link = guid
    if summary is None and content is not None:
        summary, summary_type = content, None
    return RawEntry(
        guid=guid,
        link=link,
        title=title,
        date=_parse_date(published, fp) or _parse_date(updated, fp),
        summary=summary,
        summary_type=summary_type,
        content=content,
        content_type=content_type,
        author=author or "",
        categories=categories,
    )


def _atom_author(el, fp) -> str:
    if set(_attrs(el)) or (el.text or "").strip():
        raise _Fallback("author shape")
    name = email = ""
    for sub in el:
        key = _fp_key(sub, fp)
        if key == "name":
            name = (sub.text or "").strip() if not len(sub) else _raise("name children")
        elif key == "email":
            email = (sub.text or "").strip() if not len(sub) else _raise("email children")
        elif key == "uri":
            continue
        else:
            raise _Fallback("author child " + key)
    return name or email


def _raise(reason: str):
    raise _Fallback(reason)


# --------------------------------------------------------------------------------------------
# JSON Feed (https://jsonfeed.org/version/1.1), which feedparser does not read


def _parse_json(data: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return ParsedFeed("", [], f"not a feed: invalid JSON: {_short(str(exc))}")
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return ParsedFeed("", [], "not a feed: JSON without a JSON Feed version")
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        return ParsedFeed("", [], "not a feed: JSON Feed without items")
    fp = _fp()
    entries: list[RawEntry] = []
    for it in raw_items:
        if not isinstance(it, dict):
            continue
        guid = it.get("id")
        guid = str(guid) if isinstance(guid, (str, int, float)) and not isinstance(guid, bool) else None
        link = _str(it.get("url")) or _str(it.get("external_url"))
        html = _str(it.get("content_html"))
        text = _str(it.get("content_text"))
        summary = _str(it.get("summary"))
        if html:
            content, ctype = html, "text/html"
        elif text:
            content, ctype = text, "text/plain"
        else:
            content, ctype = None, None
        author = ""
        authors = it.get("authors")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            author = _str(authors[0].get("name"))
        elif isinstance(it.get("author"), dict):
            author = _str(it["author"].get("name"))
        tags = it.get("tags")
        cats = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        entries.append(
            RawEntry(
                guid=guid,
                link=link or None,
                title=_str(it.get("title")),
                date=_parse_date(_str(it.get("date_published")), fp) or _parse_date(_str(it.get("date_modified")), fp),
                summary=summary or None,
                summary_type="text/plain",
                content=content,
                content_type=ctype,
                author=author,
                categories=cats,
            )
        )
    return ParsedFeed(_clip_line(_str(doc.get("title")), MAX_TITLE), _build_items(entries, url), None, "json")


def _str(value) -> str:
    return value if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------------
# Used by the differential tests and the benchmark


def parse_with(data: bytes, url: str, path: str) -> ParsedFeed:
    """Parse with one path only: "fast" (None items if it declines) or "feedparser"."""
    if path == "fast":
        raw = _fast_parse(data)
        if raw is None:
            raise _Fallback("declined")
        title, entries = raw
    else:
        result = _feedparser_parse(data)
        if isinstance(result, str):
            return ParsedFeed("", [], result, "feedparser")
        title, entries, _bozo = result
    return ParsedFeed(_clip_line(title, MAX_TITLE), _build_items(entries, url), None, path)


def is_well_formed(data: bytes) -> bool:
    """Expat well-formedness (used by tests)."""
    p = xml.parsers.expat.ParserCreate()
    try:
        p.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True
