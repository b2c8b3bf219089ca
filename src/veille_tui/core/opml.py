"""OPML 1.0/2.0 subscription lists in and out.

Reading uses the standard library's expat with DTDs and entity declarations refused (the
defusedxml approach, without the dependency): a billion-laughs or external-entity OPML is an
OpmlError, never an expansion. Nested outlines become tags (the folder's text), and so does the
``category`` attribute (comma-separated, each slash path split into its parts); each made a tag by
the rule of the config and `feeds add --tag` (text.normalize_tag), so that export then import is
the identity. A feed without a title is exported under its URL and comes back without a title.
"""

from __future__ import annotations

import xml.parsers.expat
from typing import NoReturn
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from veille_tui.core.errors import OpmlError
from veille_tui.core.models import Feed
from veille_tui.core.text import clean_line, normalize_tag


def _parse_xml(data: bytes, source_name: str) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = xml.parsers.expat.ParserCreate()

    def refuse_doctype(*_args: object) -> NoReturn:
        raise OpmlError(f"{source_name}: DOCTYPE declarations are not allowed in OPML")

    def refuse_entity(*_args: object) -> NoReturn:
        raise OpmlError(f"{source_name}: entity declarations are not allowed in OPML")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = lambda *a: False
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag, attrs)
    parser.EndElementHandler = lambda tag: builder.end(tag)
    parser.buffer_text = True
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise OpmlError(f"{source_name}: not valid XML: {exc}") from None
    except (LookupError, ValueError) as exc:  # an encoding Python does not know: `encoding="x"`
        raise OpmlError(f"{source_name}: not valid XML: {exc}") from None
    try:
        return builder.close()
    except Exception as exc:  # pragma: no cover - expat already rejects unbalanced documents
        raise OpmlError(f"{source_name}: not valid XML: {exc}") from None


def _tags_from_category(value: str) -> list[str]:
    tags: list[str] = []
    for part in value.split(","):
        for piece in part.split("/"):
            tag = _tag(piece)
            if tag:
                tags.append(tag)
    return tags


def _tag(text: str) -> str:
    """A folder's name or a category as a tag: a slash separates words ("CERT / Gov" -> cert-gov)."""
    return normalize_tag(" ".join(text.replace("/", " ").split()))


def parse_opml(data: bytes, source_name: str) -> tuple[list[Feed], list[str]]:
    """Feeds of an OPML document and the problems met (outlines skipped, with their name)."""
    if not data or not data.strip():
        raise OpmlError(f"{source_name}: empty file")
    root = _parse_xml(data, source_name)
    if root.tag.lower() != "opml":
        raise OpmlError(f"{source_name}: not an OPML document (root element <{clean_line(root.tag)[:40]}>)")
    body = next((c for c in root if c.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError(f"{source_name}: OPML without a <body>")
    feeds: list[Feed] = []
    problems: list[str] = []
    seen: dict[str, int] = {}

    def walk(node: ET.Element, folder_tags: tuple[str, ...]) -> None:
        for outline in node:
            if outline.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in outline.attrib.items()}
            text = clean_line(attrs.get("text") or attrs.get("title") or "")
            url = (attrs.get("xmlurl") or "").strip()
            tags = list(folder_tags)
            tags += _tags_from_category(attrs.get("category") or "")
            if not url:
                if attrs.get("type", "").lower() in ("rss", "atom"):
                    problems.append(f"outline {text or '(untitled)'!r}: no xmlUrl, skipped")
                    continue
                folder = _tag(text)
                sub = tags + ([folder] if folder else [])
                walk(outline, tuple(dict.fromkeys(sub)))
                continue
            try:
                parts = urlsplit(url)
                ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
            except ValueError:
                ok = False
            if not ok:
                problems.append(
                    f"outline {text or url!r}: xmlUrl {clean_line(url)[:200]!r} is not an http(s) URL, skipped"
                )
                continue
            title = clean_line(attrs.get("title") or attrs.get("text") or "")[:500]
            if title == url:  # how a feed without a title is exported
                title = ""
            tag_tuple = tuple(dict.fromkeys(tags))
            if url in seen:  # listed twice: merge the tags
                i = seen[url]
                old = feeds[i]
                feeds[i] = Feed(old.url, old.title or title, tuple(dict.fromkeys(old.tags + tag_tuple)))
                continue
            seen[url] = len(feeds)
            feeds.append(Feed(url=url, title=title, tags=tag_tuple))
            if len(outline):  # a feed outline with children: keep reading below it
                walk(outline, tuple(tags))

    walk(body, ())
    return feeds, problems


def write_opml(feeds: list[Feed], title: str = "veille-tui subscriptions") -> str:
    """OPML 2.0, one outline per feed, tags in the ``category`` attribute."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape_text(clean_line(title))}</title>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        name = clean_line(feed.title) or feed.url
        attrs = [
            f"text={quoteattr(name)}",
            f"title={quoteattr(name)}",
            'type="rss"',
            f"xmlUrl={quoteattr(clean_line(feed.url))}",
        ]
        if feed.tags:
            attrs.append(f"category={quoteattr(','.join(clean_line(t) for t in feed.tags))}")
        lines.append(f"    <outline {' '.join(attrs)}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
