"""Response bodies read in bounded steps, whatever `Content-Encoding` says.

httpx decodes a whole network chunk at once: with `Content-Encoding: gzip, gzip` a 1.8 KB chunk
became 1 GB in memory in one call, and that call held the event loop so that no timeout could
fire. Here the raw bytes go through our own decoders, each step producing at most `STEP` bytes:

- gzip (a stream of several members too), deflate (zlib-wrapped or raw), identity; at most
  `MAX_ENCODINGS` stacked, in the order the header gives them (the last applied is undone first);
- the size cap counts the decoded bytes (and bounds every intermediate layer), step by step;
- the event loop gets control back every few milliseconds, so the caller's timeout holds.

Only what is offered in `ACCEPT_ENCODING` is decoded; anything else is refused with its name.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence

ACCEPT_ENCODING = "gzip, deflate"
MAX_ENCODINGS = 2
MAX_MEMBERS = 1000  # gzip members in one stream (each new one copies what follows it: bounded work)
STEP = 64 * 1024  # decoded bytes per decompression call, at most
YIELD_EVERY = 0.004  # seconds of decoding before the event loop gets control back

_GZIP = ("gzip", "x-gzip")
_DEFLATE = ("deflate",)


class BodyError(Exception):
    """The body cannot be read within the rules; the message is for the user."""


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MiB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n} bytes"


def encodings(header_values: Sequence[str]) -> list[str]:
    """The codings of the Content-Encoding header(s), in the order they were applied; identity
    dropped. Raises BodyError for an unknown coding or too many of them."""
    found: list[str] = []
    for value in header_values:
        for token in value.split(","):
            token = token.strip().lower()
            if token and token != "identity":
                found.append(token)
    for token in found:
        if token not in _GZIP + _DEFLATE:
            raise BodyError(f"unsupported content encoding: {token[:40]} (asked for {ACCEPT_ENCODING})")
    if len(found) > MAX_ENCODINGS:
        raise BodyError(
            f"refused: {len(found)} stacked content encodings ({', '.join(found)[:80]}), at most {MAX_ENCODINGS}"
        )
    return found


class _Layer:
    """One zlib decoder producing at most STEP bytes per call; counts what it produced."""

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = "gzip" if coding in _GZIP else "deflate"
        self.limit = limit
        self.produced = 0
        self.members = 1
        self._first = True
        self._obj = self._new()

    def _new(self, raw_deflate: bool = False) -> zlib._Decompress:
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._obj.eof:
                rest = self._obj.unused_data + data
                data = b""
                # gzip: another member follows (RFC 1952 allows several); else trailing bytes are dropped
                if self.coding != "gzip" or not rest.lstrip(b"\x00"):
                    return
                self.members += 1
                if self.members > MAX_MEMBERS:
                    raise BodyError(f"refused: a gzip stream of more than {MAX_MEMBERS} members")
                self._obj = self._new()
                data = rest.lstrip(b"\x00")
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error as exc:
                if self.coding == "deflate" and self._first:  # some servers send raw deflate
                    self._first = False
                    self._obj = self._new(raw_deflate=True)
                    continue
                raise BodyError(f"bad content encoding: {self.coding}: {exc}") from None
            self._first = False
            data = self._obj.unconsumed_tail
            self.produced += len(out)
            if self.produced > self.limit:
                raise BodyError(f"too large: more than {size_text(self.limit)} (decoded)")
            yield out  # empty pieces too: each is a step the reader may pause after
            # done with this input when it is all consumed and zlib had no more to give
            if not data and len(out) < STEP and not (self._obj.eof and self._obj.unused_data):
                return


class Decoder:
    """Raw bytes in, decoded pieces (each at most STEP bytes, some empty: one per bounded step) out,
    through the stacked layers."""

    def __init__(self, codings: Sequence[str], max_bytes: int) -> None:
        # the last coding applied is undone first; an intermediate layer may hold up to twice the
        # cap (compressed data is smaller than what it decodes to, but not always by much)
        self.layers = [_Layer(c, max_bytes if i == 0 else 2 * max_bytes) for i, c in reversed(list(enumerate(codings)))]
        self.max_bytes = max_bytes

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            yield data
            return
        for piece in self.layers[index].feed(data):
            yield from self._through(index + 1, piece)


async def read_body(chunks: AsyncIterator[bytes], codings: Sequence[str], max_bytes: int) -> bytes:
    """The decoded body of raw `chunks` (httpx `aiter_raw()`), at most max_bytes; raises BodyError.
    Gives the event loop back every YIELD_EVERY seconds of decoding."""
    decoder = Decoder(codings, max_bytes)
    pieces: list[bytes] = []
    total = 0
    since = time.monotonic()
    async for raw in chunks:
        for piece in decoder.feed(raw):
            if piece:
                total += len(piece)
                if total > max_bytes:
                    raise BodyError(f"too large: more than {size_text(max_bytes)} (decoded)")
                pieces.append(piece)
            if time.monotonic() - since >= YIELD_EVERY:
                await asyncio.sleep(0)
                since = time.monotonic()
    return b"".join(pieces)


__all__ = ["ACCEPT_ENCODING", "MAX_ENCODINGS", "BodyError", "Decoder", "encodings", "read_body", "size_text"]
