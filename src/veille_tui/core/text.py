"""Text hygiene for untrusted feed and post text.

Control characters and terminal escape sequences are removed before any text reaches
the screen; kramdown attribute lists are stripped; CVE ids are found; tags and slugs are made.
(Feed HTML is turned into Markdown in feeds/html.py.)
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

# ESC-based sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes,
# plus the 8-bit C1 forms (CSI = \x9b, OSC = \x9d). A string's body stops at the next ESC or C1
# introducer (which ends it in a terminal too): an unterminated one is looked at up to there, not
# to the end of the text, so that thousands of them cost one pass over the text, not one each.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                         # CSI
    | (?:\x1b\]|\x9d)[^\x07\x1b\x90\x98\x9b-\x9f]*(?:\x07|\x1b\\|\x9c)         # OSC, terminated
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x90\x98\x9b-\x9f]*(?:\x1b\\|\x9c)  # DCS/SOS/PM/APC strings
    | \x1b[@-Z\\-_]?                                           # other ESC sequences (or a lone ESC)
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_INLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Unicode bidi overrides and isolates can reorder what is shown.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

# A CVE id stands between two characters that are not ASCII letters or digits: `\b` would miss
# one written against CJK text ("漏洞CVE-2031-0001进行"), whose letters are word characters too.
CVE_RE = re.compile(r"(?<![A-Za-z0-9])CVE-([0-9]{4})-([0-9]{4,7})(?![A-Za-z0-9])", re.IGNORECASE)
_CVE_LOWER = re.compile(r"(?<![a-z0-9])cve-([0-9]{4})-([0-9]{4,7})(?![a-z0-9])")
# anything clean() would remove: a quick test that spares the full pass on ordinary text
_DIRTY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# kramdown inline/block attribute lists: {:target="_blank"}, {: .class}, {:#id}
_IAL = re.compile(r"\{:[^}\n]*\}")
_WS = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Remove escape sequences and control characters, keep tabs and newlines."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _DIRTY.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return _BIDI.sub("", text)


def clean_line(text: str | None) -> str:
    """A single display line: cleaned, entities decoded, whitespace folded (titles, names)."""
    if not text:
        return ""
    if text.isprintable() and "&" not in text and "  " not in text:
        return text.strip()  # nothing to decode, remove or fold (spaces are the only blanks printable)
    text = html.unescape(text)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS_INLINE.sub(" ", text)
    text = _BIDI.sub("", text)
    return _WS.sub(" ", text).strip()


def shorten(text: str, limit: int = 200) -> str:
    """A single display line of at most ``limit`` characters, an ellipsis marking the cut (messages)."""
    text = clean_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def strip_attribute_lists(markdown: str) -> str:
    """Drop kramdown attribute lists such as ``{:target="_blank"}``."""
    return _IAL.sub("", markdown)


def find_cves(text: str) -> list[str]:
    """Distinct CVE ids in order of first appearance, upper-cased."""
    lowered = (text or "").lower()
    if "cve-" not in lowered:
        return []
    seen: dict[str, None] = {}
    for m in _CVE_LOWER.finditer(lowered):
        seen.setdefault(f"CVE-{m.group(1)}-{m.group(2)}", None)
    return list(seen)


# what a reader does not read as text: a Markdown link's or image's target (balanced parentheses
# allowed), a URL written out (autolinks, reference definitions, bare links)
_MD_TARGET = re.compile(r"\]\(\s*<?(?:[^()\s<>]|\([^()\s]*\))*>?(?:\s+\"[^\"\n]*\")?\s*\)")
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>()\[\]]*", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+")  # a word as SQLite's unicode61 tokenizer cuts them


def readable(markdown: str) -> str:
    """Markdown without what the reader does not read as words: link targets and URLs."""
    if "://" not in markdown and "](" not in markdown and "www." not in markdown.lower():
        return markdown
    return _URL.sub(" ", _MD_TARGET.sub("] ", markdown))


@functools.lru_cache(maxsize=256)
def _watch_pattern(term: str) -> re.Pattern[str] | None:
    prefix = term.endswith("*")
    tokens = _TOKEN.findall(fold(term.rstrip("*")))
    if not tokens:
        return None
    end = "" if prefix else r"(?![^\W_])"
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, tokens)) + end)


def read_texts(title: str, body: str, full_text: str | None = None) -> tuple[tuple[str, str], ...]:
    """What the reader reads of an entry, folded, by place: "title", "text" (the body, link targets
    and URLs left out), "full text" (the article page's, when stored)."""
    texts = (("title", title), ("text", readable(body or "")), ("full text", readable(full_text or "")))
    return tuple((place, fold(text)) for place, text in texts if text)


def watch_places(term: str, texts: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Where a watch term is in `read_texts`: whole words, accents and case ignored, as the
    full-text search matches a phrase (a trailing `*`: a prefix)."""
    pattern = _watch_pattern(term)
    if pattern is None:
        return ()
    return tuple(place for place, text in texts if pattern.search(text))


class _FoldTable(dict[int, str]):
    """Each character's folded form, worked out once (str.translate reads it)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Accent- and case-insensitive form, for matching watch-list words and names."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


_TAG_JUNK = re.compile(r"[^\w.-]+")
_PLAIN_TAG = re.compile(r"[a-z0-9_.-]+")


def normalize_tag(text: str | None) -> str:
    """A tag as stored and queried: lower case, spaces as hyphens, only letters, digits, '-',
    '_' and '.' (so that `+tag` finds it and it is safe in YAML). May return ''."""
    if text and _PLAIN_TAG.fullmatch(text):
        return text.strip("-.")  # `veille-cyber`: as it is
    tag = re.sub(r"\s+", "-", clean_line(text).lower())
    return _TAG_JUNK.sub("", tag).strip("-.")


def slugify(text: str, max_length: int = 80) -> str:
    """A safe file-name slug, as the archive makes them: lowercase ASCII letters, digits and
    hyphens; spaces become hyphens, other characters go ("U.S." -> "us", "9.8" -> "98",
    "Microsoft's" -> "microsofts", accents folded)."""
    ascii_text = fold(clean_line(text)).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"[^a-z0-9\s-]+", "", ascii_text)
    slug = re.sub(r"[\s-]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "untitled"
