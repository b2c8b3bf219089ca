"""Indicators found in a text: iocsearcher (MIT) finds them, over the parts of the text where a
cheap first pass saw something that could be one; our filters (filters.py) keep the indicators.

Bounded: the text is capped (MAX_CHARS) before anything looks at it, the library reads at most
MAX_WINDOWS characters around the candidates, a text gives at most MAX_FOUND indicators.
Hashes are found by one strict regex (the library has no SHA-512 and reads them no better).

Cheap: the library is imported (~0.3 s) only when some text has a window to read; its list of
top-level domains, which the first pass needs, is read from its data file; its e-mail and IPv6
patterns, the slowest, only read the windows that hold an at sign or two colons (no match of
theirs can be anywhere else); a text with no run of 32 hex digits is not searched for hashes."""

from __future__ import annotations

import bisect
import os
import re
import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from veille_tui.core.iocs.defang import is_defanged, normal_url
from veille_tui.core.iocs.filters import _BENIGN, _FILE_TLDS, _under, keep_domain, keep_email, keep_ip, keep_url
from veille_tui.core.text import clean

__all__ = ["HASHES", "KINDS", "MAX_CHARS", "extract", "extract_many"]

KINDS = ("ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512")
HASHES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
MAX_CHARS = 1_000_000  # of a text, looked at
MAX_WINDOWS = 50_000  # of a text, read by the library
MAX_FOUND = 2_000  # indicators of one text
_CONTEXT = 40  # characters before a candidate (a version number's words)

_HEX_RUN = re.compile(r"[0-9A-Fa-f]{32,}")
# whether a text has 32 hex digits in a row, at the speed of bytes.translate (the regex above is
# 5x slower on prose, whose every a-f letter starts a match): non-ASCII characters are one `?` each
_HEX_BYTES = bytes(0x31 if chr(i) in "0123456789abcdefABCDEF" else 0x30 for i in range(256))
_HEX_32 = b"1" * 32
# a text that writes indicators plainly says so nearby (or defangs them, or lists hashes): a plain
# `12.7.0.1` or `asp.net` elsewhere in prose is a version or a product, not an indicator
_SAYS = (
    "ioc", "indicators", "indicateurs", "indicateur de compromission", "c2", "c&c", "command-and-control",
    "command and control", "commande et contr", "beacon", "blocklist", "block these", "sender", "expéditeur",
)  # fmt: skip
_MARKERS = ("[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}", "[at]", "(at)", "[@]", "hxxp", "[:]")
_ANY_MARKER = re.compile("|".join(map(re.escape, _MARKERS)))  # one pass for "any of them is there"
# the words of _SAYS by a piece they share: a text without the piece has none of them
_SAYS_BY = [
    (piece, tuple(word for word in _SAYS if piece in word))
    for piece in ("indica", "command", "block", "ioc", "c2", "c&c", "beacon", "sender", "expéditeur")
]  # fmt: skip
_REACH = 3000  # characters after such a word (or around a hash) where plain indicators are read

# where an indicator other than a hash could be: a dot before a letter or digit (hosts, addresses,
# URLs, e-mail), two colons (IPv6), a defang marker; each widened to its token
_DOT_HIT = re.compile(r"\.(?=[A-Za-z0-9])")
_COLONS_HIT = re.compile(r":[0-9A-Fa-f]{0,4}:")
_MARKER_HIT = re.compile(r"[\[({](?:\.|dot|at|@|DOT|AT)[\])}]|[hH][xX][xX][pP]")
_HOST = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}")
_BLANK = re.compile(r"\s")
# forms the library does not read, rewritten as ones it does (still defanged)
_FORMS = (
    (re.compile(r"\{\.\}|\{dot\}|\(dot\)|\[ \. \]", re.IGNORECASE), "[.]"),
    (re.compile(r"\b(?:h(?:tt|xx|XX)p)(s?)(?:\[:\]//|\[://\]|\[:/\]/|:\[//\])", re.IGNORECASE), r"hxxp\1://"),
    (re.compile(r"(?<=://)\[(\d{1,3}\.\d{1,3}\.\d{1,3})\.(\d{1,3})\]"), r"\1[.]\2"),
    (re.compile(r" ?\[(?:at|@)\] ?", re.IGNORECASE), "[at]"),
    (re.compile(r"\[\.\]([A-Za-z]{2,24})\b"), lambda m: "[.]" + m.group(1).lower()),
)
_TYPES = {"ip4": "ipv4", "ip6": "ipv6", "fqdn": "domain", "url": "url", "email": "email"}
_TARGETS = set(_TYPES)
# what every match of the library's e-mail pattern (case-insensitive) and IPv6 pattern holds:
# these two patterns read only the windows that hold it. Neither pattern has a boundary or a
# lookbehind, nor matches a line break, so a window read alone gives the matches it gives joined.
_HOLDS = {
    "email": re.compile(r"@|[\(\[]at[\)\]]", re.IGNORECASE),
    "ip6": re.compile(r":[0-9A-Fa-f]{0,4}:"),
}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _searcher() -> Any:
    from iocsearcher.searcher import Searcher  # ~0.3 s: only when a text has a candidate

    with _lock:
        return Searcher()


@lru_cache(maxsize=1)
def _tlds() -> frozenset[str]:
    """The library's top-level domains, read from its data file as its Searcher reads them
    (Searcher.read_tlds), without importing it; from a Searcher if the file is not where it was."""
    from importlib.util import find_spec  # importlib.resources costs more to import than the file to read

    try:
        spec = find_spec("iocsearcher")
        folders = list(spec.submodule_search_locations or ()) if spec else []
        with open(os.path.join(folders[0], "data", "tlds-alpha-by-domain.txt"), encoding="utf-8") as file:
            text = file.read()
    except (OSError, ImportError, ValueError, IndexError):
        return frozenset(_searcher().tlds)
    return frozenset(line.strip().lower() for line in text.split("\n") if line and not line.startswith("#"))


def extract(text: str, *, own: str = "") -> dict[str, list[str]]:
    """The indicators a text names, by kind (KINDS), each refanged and normalised, sorted. own: the
    registered domain of the text's own site (its links are not indicators)."""
    return extract_many([(text, own)])[0]


def extract_many(texts: Sequence[tuple[str, str]]) -> list[dict[str, list[str]]]:
    """extract over many (text, own) at once: one pass of the library over all their candidates."""
    found: list[dict[str, set[str]]] = [{} for _ in texts]
    parts: list[str] = []
    starts: list[int] = []
    owners: list[int] = []
    plains: list[bool] = []  # whether the text may name indicators plainly
    offset = 0
    for index, (text, own) in enumerate(texts):
        text = text[:MAX_CHARS]
        if "\x1b" in text or "\x9b" in text:
            text = clean(text)  # `\x1b[31mbad[.]com` is bad.com, not 31mbad.com
        low = text.lower()
        regions = _regions(low, _hashes(text, found[index]))
        plain = bool(regions)
        windows = "\n\n".join(_windows(text, low, own, regions))
        if windows:
            windows = _forms(windows)
            plains.append(plain)
            starts.append(offset)
            owners.append(index)
            parts.append(windows)
            offset += len(windows) + 3
    if parts:
        joined = "\n\x00\n".join(parts)
        for owner, kind, value in _library(joined, starts, [texts[i][1] for i in owners], plains):
            bucket = found[owners[owner]].setdefault(kind, set())
            if len(bucket) < MAX_FOUND:
                bucket.add(value)
    return [{kind: sorted(one[kind]) for kind in KINDS if one.get(kind)} for one in found]


def _hashes(text: str, found: dict[str, set[str]]) -> list[int]:
    """The hashes of the text into found; where they are."""
    at: list[int] = []
    if len(text) < 32 or _HEX_32 not in text.encode("ascii", "replace").translate(_HEX_BYTES):
        return at
    for match in _HEX_RUN.finditer(text):
        value = match.group().lower()
        start, end = match.span()
        if len(value) not in HASHES or text[start - 1 : start].isalnum() or text[end : end + 1].isalnum():
            continue
        if len(set(value)) > 4:  # 000…0, deadbeef…: fillers
            found.setdefault(HASHES[len(value)], set()).add(value)
            at.append(start)
            if len(at) >= MAX_FOUND:
                break
    return at


def _regions(low: str, hashes: list[int]) -> list[tuple[int, int]]:
    """Where the text (lower case) may write indicators plainly: after the words that say so, around hashes."""
    spots = [max(0, i - _REACH) for i in hashes[:: max(1, len(hashes) // 100)]]
    for word in (word for piece, words in _SAYS_BY if piece in low for word in words):
        i = low.find(word)
        while i >= 0:
            spots.append(i)
            i = low.find(word, i + _REACH)
    regions: list[tuple[int, int]] = []
    for spot in sorted(spots):
        if regions and spot <= regions[-1][1]:
            regions[-1] = (regions[-1][0], spot + 2 * _REACH)
        else:
            regions.append((spot, spot + 2 * _REACH))
    return regions


def _hits(text: str, low: str, regions: list[tuple[int, int]]) -> list[int]:
    hits: list[int] = []
    for lo, hi in regions:
        hits += [m.start() for m in _DOT_HIT.finditer(text, lo, hi)]
        hits += [m.start() for m in _COLONS_HIT.finditer(text, lo, hi)]
    if _ANY_MARKER.search(low):
        hits += [m.start() for m in _MARKER_HIT.finditer(text)]
    return sorted(hits)


def _windows(text: str, low: str, own: str, regions: list[tuple[int, int]]) -> Iterator[str]:
    """The parts of the text around the candidates that survive the cheap checks, merged: each
    candidate's token (between blanks) and the few words before it."""
    start = end = -1
    total = 0
    for hit in _hits(text, low, regions):
        if hit < end:
            continue  # in a token already taken
        lo = text.rfind(" ", max(0, hit - 2000), hit) + 1
        lo = max(lo, text.rfind("\n", max(0, hit - 2000), hit) + 1)
        blank = _BLANK.search(text, hit, hit + 2000)
        hi = blank.start() if blank else min(len(text), hit + 2000)
        if text[hi - 1 : hi] in {"]", ")", "}"}:  # `a [at] b[.]com`: the next token too
            blank = _BLANK.search(text, hi + 1, hi + 2000)
            hi = blank.start() if blank else min(len(text), hi + 2000)
        token = text[lo:hi]
        if not _worth(token, own):
            continue
        if token[:1].isdigit() and not any(marker in token for marker in "[({"):
            lo = max(0, lo - _CONTEXT)  # a plain address: the words before it (a version's?)
        if lo <= end:
            end = max(end, hi)
            if total + end - start < MAX_WINDOWS:
                continue
            yield text[start:end]
            return
        if end > start:
            total += end - start
            yield text[start:end]
        if total >= MAX_WINDOWS:
            return
        start, end = lo, hi
    if end > start:
        yield text[start:end]


def _worth(token: str, own: str) -> bool:
    """Whether a token could hold an indicator: a defang marker, digits (an address), a host
    name that is no file name, no well-known site and not the text's own."""
    if any(c in token for c in "[({:@") or "xxp" in token.lower() or token[:1].isdigit():
        return True
    for found in _HOST.finditer(token):
        host = found.group().lower()
        tld = host.rpartition(".")[2]
        if tld not in _tlds() or tld in _FILE_TLDS:
            continue
        if not (own and (host == own or host.endswith("." + own))) and not _under(host, _BENIGN):
            return True
    return False


def _library(windows: str, starts: list[int], owns: list[str], plains: list[bool]) -> Iterator[tuple[int, str, str]]:
    """(which text, kind, value) of what the library finds in the texts' windows, joined (at starts)."""
    # the forms are rewritten per part: the offsets of the parts must hold
    kept: list[tuple[int, str, str, bool]] = []
    for name, raw, start, value in _matches(windows, starts):
        kind = _TYPES[name]
        owner = bisect.bisect_right(starts, start) - 1
        own = owns[owner]
        after = windows[start + len(raw) : start + len(raw) + 2]
        defanged = is_defanged(raw)
        if kind in {"ipv4", "ipv6"}:
            before = windows[max(0, start - 80) : start]
            if not (after[:1] == "." and after[1:].isdigit()) and keep_ip(value, defanged=defanged, before=before):
                kept.append((owner, kind, value.lower(), defanged))
        elif kind == "domain":
            host = value.lower().rstrip(".")
            encoded = "%" in windows[max(0, start - 3) : start]
            shouting = not defanged and raw != raw.lower()  # `ASP.NET`, `Node.JS`: names, not hosts
            if not (encoded or shouting) and after[:1] != "@" and keep_domain(host, defanged=defanged, own=own):
                kept.append((owner, kind, host, defanged))
        elif kind == "email":
            address = value.lower()
            if keep_email(address, own=own):
                kept.append((owner, kind, address, defanged))
        elif "://" in value:
            url = normal_url(value)
            if keep_url(url, defanged=defanged, own=own):
                kept.append((owner, kind, url, defanged))
    # an author who defangs an address or a domain defangs them all: the plain ones are not indicators
    careful = {(owner, kind) for owner, kind, _, defanged in kept if defanged and kind in {"ipv4", "domain"}}
    for owner, kind, value, defanged in kept:
        if defanged or ((owner, kind) not in careful and plains[owner]):
            yield owner, kind, value


def _matches(windows: str, starts: list[int]) -> Iterator[tuple[str, str, int, str]]:
    """(name, raw, start, value) of the library's matches in the joined windows, in its order
    (target by target, then by place): the patterns of _HOLDS over the parts that hold what they
    need, each alone (its matches moved to where the part starts), the others over the whole."""
    searcher = _searcher()
    ends = [*(start - 3 for start in starts[1:]), len(windows)]  # the parts are joined by "\n\x00\n"
    for name in _TARGETS:  # the set the library was given before: its order
        holds = _HOLDS.get(name)
        if holds is None:
            places = [(0, windows)]
        else:
            bounds = zip(starts, ends, strict=True)
            places = [(lo, windows[lo:hi]) for lo, hi in bounds if holds.search(windows, lo, hi)]
        for offset, part in places:
            for match in searcher.search_matches(part, (name,)):
                yield name, match.raw_value, offset + match.start_offset, match.value


def _forms(windows: str) -> str:
    for pattern, repl in _FORMS:
        windows = pattern.sub(repl, windows)
    return windows
