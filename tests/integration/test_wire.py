"""core/net/wire.py, the lean HTTP/1.1 client of the fetches (issue 22), against real servers on
127.0.0.1: a scripted one that answers raw bytes (framing, keep-alive, broken answers) and the
attack server, whose every route must come out as it does through httpx (the differential test)."""

from __future__ import annotations

import asyncio
import http.server
import os
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from bench.attack_server import FEED, ROUTES, serving

from veille_tui.core import net
from veille_tui.core.feeds.http import FetchRequest, FetchResult, fetch_feeds
from veille_tui.core.models import FetchSettings

SETTINGS = FetchSettings(timeout=5, parse_workers=0)

# (connection number, request number on it, the request's bytes) -> (answer bytes, close after it)
Script = Callable[[int, int, bytes], tuple[bytes, bool]]


@dataclass
class Raw:
    port: int
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def raw_server(script: Script) -> Iterator[Raw]:
    """A TCP server on 127.0.0.1 that reads each request's head and sends what `script` says."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    raw = Raw(listener.getsockname()[1])
    stop = threading.Event()
    lock = threading.Lock()

    def serve(conn: socket.socket, number: int) -> None:
        conn.settimeout(10)
        buffer = b""
        index = 0
        with conn:
            while not stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                with lock:
                    raw.requests.append(head)
                answer, close = script(number, index, head)
                index += 1
                try:
                    conn.sendall(answer)
                except OSError:
                    return
                if close:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with lock:
                raw.connections += 1
                number = raw.connections
            threading.Thread(target=serve, args=(conn, number), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield raw
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def answer(status: str, headers: list[str], body: bytes = b"") -> bytes:
    return (f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + body


def feed_answer(extra: list[str] | None = None) -> bytes:
    return answer("200 OK", [f"Content-Length: {len(FEED)}", 'ETag: "v1"', *(extra or [])], FEED)


def fetch(urls: list[str], settings: FetchSettings = SETTINGS, etag: str | None = None) -> list[FetchResult]:
    return fetch_feeds([FetchRequest(u, etag=etag) for u in urls], settings)


def test_conditional_gets_reuse_their_connections() -> None:
    def script(_conn: int, _index: int, head: bytes) -> tuple[bytes, bool]:
        if b'If-None-Match: "v1"' in head:
            return answer("304 Not Modified", ['ETag: "v1"']), False
        return feed_answer(), False

    with raw_server(script) as srv:
        results = fetch([srv.url(f"/f{i}.xml") for i in range(30)], FetchSettings(timeout=5, per_host=2), etag='"v1"')
        assert [r.status for r in results] == ["unchanged"] * 30
        assert [r.etag for r in results] == ['"v1"'] * 30
        assert srv.connections <= 2  # kept alive, not one connection a request
        first = srv.requests[0].decode()
        assert first.startswith("GET /f") and "\r\nHost: 127.0.0.1:" in first
        assert "Accept-Encoding: gzip, deflate" in first and "User-Agent: veille-tui" in first


def test_chunked_body_with_extensions_and_trailers() -> None:
    pieces = [FEED[:100], FEED[100:]]
    body = b"".join(f"{len(p):x};ext=1\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\nX-Trailer: 1\r\n\r\n"

    with raw_server(lambda *_: (answer("200 OK", ["Transfer-Encoding: chunked"], body), False)) as srv:
        one, two = fetch([srv.url("/a"), srv.url("/b")], FetchSettings(timeout=5, per_host=1))
        assert one.status == two.status == "ok" and len(one.items) == 3 and one.bytes == len(FEED)
        assert srv.connections == 1  # the chunked body read whole: the connection is kept


def test_a_body_that_ends_with_the_connection_and_an_informational_answer() -> None:
    def script(_conn: int, _index: int, _head: bytes) -> tuple[bytes, bool]:
        return answer("100 Continue", []) + b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n" + FEED, True

    with raw_server(script) as srv:
        (res,) = fetch([srv.url("/old")])
        assert res.status == "ok" and len(res.items) == 3


def test_a_kept_connection_the_server_closed_is_replaced() -> None:
    # the server closes each connection after its answer without saying so (no Connection: close)
    with raw_server(lambda *_: (feed_answer(), True)) as srv:
        results = fetch([srv.url(f"/f{i}") for i in range(6)], FetchSettings(timeout=5, per_host=1))
        assert [r.status for r in results] == ["ok"] * 6
        assert srv.connections == 6


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"SPDY/9 200 OK\r\n\r\n", "protocol error: illegal status line: bytearray(b'SPDY/9 200 OK')"),
        (answer("200 OK", ["X-Big: " + "a" * 200_000]), "protocol error: Receive buffer too long"),
        (
            answer("200 OK", ["Content-Length: 10", "Content-Length: 12"], b"x" * 12),
            "protocol error: conflicting Content-Length headers",
        ),
        (answer("200 OK", ["Content-Length: 5000"], b"<rss>"), "protocol error: peer closed connection"),
        (answer("200 OK", ["Transfer-Encoding: chunked"], b"zz\r\nabc"), "protocol error: illegal chunk header"),
        (  # h11 >= 0.16: a chunk's end is CRLF, nothing else (CVE-2025-43859)
            answer("200 OK", ["Transfer-Encoding: chunked"], b"5\r\nhelloXX\r\n0\r\n\r\n"),
            "protocol error: malformed chunk footer",
        ),
        (
            answer(
                "200 OK", ["Transfer-Encoding: chunked"], b"5\r\nhello\r\n0\r\nX-T: " + b"a" * 200_000 + b"\r\n\r\n"
            ),
            "protocol error: Receive buffer too long",
        ),
        (b"", "protocol error: Server disconnected without sending a response."),
    ],
    ids=[
        "status-line",
        "head-too-large",
        "two-lengths",
        "short-body",
        "chunk-size",
        "chunk-end",
        "trailers-too-large",
        "nothing",
    ],
)
def test_broken_answers_are_protocol_errors(raw: bytes, error: str) -> None:
    """h11's words for each (the words httpx gives: the same outcome through both clients)."""
    with raw_server(lambda *_: (raw, True)) as srv:
        (res,) = fetch([srv.url("/bad")])
        assert res.status == "error" and (res.error or "").startswith(error), res.error
        assert _outcome(srv.url("/bad"), False) == _outcome(srv.url("/bad"), True)


def test_a_stored_validator_cannot_inject_a_header() -> None:
    with raw_server(lambda *_: (feed_answer(), False)) as srv:
        (res,) = fetch([srv.url("/f")], etag='"v1"\r\nX-Injected: 1')
        assert res.status == "error" and (res.error or "").startswith("protocol error: Illegal header value")
        assert srv.requests == []


def test_a_proxy_in_the_environment_takes_every_request(monkeypatch) -> None:
    """HTTP_PROXY as httpx reads it: the request goes to the proxy in absolute form."""
    with raw_server(lambda *_: (feed_answer(), False)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        (res,) = fetch(["http://feeds.example.invalid/feed.xml"])
        assert res.status == "ok" and len(res.items) == 3
        assert proxy.requests[0].startswith(b"GET http://feeds.example.invalid/feed.xml HTTP/1.1")
        monkeypatch.setenv("NO_PROXY", "*")
        with raw_server(lambda *_: (feed_answer(), False)) as direct:
            (res,) = fetch([direct.url("/feed.xml")])
            assert res.status == "ok" and direct.requests[0].startswith(b"GET /feed.xml HTTP/1.1")
        assert len(proxy.requests) == 1


def test_user_info_in_a_url_goes_through_httpx_as_basic_auth() -> None:
    with raw_server(lambda *_: (feed_answer(), False)) as srv:
        (res,) = fetch([srv.url("/f").replace("http://", "http://me:secret@")])
        assert res.status == "ok"
        assert b"Authorization: Basic bWU6c2VjcmV0" in srv.requests[0]


def _outcome(url: str, via_httpx: bool) -> tuple[object, ...]:
    async def run() -> tuple[object, ...]:
        async with net.async_client(SETTINGS, "*/*", connections=2, via_httpx=via_httpx) as client:
            try:
                resp = await net.download(client, url, SETTINGS, etag='"nope"')
            except net.NetError as exc:
                return ("error", str(exc), exc.kind)
            headers = {k: resp.headers.get(k) for k in ("content-type", "content-encoding", "etag")}
            return (resp.status, resp.body, resp.url, resp.final_url, headers)

    return asyncio.run(run())


def test_every_attack_route_comes_out_as_through_httpx() -> None:
    """The differential test: our client and httpx, each attack server route (but the slow ones)."""
    routes = {**ROUTES, "/redirect": lambda h: _redirect(h, "/feed"), "/missing-route": ROUTES["/feed"]}
    with serving(lifetime=120, routes=routes) as srv:
        for path in [p for p in routes if p not in ("/trickle", "/gzip2-10g")] + ["/nowhere"]:
            assert _outcome(srv.url(path), False) == _outcome(srv.url(path), True), path


def _redirect(handler: Any, to: str) -> None:
    handler.send_response(301)
    handler.send_header("Location", to)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate: (its feed's URL, the cert file)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

        def get_request(self) -> tuple[socket.socket, Any]:
            sock, address = super().get_request()
            return context.wrap_socket(sock, server_side=True), address

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that refused our certificate

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/feed", str(cert)
    finally:
        server.shutdown()
        server.server_close()


def test_https_as_httpx_does_it(tls_server: tuple[str, str], monkeypatch) -> None:
    """TLS verified against certifi's bundle, or SSL_CERT_FILE when set (httpx's trust_env): the same
    outcome through both clients."""
    url, cert = tls_server
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    refused = _outcome(url, False)
    assert refused[0] == "error" and "CERTIFICATE_VERIFY_FAILED" in str(refused[1]), refused
    assert str(refused[1]).startswith("connection failed:") and refused == _outcome(url, True)
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    trusted = _outcome(url, False)
    assert trusted[0] == 200 and trusted[1] == FEED and trusted == _outcome(url, True)


def test_a_fetch_without_a_proxy_never_imports_httpx() -> None:
    """The import an unchanged fetch saves (issue 22): httpx, and with it anyio and its CLI's Rich
    (h11, which reads the answers, is imported); nor the parsers while no body came."""
    code = (
        "import sys\n"
        "from veille_tui.core.feeds.http import FetchRequest, fetch_feeds\n"
        "from veille_tui.core.models import FetchSettings\n"
        "(res,) = fetch_feeds([FetchRequest(sys.argv[1], etag='\"v1\"')], FetchSettings(timeout=5))\n"
        "loaded = sorted({'httpx', 'httpcore', 'anyio', 'veille_tui.core.feeds.pool'} & set(sys.modules))\n"
        "print(res.status, loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with raw_server(lambda *_: (answer("304 Not Modified", ['ETag: "v1"']), False)) as srv:
        out = subprocess.run([sys.executable, "-c", code, srv.url("/f")], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "unchanged []", out.stderr[-2000:]
