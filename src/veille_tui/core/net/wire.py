"""A lean HTTP/1.1 client on asyncio streams: what a fetch's many GETs (conditional ones mostly,
answered 304) cost per request, without httpx's layers (issue 22: about half of an unchanged
fetch was httpx/httpcore per request, and its import another ~0.1-0.3 s with its CLI's Rich).

Only GET, only what `client._download` reads: the status, the headers, the raw body (decoded by
decode.py) and the peer's address. Connections are kept alive and reused per (scheme, host, port);
at most `connections` at once. What it does not do itself goes through httpx, imported then, with
the settings it always had (`client.async_client`): any proxy from the environment (HTTP_PROXY,
HTTPS_PROXY, ALL_PROXY; NO_PROXY=* means none), a URL with user info, a non-ASCII host. TLS as
httpx makes it: SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle; ALPN http/1.1.

Limits as httpcore's: the status line and headers at most MAX_HEAD bytes; a connection idle for
KEEPALIVE_EXPIRY seconds is not reused. A failure is ConnectFailed (not reached: DNS, refused,
TLS) or ProtocolFailed (an answer that is not HTTP/1.1); core/net/errors.py words them as before.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    import ssl

MAX_HEAD = 100 * 1024  # the status line and headers (httpcore's h11 limit)
MAX_HEADERS = 200
READ = 64 * 1024
KEEPALIVE_EXPIRY = 5.0  # httpcore's default
_NO_BODY = (204, 304)
# what stays as is in a URL's path, query and fragment (httpx's _urlparse: sub-delims, ":/[]@",
# "?" in the query, "#" in the fragment; "%" kept); the rest is percent-encoded as UTF-8
_PATH_SAFE = "!$&'()*+,;=:/[]@%|^"
_QUERY_SAFE = _PATH_SAFE + "?"


class ConnectFailed(OSError):
    """The server could not be reached (name, refused, TLS)."""


class ProtocolFailed(Exception):
    """The server's answer is not HTTP/1.1 as we read it."""


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
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self) -> bool:
        """Still open, nothing unasked waiting to be read, not idle too long."""
        return (
            not self.writer.is_closing()
            and not self.reader.at_eof()
            and not self.reader._buffer  # type: ignore[attr-defined]  # bytes nobody asked for
            and time.monotonic() - self.idle_since < KEEPALIVE_EXPIRY
        )

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
        self.keep_alive = False
        self.is_stream_consumed = False
        self.started = False  # the body's reading began (a read cut short: the connection is closed)
        self._closed = False
        self._length: int | None = None  # None: chunked or until the connection closes
        self._chunked = False

    @property
    def peer(self) -> str | None:
        name = self._conn.writer.get_extra_info("peername")
        return str(name[0]) if isinstance(name, tuple) and name else None

    async def _read_head(self) -> None:
        reader = self._conn.reader
        while True:
            lines = await _head_lines(reader)
            version, _, rest = lines[0].partition(" ")
            code, _, reason = rest.partition(" ")
            if version not in ("HTTP/1.1", "HTTP/1.0") or len(code) != 3 or not code.isdigit():
                raise ProtocolFailed(f"invalid status line: {lines[0][:80]!r}")
            status = int(code)
            pairs = [_header(line) for line in lines[1:]]
            if 100 <= status < 200 and status != 101:  # informational: the answer follows
                continue
            break
        self.status_code, self.reason_phrase, self.headers = status, reason, Headers(pairs)
        connection = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        self.keep_alive = version == "HTTP/1.1" and "close" not in connection
        codings = [t.strip().lower() for t in self.headers.get("transfer-encoding", "").split(",") if t.strip()]
        lengths = {v.strip() for v in self.headers.get_list("content-length")}
        if status in _NO_BODY:
            self._length = 0
        elif codings:
            if codings[-1] != "chunked":
                raise ProtocolFailed("unsupported transfer encoding")
            self._chunked = True
        elif lengths:
            if len(lengths) != 1 or not next(iter(lengths)).isdigit():
                raise ProtocolFailed("invalid Content-Length")
            self._length = int(next(iter(lengths)))
        else:
            self.keep_alive = False  # the body ends when the connection closes
        if self._length == 0:
            self.is_stream_consumed = True

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as sent (Content-Encoding not undone), in pieces of at most 64 KiB."""
        if self.is_stream_consumed:
            return
        self.started = True
        reader = self._conn.reader
        if self._chunked:
            async for piece in _chunks(reader):
                yield piece
        elif self._length is not None:
            left = self._length
            while left:
                piece = await reader.read(min(left, READ))
                if not piece:
                    raise ProtocolFailed(
                        "peer closed connection without sending complete message body: "
                        f"received {self._length - left} bytes, expected {self._length}"
                    )
                left -= len(piece)
                yield piece
        else:
            while piece := await reader.read(READ):
                yield piece
        self.is_stream_consumed = True

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.is_stream_consumed and self.keep_alive:
            self._client._release(self._key, self._conn)
        else:
            self._conn.close()
            self._client._release(self._key, None)


async def _head_lines(reader: asyncio.StreamReader) -> list[str]:
    """The status line and the header lines of one answer (MAX_HEAD bytes, MAX_HEADERS lines)."""
    lines: list[bytes] = []
    size = 0
    while True:
        try:
            raw = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            if not lines and not exc.partial:
                raise ProtocolFailed("Server disconnected without sending a response.") from None
            raise ProtocolFailed("peer closed connection without sending a complete answer") from None
        except asyncio.LimitOverrunError:
            raise ProtocolFailed("answer headers too large") from None
        size += len(raw)
        if size > MAX_HEAD or len(lines) > MAX_HEADERS:
            raise ProtocolFailed("answer headers too large")
        line = raw.rstrip(b"\r\n")
        if not line:
            if not lines:  # a stray empty line before the status line
                continue
            return [_text(x) for x in lines]
        lines.append(line)


def _text(raw: bytes) -> str:
    """A header line as httpx decodes it: ASCII, else UTF-8, else Latin-1."""
    for encoding in ("ascii", "utf-8"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _header(line: str) -> tuple[str, str]:
    name, sep, value = line.partition(":")
    if not sep or not name or name != name.strip() or any(c in name for c in " \t\x00\r"):
        raise ProtocolFailed(f"invalid header line: {line[:80]!r}")
    return name, value.strip(" \t")


async def _chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            raise ProtocolFailed("incomplete chunked read") from None
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ProtocolFailed("invalid chunk size") from None
        if size < 0 or len(size_text) > 16:
            raise ProtocolFailed("invalid chunk size")
        if size == 0:
            await _head_lines_or_empty(reader)  # the trailers
            return
        while size:
            piece = await reader.read(min(size, READ))
            if not piece:
                raise ProtocolFailed("incomplete chunked read")
            size -= len(piece)
            yield piece
        try:
            if (await reader.readuntil(b"\n")).strip():
                raise ProtocolFailed("invalid chunk end")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            raise ProtocolFailed("incomplete chunked read") from None


async def _head_lines_or_empty(reader: asyncio.StreamReader) -> None:
    size = 0
    while True:
        try:
            raw = await reader.readuntil(b"\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            raise ProtocolFailed("incomplete chunked read") from None
        size += len(raw)
        if size > MAX_HEAD:
            raise ProtocolFailed("chunk trailers too large")
        if not raw.strip():
            return


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
        lines = [f"GET {path} HTTP/1.1", f"Host: {shown}"]
        for name, value in {**self.headers, **headers}.items():
            if "\r" in value or "\n" in value or "\x00" in value or value != value.strip(" \t"):
                raise ProtocolFailed(f"Illegal header value {value.encode()!r}")  # as h11 says it
            lines.append(f"{name}: {value}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")  # httpx's encoding of str headers
        key = (scheme, host, port)
        await self.slots.acquire()
        try:
            while True:
                conn, reused = await self._connection(key)
                resp = WireResponse(self, key, conn, url)
                try:
                    conn.writer.write(request)
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
                host.strip("[]"), port, ssl=tls, server_hostname=host if tls else None, limit=MAX_HEAD + 1024
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
