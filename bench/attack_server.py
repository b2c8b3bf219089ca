#!/usr/bin/env python3
"""A hostile feed server for tests and benchmarks: compression bombs, lying and slow responses.

Serves on 127.0.0.1 only, on a free port, in a daemon thread, for a bounded time (`lifetime`,
default 10 minutes) and a bounded number of requests; every socket has a timeout. The bombs are
built once per process in bounded memory (1 MiB of zeros at a time) and kept in memory (~1 MB
for the 1 GB one, ~16 KB for the 10 GB one once gzipped again).

    python bench/attack_server.py            # serve until Ctrl-C (or the lifetime), print the URLs

Paths (see ROUTES): /gzip2-1g and /gzip2-10g (`Content-Encoding: gzip, gzip`: 1 GB and 10 GB of
zeros decoded), /gzip3 (three stacked gzips), /members (a gzip stream of 3 members, a valid feed),
/deflate-raw (raw deflate, a valid feed), /br (an encoding nobody asked for), /badgzip (says
gzip, is not), /lying-length (Content-Length 100, 5 MB sent), /trickle (one byte every 50 ms),
/huge (20 MiB plain), /feed (a plain valid feed).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import socketserver
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

GiB = 1024**3
MiB = 1024**2

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Attack feed</title>'
    + b"".join(
        b"<item><title>Story %d</title><link>https://attack.example/%d</link><guid>s%d</guid>"
        b"<description>A plain story.</description></item>" % (n, n, n)
        for n in range(3)
    )
    + b"</channel></rss>"
)


@functools.cache
def zeros_member(size: int = GiB) -> bytes:
    """One gzip member of `size` zero bytes (~1 MB per GB), built 1 MiB at a time."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MiB)
    parts = [z.compress(block) for _ in range(size // MiB)]
    parts.append(z.flush())
    return b"".join(parts)


@functools.cache
def stacked_bomb(gigabytes: int) -> bytes:
    """`Content-Encoding: gzip, gzip`: a gzip of a gzip stream of `gigabytes` 1 GB members."""
    return gzip.compress(zeros_member() * gigabytes, 9)


Route = Callable[["Handler"], None]


def send(
    handler: Handler,
    body: bytes,
    encoding: str | None = None,
    length: int | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/rss+xml")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if encoding:
        handler.send_header("Content-Encoding", encoding)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up, as it should


def _trickle(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    try:
        for byte in FEED[:400]:  # at most 20 s
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        pass


ROUTES: dict[str, Route] = {
    "/feed": lambda h: send(h, FEED),
    "/gzip2-1g": lambda h: send(h, stacked_bomb(1), "gzip, gzip"),
    "/gzip2-10g": lambda h: send(h, stacked_bomb(10), "gzip, gzip"),
    "/gzip3": lambda h: send(h, gzip.compress(gzip.compress(gzip.compress(FEED))), "gzip, gzip, gzip"),
    "/members": lambda h: send(
        h, b"".join(gzip.compress(FEED[i : i + 100]) for i in (0, 100)) + gzip.compress(FEED[200:]), "gzip"
    ),
    "/deflate-raw": lambda h: send(h, zlib.compress(FEED)[2:-4], "deflate"),
    "/br": lambda h: send(h, b"\x0b\x02\x80hello\x03", "br"),
    "/badgzip": lambda h: send(h, FEED, "gzip"),
    "/lying-length": lambda h: send(h, b"<rss>" + b"x" * (5 * MiB), length=100),
    "/trickle": _trickle,
    "/huge": lambda h: send(h, b"<rss>" + b" " * (20 * MiB) + b"</rss>"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    timeout = 30  # seconds per socket operation
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        server: AttackServer = self.server  # type: ignore[assignment]
        server.count += 1
        route = server.routes.get(self.path.split("?")[0])
        if route is None or server.count > server.max_requests:
            self.send_error(404)
            return
        route(self)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class AttackServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, max_requests: int = 10_000, routes: dict[str, Route] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.count = 0
        self.max_requests = max_requests
        self.routes = ROUTES if routes is None else routes
        self.stopped = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client giving up (a reset, a broken pipe) is what the attacks are for

    def stop(self) -> None:
        self.stopped.set()
        self.shutdown()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@contextmanager
def serving(
    lifetime: float = 600.0, max_requests: int = 10_000, routes: dict[str, Route] | None = None
) -> Iterator[AttackServer]:
    """The server (ROUTES, or the routes given) running in a thread for at most `lifetime` seconds."""
    server = AttackServer(max_requests, routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    stopper = threading.Timer(lifetime, server.stop)
    stopper.daemon = True
    stopper.start()
    try:
        yield server
    finally:
        stopper.cancel()
        if not server.stopped.is_set():
            server.stop()
        server.server_close()
        thread.join(5)


def main() -> None:
    with serving() as server:
        for path in ROUTES:
            print(server.url(path))
        try:
            server.stopped.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
