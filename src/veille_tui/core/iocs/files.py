"""Saved pages and text files read for `iocs --from`: HTML or text, gzip-compressed or not, in
bounded memory (at most MAX_BYTES read, decompressed included), as plain text."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from veille_tui.core.iocs.extract import MAX_CHARS
from veille_tui.core.text import clean

__all__ = ["MAX_BYTES", "read_text"]

MAX_BYTES = 16 * 1024 * 1024


def read_text(path: Path) -> str:
    """The text of a saved page or text file (OSError when it cannot be read)."""
    with path.open("rb") as raw:
        head = raw.read(2)
        raw.seek(0)
        if head == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    data = unzipped.read(MAX_BYTES)
            except (OSError, EOFError, zlib.error) as exc:
                raise OSError(f"not a readable gzip file: {exc}") from None
        else:
            data = raw.read(MAX_BYTES)
    text = data.decode("utf-8", errors="replace")
    if _is_html(text):
        text = _html_text(text)
    return clean(text[:MAX_CHARS])  # escapes and bidi controls out: they would glue onto an indicator


def _is_html(text: str) -> bool:
    start = text[:2048].lstrip().lower()
    return start.startswith(("<!doctype html", "<html", "<head", "<body", "<meta")) or "<html" in start


def _html_text(text: str) -> str:
    import lxml.html  # here: a text file needs none of it

    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return text
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []
    for block in root.iter():
        if block.text and isinstance(block.tag, str):
            parts.append(block.text)
        if block.tail:
            parts.append(block.tail)
        if block.tag in {"br", "p", "div", "li", "tr", "td", "th", "pre", "code", "h1", "h2", "h3", "h4"}:
            parts.append("\n")
    return " ".join(parts)
