"""An article body as the reader shows it: every link numbered in the text (`[1]`) and listed at
the end, images as `[image: alt]`, and where the words of a query are (accents and case ignored).

Pure text in, text out: the TUI's article view renders the Markdown this gives, its link picker
(`L`) lists the links, and `show` can print them. Code (fenced blocks, inline spans) is left as
it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Link:
    """A link of the body: its number in the text, its text, its URL."""

    number: int
    text: str
    url: str


@dataclass(frozen=True)
class Article:
    """The Markdown to render (links numbered, images as text) and the links, by number."""

    markdown: str
    links: tuple[Link, ...]


# `[text](url "title")`; the URL may hold balanced parentheses (/wiki/Foo_(bar))
_URL = r"<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?"
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*" + _URL + r"\s*\)")
_LINKED_IMAGE = re.compile(r"\[\s*!\[([^\]\n]*)\]\([^)\n]*\)\s*\]\(\s*" + _URL + r"\s*\)")
_INLINE = re.compile(r"(?<!\\)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*" + _URL + r"\s*\)")
_REFERENCE = re.compile(r"(?<![\\\]])\[([^\[\]\n]+)\](?:\[([^\[\]\n]*)\])?(?![(:])")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*$")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_BARE = re.compile(r"(?<![\w/(<\[\"'=])(https?://[^\s<>\[\]\"'`]+[^\s<>\[\]\"'`.,;:!?)])")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HOLD = "\x00{}\x00"  # a placeholder for a piece already done (no control character survives clean())
_HELD = re.compile("\x00(\\d+)\x00")
_MARK = "\x01{}\x01"  # where a link's number goes
_MARKED = re.compile("\x01(\\d+)\x01")


def _safe(url: str) -> bool:
    return url.lower().startswith(SAFE_SCHEMES)


def _escape(text: str) -> str:
    """Text shown as is by a Markdown renderer (brackets would start a link)."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_")


class _Numbering:
    """Links met in any order (images, inline links, references, bare URLs are found in turn),
    numbered at the end in the order they appear in the text."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []  # (url, text) per mark
        self.held: list[str] = []

    def hold(self, piece: str) -> str:
        self.held.append(piece)
        return _HOLD.format(len(self.held) - 1)

    def mark(self, url: str, text: str) -> str:
        self.found.append((url, text))
        return _MARK.format(len(self.found) - 1)

    def finish(self, text: str) -> tuple[str, tuple[Link, ...]]:
        # pieces held may hold pieces held before them (a code span inside a link's text)
        while _HELD.search(text):
            text = _HELD.sub(lambda m: self.held[int(m.group(1))], text)
        links: list[Link] = []
        numbers: dict[str, int] = {}

        def number(m: re.Match[str]) -> str:
            url, label = self.found[int(m.group(1))]
            if url not in numbers:
                numbers[url] = len(links) + 1
                links.append(Link(numbers[url], " ".join(label.split()) or url, url))
            return f" \\[{numbers[url]}\\]"

        return _MARKED.sub(number, text), tuple(links)


def _image_text(alt: str) -> str:
    alt = " ".join(alt.split())
    return _escape(f"[image: {alt}]" if alt else "[image]")


def _prose(text: str, refs: dict[str, str], numbering: _Numbering) -> str:
    """Number the links of a stretch of Markdown without code."""
    hold = numbering.hold

    def linked_image(m: re.Match[str]) -> str:
        alt, url = m.group(1), m.group(2)
        image = _image_text(alt)
        return hold(image + numbering.mark(url, alt or url) if _safe(url) else image)

    def inline(m: re.Match[str]) -> str:
        label, url = m.group(1), m.group(2)
        if not _safe(url):  # javascript:, a relative path, an anchor: the text alone
            return hold(label)
        return hold(f"[{label or url}]({url})" + numbering.mark(url, label))

    def reference(m: re.Match[str]) -> str:
        label, ref = m.group(1), m.group(2)
        url = refs.get((ref or label).strip().lower())
        if url is None:
            return m.group(0)
        if not _safe(url):
            return hold(label)
        return hold(f"[{label}]({url})" + numbering.mark(url, label))

    def autolink(m: re.Match[str]) -> str:
        return hold(m.group(0) + numbering.mark(m.group(1), m.group(1)))

    def bare(m: re.Match[str]) -> str:
        return hold(m.group(1) + numbering.mark(m.group(1), m.group(1)))

    text = _LINKED_IMAGE.sub(linked_image, text)
    text = _IMAGE.sub(lambda m: hold(_image_text(m.group(1))), text)
    text = _INLINE.sub(inline, text)
    if refs:
        text = _REFERENCE.sub(reference, text)
    text = _AUTOLINK.sub(autolink, text)
    return _BARE.sub(bare, text)


def _definitions(lines: Iterable[str]) -> dict[str, str]:
    refs: dict[str, str] = {}
    for line in lines:
        m = _DEFINITION.match(line)
        if m:
            refs.setdefault(m.group(1).strip().lower(), m.group(2))
    return refs


def prepare(markdown: str) -> Article:
    """Number the links of `markdown` in order of first appearance (the same URL keeps its
    number), turn images into `[image: alt]`, drop reference definitions (their links are
    numbered where they are used). Links other than http(s) and mailto keep their text only."""
    lines = markdown.split("\n")
    numbering = _Numbering()
    fenced: list[bool] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            fenced.append(True)
        elif fence is not None:
            fenced.append(True)
            if m and m.group(1) == fence:
                fence = None
        else:
            fenced.append(False)
    refs = _definitions(line for line, code in zip(lines, fenced, strict=True) if not code)
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            text = "\n".join(prose)
            text = _CODE_SPAN.sub(lambda m: numbering.hold(m.group(0)), text)
            out.append(_prose(text, refs, numbering))
            prose.clear()

    for line, code in zip(lines, fenced, strict=True):
        if code:
            flush()
            out.append(line)
        elif not (refs and _DEFINITION.match(line)):
            prose.append(line)
    flush()
    text, links = numbering.finish("\n".join(out))
    return Article(text, links)


# --- the words of a query, found in the text shown ------------------------------------------


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def term_pattern(words: Sequence[str], phrases: Sequence[str] = ()) -> re.Pattern[str] | None:
    """A pattern over folded text (see `find_terms`) for the full-text terms of a query: a word
    matches at the start of a word (the search is by prefix: `vulnerabilit` finds
    `vulnérabilités`), a phrase as a sequence of whole words."""
    parts = []
    for word in words:
        folded = "".join(_fold_char(c) for c in word.rstrip("*"))
        if folded.strip():
            parts.append(r"(?<!\w)" + re.escape(folded))
    for phrase in phrases:
        tokens = re.findall(r"\w+", "".join(_fold_char(c) for c in phrase))
        if tokens:
            parts.append(r"(?<!\w)" + r"\W+".join(map(re.escape, tokens)) + r"(?!\w)")
    if not parts:
        return None
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


def find_terms(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where `pattern` (from `term_pattern`) matches `text`, accents and case ignored: spans of
    `text` itself."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char) if not char.isascii() or char.isupper() else char
        folded.append(piece)
        origin.extend([index] * len(piece))
    flat = "".join(folded)
    spans = []
    for m in pattern.finditer(flat):
        if m.end() > m.start():
            spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    return spans
