"""A lean HTTP/1.1 client on asyncio streams: what a fetch's many GETs (conditional ones mostly,
answered 304) cost per request, without httpx's layers (issue 22: about half of an unchanged
fetch was httpx/httpcore per request, and its import another ~0.1-0.3 s with its CLI's Rich).

The protocol is h11's (sans-IO, the parser httpcore uses under httpx): it writes the request
(and refuses a header that could inject another), reads the status line and headers, frames the
body (Content-Length, chunked, until the connection closes) and says whether the connection may
be kept. This module only moves the bytes (asyncio streams) and pools the connections.

Only GET, only what `client._download` reads: the status, the headers, the raw body (decoded by
decode.py) and the peer's address. Connections are kept alive and reused per (scheme, host, port);
at most `connections` at once. What it does not do itself goes through httpx, imported then, with
the settings it always had (`client.async_client`): any proxy from the environment (HTTP_PROXY,
HTTPS_PROXY, ALL_PROXY; NO_PROXY=* means none), a URL with user info, a non-ASCII host. TLS as
httpx makes it: SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle; ALPN http/1.1.

Limits as httpcore's: MAX_HEAD bytes for what h11 holds before it has an event (the status line
and headers, a chunk's header, the trailers); pieces of READ bytes; a connection idle for
KEEPALIVE_EXPIRY seconds is not reused. A failure is ConnectFailed (not reached: DNS, refused,
TLS) or ProtocolFailed (h11's words, as httpx gives them); core/net/errors.py words them for the user.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import h11

if TYPE_CHECKING:
    import ssl

MAX_HEAD = 100 * 1024  # the status line and headers, a chunk's header, the trailers (httpcore's)
READ = 64 * 1024
KEEPALIVE_EXPIRY = 5.0  # httpcore's default
# what stays as is in a URL's path, query and fragment (httpx's _urlparse: sub-delims, ":/[]@",
# "?" in the query, "#" in the fragment; "%" kept); the rest is percent-encoded as UTF-8
_PATH_SAFE = "!$&'()*+,;=:/[]@%|^"
_QUERY_SAFE = _PATH_SAFE + "?"


class ConnectFailed(OSError):
    """The server could not be reached (name, refused, TLS)."""


class ProtocolFailed(Exception):
    """The server's answer is not HTTP/1.1 as h11 reads it (or a request h11 refuses to write)."""


class Headers(Mapping[str, str]):
    """Response headers: case-insensitive; a repeated header's values joined by ', ' (as httpx)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs
        self._joined: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            self._joined[key] = f"{self._joined[key]}, {value}" if key in self._joined else value

    def __getitem__(self, key: str) -> str:
        return self._joined[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._joined

    def __iter__(self) -> Iterator[str]:
        return iter(self._joined)

    def __len__(self) -> int:
        return len(self._joined)

    def get_list(self, key: str) -> list[str]:
        key = key.lower()
        return [value for name, value in self._pairs if name.lower() == key]


class _Conn:
    __slots__ = ("h11", "idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.idle_since = 0.0

    def usable(self) -> bool:
        """Still open, nothing unasked waiting to be read, not idle too long."""
        return (
            self.h11.our_state is h11.IDLE
            and not self.writer.is_closing()
            and not self.reader.at_eof()
            and not self.reader._buffer  # type: ignore[attr-defined]  # bytes nobody asked for
            and not self.h11.trailing_data[0]
            and time.monotonic() - self.idle_since < KEEPALIVE_EXPIRY
        )

    async def event(self) -> Any:
        """The next h11 event of the answer, reading as it needs (as httpcore does)."""
        state = self.h11
        while True:
            try:
                event = state.next_event()
            except h11.ProtocolError as exc:
                raise ProtocolFailed(str(exc)) from None
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ)
            if not data and state.their_state is h11.SEND_RESPONSE:
                raise ProtocolFailed("Server disconnected without sending a response.")
            state.receive_data(data)

    def close(self) -> None:
        self.writer.close()


class WireResponse:
    """An answer whose body is read with aiter_raw(); aclose() gives the connection back when the
    body was read whole (keep-alive), else closes it."""

    def __init__(self, client: WireClient, key: tuple[str, str, int], conn: _Conn, url: str) -> None:
        self._client, self._key, self._conn = client, key, conn
        self.url = url
        self.status_code = 0
        self.reason_phrase = ""
        self.headers = Headers([])
        self.is_stream_consumed = False
        self.started = False  # the body's reading began (a read cut short: the connection is closed)
        self._closed = False
        self._first: bytes | None = None  # a piece of the body h11 gave with the head

    @property
    def peer(self) -> str | None:
        name = self._conn.writer.get_extra_info("peername")
        return str(name[0]) if isinstance(name, tuple) and name else None

    async def _read_head(self) -> None:
        while not isinstance(event := await self._conn.event(), h11.Response):
            if not isinstance(event, h11.InformationalResponse):  # 1xx: the answer follows
                raise ProtocolFailed(f"unexpected {type(event).__name__} before the answer")
        self.status_code = event.status_code
        self.reason_phrase = event.reason.decode("ascii", errors="ignore")  # as httpx
        self.headers = Headers([(name.decode("ascii"), _text(value)) for name, value in event.headers])
        if self._conn.h11.their_state is not h11.SEND_BODY:
            return
        # an empty body (304, 204, Content-Length: 0) or its start already read: ended or kept
        state = self._conn.h11
        try:
            found = state.next_event()
        except h11.ProtocolError as exc:
            raise ProtocolFailed(str(exc)) from None
        if isinstance(found, h11.EndOfMessage):
            self.is_stream_consumed = True
        elif isinstance(found, h11.Data):
            self._first = bytes(found.data)

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as sent (Content-Encoding not undone), in pieces of at most 64 KiB."""
        if self.is_stream_consumed:
            return
        self.started = True
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        while True:
            event = await self._conn.event()
            if not isinstance(event, h11.Data):
                break  # EndOfMessage
            yield bytes(event.data)
        self.is_stream_consumed = True

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        state = self._conn.h11
        if self.is_stream_consumed and state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()  # keep-alive: both sides said so
            self._client._release(self._key, self._conn)
        else:
            self._conn.close()
            self._client._release(self._key, None)


def _text(raw: bytes) -> str:
    """A header value as httpx decodes it: ASCII, else UTF-8, else Latin-1."""
    for encoding in ("ascii", "utf-8"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def proxies_in_env() -> bool:
    """A proxy httpx (trust_env) would use for some URL: then every request goes through httpx."""
    if sys.platform not in ("darwin", "win32") and not any(name.lower().endswith("_proxy") for name in os.environ):
        return False  # what urllib.request.getproxies() reads here, without its import (http.client, email)
    import urllib.request

    found = urllib.request.getproxies()
    if any(h.strip() == "*" for h in found.get("no", "").split(",")):
        return False
    return any(found.get(scheme) for scheme in ("http", "https", "all"))


def ssl_context() -> ssl.SSLContext:
    """As httpx's create_ssl_context(verify=True, trust_env=True), with ALPN http/1.1 (httpcore)."""
    import ssl  # here: plain http needs none of it

    if os.environ.get("SSL_CERT_FILE"):
        ctx = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    elif os.environ.get("SSL_CERT_DIR"):
        ctx = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi

        ctx = ssl.create_default_context(cafile=certifi.where())
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def target(url: str) -> tuple[str, str, int, str, str, str] | None:
    """(scheme, host, port, Host header, request target, the URL as httpx writes it) of a URL this
    client sends itself; None: one for httpx (user info, a non-ASCII host)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or not host.isascii() or not host:
        return None
    port = parts.port or (443 if scheme == "https" else 80)
    shown = f"[{host}]" if ":" in host else host
    if parts.port is not None and port != (443 if scheme == "https" else 80):
        shown = f"{shown}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE)
    query = f"?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else ""
    fragment = f"#{quote(parts.fragment, safe=_QUERY_SAFE + '#')}" if parts.fragment else ""
    shown = shown.lower()
    return scheme, host.lower(), port, shown, f"{path or '/'}{query}", f"{scheme}://{shown}{path}{query}{fragment}"


class WireClient:
    """Keep-alive connections per (scheme, host, port), at most `connections` open at once."""

    def __init__(self, headers: Mapping[str, str], connections: int, fallback: Any, everything: bool = False) -> None:
        self.headers = dict(headers)
        self.everything = everything  # every request through httpx (a proxy in the environment)
        self.slots = asyncio.Semaphore(max(1, connections))
        self.idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self.fallback = fallback  # () -> the httpx client, made when first asked
        self._ssl: ssl.SSLContext | None = None

    async def send(self, url: str, headers: Mapping[str, str]) -> Any:
        """The answer's head read (a WireResponse), or httpx's streamed response for what this
        client leaves to httpx."""
        found = None if self.everything else target(url)
        if found is None:
            client = await self.fallback()
            return await client.send(client.build_request("GET", url, headers=dict(headers)), stream=True)
        scheme, host, port, shown, path, url = found
        pairs = [("Host", shown), *{**self.headers, **headers}.items()]
        try:  # h11 checks every header (a stored validator cannot inject one)
            request = h11.Request(method="GET", target=path, headers=pairs)
        except h11.ProtocolError as exc:
            raise ProtocolFailed(str(exc)) from None
        key = (scheme, host, port)
        await self.slots.acquire()
        try:
            while True:
                conn, reused = await self._connection(key)
                resp = WireResponse(self, key, conn, url)
                try:
                    conn.writer.write(b"".join(conn.h11.send(e) or b"" for e in (request, h11.EndOfMessage())))
                    await conn.writer.drain()
                    await resp._read_head()
                except (ProtocolFailed, ConnectionError) as exc:
                    conn.close()
                    nothing = isinstance(exc, ConnectionError) or str(exc).startswith("Server disconnected")
                    if reused and nothing:  # a kept connection the server had closed: once more
                        continue
                    raise
                except BaseException:
                    conn.close()
                    raise
                return resp
        except BaseException:
            self.slots.release()
            raise

    async def _connection(self, key: tuple[str, str, int]) -> tuple[_Conn, bool]:
        idle = self.idle.get(key)
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn, True
            conn.close()
        scheme, host, port = key
        tls = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl_context()
            tls = self._ssl
        try:
            reader, writer = await asyncio.open_connection(
                host.strip("[]"), port, ssl=tls, server_hostname=host if tls else None
            )
        except OSError as exc:  # ssl.SSLError among them
            raise ConnectFailed(str(exc) or type(exc).__name__) from None
        return _Conn(reader, writer), False

    def _release(self, key: tuple[str, str, int], conn: _Conn | None) -> None:
        if conn is not None:
            conn.idle_since = time.monotonic()
            self.idle.setdefault(key, []).append(conn)
        self.slots.release()

    async def aclose(self) -> None:
        for conns in self.idle.values():
            for conn in conns:
                conn.close()
        self.idle.clear()
