"""An article page's bytes: from a file (gzipped or not) or an http(s) URL fetched with the feed
rules (core/net: redirects, caps, per-host limits; an automatic fetch kept out of the local
network), and their text, in the charset the headers or the page declare. core.net (httpx) is
imported by fetch only: `extract FILE` does not pay for it."""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from veille_tui.core.models import FetchSettings
from veille_tui.core.text import clean

if TYPE_CHECKING:
    from veille_tui.core import net

ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
# the first bytes of what is served as a page and is none: images, PDF, archives, executables
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"RIFF")
# the bytes that are not C0 controls of binary data (TAB, LF, FF, CR and ESC are in text)
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27) or b == 127))


class PageError(Exception):
    """The page cannot be read: `source` (its URL or file) and `reason`; the message says both."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class RawPage:
    source: str  # the URL it came from (after redirects) or the file
    body: bytes
    content_type: str | None = None


def read_file(path: Path, max_bytes: int) -> RawPage:
    """A saved page; `.gz` (or gzip bytes) decompressed, at most max_bytes once decompressed."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise PageError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = decoder.decompress(raw, max_bytes + 1)
        except zlib.error as exc:
            raise PageError(str(path), f"bad gzip data: {exc}") from None
    if len(raw) > max_bytes:
        from veille_tui.core.net import size_text

        raise PageError(str(path), f"too large: more than {size_text(max_bytes)}")
    return RawPage(str(path), raw)


def fetch(
    urls: Sequence[str], settings: FetchSettings, per_host: int = 2, reach: Sequence[net.Reach] | None = None
) -> list[RawPage | PageError]:
    """Each URL's page (or why not), in order; at most per_host downloads at once to one host.
    reach: where each URL may go (default: anywhere, the user asked for it)."""
    from veille_tui.core import net

    found = net.fetch_pages(urls, settings, accept=ACCEPT, per_host=per_host, reach=reach)
    return [
        PageError(url, str(page)) if isinstance(page, net.NetError) else RawPage(page.url, page.body, page.content_type)
        for url, page in zip(urls, found, strict=True)
    ]


def decode(page: RawPage) -> str:
    """The page as text: a BOM, else the charset of Content-Type, else the page's <meta>, else
    UTF-8 when it is, else windows-1252 (what browsers take ISO-8859-1 pages for). Escape
    sequences, control and bidi characters are removed (real pages carry a stray one); a body that
    is mostly control bytes, or an image, PDF or archive, is not a page."""
    body = page.body
    media = (page.content_type or "").split(";")[0].strip().lower()
    if media and media not in _TEXT_TYPES:
        raise PageError(page.source, f"not a web page ({media[:60]})")
    declared: str | None = None
    if page.content_type:
        found = _HEADER_CHARSET.search(page.content_type)
        declared = found.group(1) if found else None
    bom_codec = next((bom_codec for bom, bom_codec in _BOMS if body.startswith(bom)), None)
    wide = (bom_codec or _codec(declared) or "").startswith("utf-16")  # NUL bytes are its text
    if not wide and _binary(body):
        raise PageError(page.source, "not a web page (binary data)")
    return clean(_text(body, bom_codec, declared))


def _text(body: bytes, bom_codec: str | None, declared: str | None) -> str:
    if bom_codec is not None:
        return body.decode(bom_codec, errors="replace")
    if declared is None:
        found_meta = _META_CHARSET.search(body[:8192])
        declared = found_meta.group(1).decode("ascii", "replace") if found_meta else None
    name = _codec(declared)
    if name is not None:
        return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _binary(body: bytes) -> bool:
    """An image, PDF or archive by its first bytes, or more than one control byte in 16 in the
    first 4 KiB (text has tabs, line ends and a stray escape; random bytes have one in 9)."""
    head = body[:4096]
    if head.startswith(_BINARY_MAGIC):
        return True
    return len(head.translate(None, _NOT_CONTROL)) * 16 > len(head)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # ISO-8859-1 and ASCII pages are windows-1252 to a browser (the WHATWG encoding standard)
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


__all__ = ["PageError", "RawPage", "decode", "fetch", "read_file"]
