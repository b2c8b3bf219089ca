"""The HTTP client and one download with our rules.

- redirects followed here (at most MAX_REDIRECTS, http(s) only, each hop checked against the
  request's Reach); `final_url` is set only when every hop was permanent (301/308), so that the
  caller can update a stored URL;
- conditional GET (If-None-Match / If-Modified-Since): an unchanged resource costs one 304;
- the body decoded in bounded steps (decode.py: stacked encodings, the size cap on the *decoded*
  bytes, the event loop given back every few ms so that the timeout holds);
- one deadline over connect and download; Retry-After read on 429/503;
- every failure is one NetError with the user's message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from veille_tui.core.models import FetchSettings
from veille_tui.core.net import decode, wire
from veille_tui.core.net.errors import NetError, failures, from_exception, status_text
from veille_tui.core.net.urls import ANYWHERE, Reach, check_url

MAX_REDIRECTS = 10

AsyncClient = wire.WireClient


@asynccontextmanager
async def async_client(
    settings: FetchSettings, accept: str, connections: int | None = None, via_httpx: bool | None = None
) -> AsyncIterator[AsyncClient]:
    """The client of a set of downloads: our User-Agent, the timeout, redirects left to `download`.
    Requests go through wire.py's keep-alive client; what it leaves to httpx (a proxy from the
    environment, user info, a non-ASCII host) through an httpx client made when first needed.
    via_httpx: every request through httpx (None: when the environment names a proxy)."""
    made: list[Any] = []

    async def httpx_client() -> Any:
        if not made:
            import httpx  # here: its import costs ~0.1 s and most fetches never need it

            limits = (
                httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
                if connections
                else httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own defaults
            )
            made.append(
                httpx.AsyncClient(
                    headers={"User-Agent": settings.user_agent, "Accept": accept},
                    timeout=httpx.Timeout(settings.timeout),
                    limits=limits,
                    follow_redirects=False,
                    trust_env=True,
                )
            )
        return made[0]

    headers = {"User-Agent": settings.user_agent, "Accept": accept, "Connection": "keep-alive"}
    everything = wire.proxies_in_env() if via_httpx is None else via_httpx
    client = wire.WireClient(headers, connections or 100, httpx_client, everything=everything)
    try:
        yield client
    finally:
        await client.aclose()
        if made:
            await made[0].aclose()


@dataclass(frozen=True)
class Response:
    """What a download got: `body` is None when the status is not 2xx (a 304, an error)."""

    url: str  # where it was found, after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes | None
    final_url: str | None = None  # set only when permanent redirects (301/308) moved it
    reason_phrase: str = ""

    def error(self) -> NetError:
        """The NetError of an error status (Retry-After read on 429/503)."""
        retry = retry_after(self.headers.get("retry-after")) if self.status in (429, 503) else None
        return NetError(status_text(self.status, self.reason_phrase), kind="http", retry_after=retry)


async def download(
    client: AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    reach: Reach = ANYWHERE,
) -> Response:
    """GET url with our rules (see the module's docstring); raises NetError."""
    problem = check_url(url)
    if problem:
        raise NetError(problem, kind="refused")
    try:
        async with asyncio.timeout(settings.timeout):
            return await _download(client, url, settings, etag, last_modified, max_bytes or settings.max_bytes, reach)
    except failures() as exc:
        raise from_exception(exc, settings.timeout) from None


async def _download(
    client: AsyncClient,
    first: str,
    settings: FetchSettings,
    etag: str | None,
    last_modified: str | None,
    limit: int,
    reach: Reach,
) -> Response:
    headers = {"Accept-Encoding": decode.ACCEPT_ENCODING}  # what decode.py reads in bounded steps
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    url = first
    permanent = True
    for _hop in range(MAX_REDIRECTS + 1):
        await reach.check(url)
        resp = await client.send(url, headers)
        answered = False  # a read that failed or was cut short (the deadline): the connection is closed, not drained
        try:
            reach.check_peer(url, _peer(resp))
            location = resp.headers.get("location")
            if resp.status_code in (301, 302, 303, 307, 308) and location:
                try:
                    new_url = urljoin(str(resp.url), location.strip())
                except ValueError:
                    raise NetError(f"HTTP {resp.status_code}: invalid redirect") from None
                problem = check_url(new_url)
                if problem:
                    raise NetError(f"redirect {problem}", kind="refused")
                if resp.status_code not in (301, 308):
                    permanent = False
                url = new_url
                answered = True
                continue
            final_url = url if (permanent and url != first) else None
            body = None
            if 200 <= resp.status_code < 300:
                declared, size = resp.headers.get("content-length", ""), decode.size_text
                if declared.isdigit() and int(declared) > limit:
                    raise NetError(f"too large: {size(int(declared))}, the limit is {size(limit)}", kind="refused")
                try:  # raw bytes, decoded here in bounded steps (stacked encodings, the cap on decoded bytes)
                    codings = decode.encodings(resp.headers.get_list("content-encoding"))
                    body = await decode.read_body(resp.aiter_raw(), codings, limit)
                except decode.BodyError as exc:
                    raise NetError(str(exc), kind="refused") from None
            answered = True
            return Response(str(resp.url), resp.status_code, resp.headers, body, final_url, resp.reason_phrase)
        finally:
            if answered:
                await _drain_and_close(resp)
            else:
                await resp.aclose()
    raise NetError(f"too many redirects (more than {MAX_REDIRECTS})")


def _peer(resp: Any) -> str | None:
    """The address the connection reached (None when httpx does not say)."""
    if isinstance(resp, wire.WireResponse):
        return resp.peer
    stream = resp.extensions.get("network_stream")
    try:
        addr = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # a transport without it
        return None
    return str(addr[0]) if isinstance(addr, tuple) and addr else None


async def _drain_and_close(resp: Any, limit: int = 64 * 1024) -> None:
    """Read what is left of a small body (304, redirect, error page) so that the connection
    goes back to the pool for the next request instead of being closed."""
    try:
        if not resp.is_stream_consumed and not getattr(resp, "started", False):
            seen = 0
            async for chunk in resp.aiter_raw():
                seen += len(chunk)
                if seen > limit:
                    break
    except failures():
        pass
    finally:
        await resp.aclose()


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number, or an HTTP date from now)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils  # here: an HTTP date in Retry-After is rare, and its import is not free

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
