"""Fetch feeds over HTTP(S) and parse them into items. No database here.

- httpx.AsyncClient, a global bound and a per-host bound on concurrent requests;
- conditional GET (If-None-Match / If-Modified-Since): an unchanged feed costs one 304 and is
  never parsed;
- gzip/deflate decoded in bounded steps (decode.py: stacked encodings, the size cap on the
  *decoded* bytes, the event loop given back every few ms so that the timeout holds);
- redirects followed here (at most 10, http(s) only); ``final_url`` is set only when every hop
  was permanent (301/308), so the caller can update the stored URL;
- a deadline per feed (connect + download), Retry-After read on 429/503;
- the bytes are parsed in a process pool (2 workers) so parsing uses both cores and overlaps the
  downloads; with only a few feeds to fetch the pool would cost more than it saves and parsing
  runs in a thread instead (bench/parse_speed.py and the module notes have the figures).

Never raises for one bad feed: every request gives one FetchResult.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from veille_tui.core.feeds import decode
from veille_tui.core.feeds.pool import POOL_MIN_FEEDS, Parser, ParserDied
from veille_tui.core.models import FetchSettings, FetchStatus, Item
from veille_tui.core.text import clean_line

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    name: str = ""


@dataclass
class FetchResult:
    url: str  # as requested
    status: FetchStatus  # "ok" | "unchanged" | "error"
    error: str | None = None
    final_url: str | None = None  # set only when permanent redirects (301/308) moved the feed
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    items: list[Item] = field(default_factory=list)
    title: str = ""  # the feed's own title
    elapsed: float = 0.0
    bytes: int = 0  # decoded body size
    name: str = ""  # FetchRequest.name, for messages
    warning: str | None = None  # read, but not all of it (malformed XML, entries dropped)

    @property
    def ok(self) -> bool:
        return self.status != "error"


class _FeedError(Exception):
    """One feed failed: the message is what the user sees."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


# --------------------------------------------------------------------------------------------
# Fetching


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or ''}"


def _check_url(url: str) -> str | None:
    """An error message when the URL must not be fetched."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "invalid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"refused: only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}:"
    if not parts.hostname:
        return "invalid URL: no host"
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _short_reason(exc: BaseException) -> str:
    text = clean_line(str(exc)) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


async def _download(
    client: httpx.AsyncClient, req: FetchRequest, settings: FetchSettings
) -> tuple[httpx.Response, str | None, bytes | None]:
    """GET with redirects followed by hand. Returns (last response, final_url, body or None)."""
    headers = {"Accept-Encoding": decode.ACCEPT_ENCODING}  # what decode.py reads in bounded steps
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    url = req.url
    permanent = True
    for _hop in range(MAX_REDIRECTS + 1):
        request = client.build_request("GET", url, headers=headers)
        resp = await client.send(request, stream=True)
        try:
            location = resp.headers.get("location")
            if resp.status_code in (301, 302, 303, 307, 308) and location:
                try:
                    new_url = urljoin(str(resp.url), location.strip())
                except ValueError:
                    raise _FeedError(f"HTTP {resp.status_code}: invalid redirect") from None
                problem = _check_url(new_url)
                if problem:
                    raise _FeedError(f"redirect {problem}")
                if resp.status_code not in (301, 308):
                    permanent = False
                url = new_url
                continue
            final_url = url if (permanent and url != req.url) else None
            if not 200 <= resp.status_code < 300:
                return resp, final_url, None
            declared, size, limit = resp.headers.get("content-length", ""), decode.size_text, settings.max_bytes
            if declared.isdigit() and int(declared) > limit:
                raise _FeedError(f"too large: {size(int(declared))}, the limit is {size(limit)}")
            try:  # raw bytes, decoded here in bounded steps (stacked encodings, the cap on decoded bytes)
                codings = decode.encodings(resp.headers.get_list("content-encoding"))
                return resp, final_url, await decode.read_body(resp.aiter_raw(), codings, limit)
            except decode.BodyError as exc:
                raise _FeedError(str(exc)) from None
        finally:
            await _drain_and_close(resp)
    raise _FeedError(f"too many redirects (more than {MAX_REDIRECTS})")


async def _drain_and_close(resp: httpx.Response, limit: int = 64 * 1024) -> None:
    """Read what is left of a small body (304, redirect, error page) so that the connection
    goes back to the pool for the next request instead of being closed."""
    try:
        if not resp.is_stream_consumed:
            seen = 0
            async for chunk in resp.aiter_raw():
                seen += len(chunk)
                if seen > limit:
                    break
    except (httpx.HTTPError, OSError):
        pass
    finally:
        await resp.aclose()


async def _fetch_one(
    client: httpx.AsyncClient,
    req: FetchRequest,
    settings: FetchSettings,
    parser: Parser,
    global_sem: asyncio.Semaphore,
    host_sems: dict[str, asyncio.Semaphore],
) -> FetchResult:
    start = time.monotonic()
    result = FetchResult(url=req.url, status="error", name=req.name)
    problem = _check_url(req.url)
    if problem:
        result.error = problem
        return result
    host_sem = host_sems.setdefault(_host_key(req.url), asyncio.Semaphore(max(1, settings.per_host)))
    try:
        async with host_sem, global_sem:
            try:
                async with asyncio.timeout(settings.timeout):
                    resp, final_url, body = await _download(client, req, settings)
            except TimeoutError:
                raise _FeedError(f"timed out after {settings.timeout:g} s") from None
        result.final_url = final_url
        status = resp.status_code
        etag = resp.headers.get("etag")
        last_modified = resp.headers.get("last-modified")
        if status == 304:
            result.status = "unchanged"
            result.etag = etag or req.etag
            result.last_modified = last_modified or req.last_modified
            return result
        if body is None:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = clean_line(resp.reason_phrase)[:80] or "error"
            retry = _retry_after(resp.headers.get("retry-after")) if status in (429, 503) else None
            raise _FeedError(f"HTTP {status} {reason}", retry)
        result.bytes = len(body)
        try:
            parsed = await parser.parse(body, final_url or str(resp.url), resp.headers.get("content-type"))
        except ParserDied as exc:
            raise _FeedError(str(exc)) from None
        result.title = parsed.title
        if parsed.error:
            result.error = parsed.error
            return result
        result.status = "ok"
        result.items = parsed.items
        result.warning = parsed.warning
        result.etag = etag
        result.last_modified = last_modified
        return result
    except _FeedError as exc:
        result.error = str(exc)
        result.retry_after = exc.retry_after
    except (httpx.HTTPError, OSError, ValueError, UnicodeError) as exc:
        result.error = error_text(exc, settings.timeout)
    finally:
        result.elapsed = time.monotonic() - start
    return result


def error_text(exc: BaseException, timeout: float) -> str:
    """What the user is told of a download that failed with exc."""
    if isinstance(exc, _FeedError):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {_short_reason(exc)}"
    if isinstance(exc, httpx.DecodingError):
        return f"bad content encoding: {_short_reason(exc)}"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.LocalProtocolError)):
        return f"protocol error: {_short_reason(exc)}"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return f"invalid URL: {_short_reason(exc)}"
    if isinstance(exc, httpx.HTTPError):
        return f"network error: {_short_reason(exc)}"
    return f"error: {_short_reason(exc)}"


@dataclass(frozen=True)
class Page:
    """A web page as downloaded with the feed rules (not a feed: nothing parsed)."""

    url: str  # where it was found, after redirects
    body: bytes  # decoded from its Content-Encoding, at most max_bytes
    content_type: str | None


async def download_page(client: httpx.AsyncClient, url: str, settings: FetchSettings) -> Page:
    """One page with the feed rules: http(s) only (redirects too), the size cap on the decoded
    bytes, the timeout over connect and download. Raises PageError with the user's message."""
    problem = _check_url(url)
    if problem:
        raise PageError(problem)
    try:
        async with asyncio.timeout(settings.timeout):
            resp, final_url, body = await _download(client, FetchRequest(url=url), settings)
    except TimeoutError:
        raise PageError(f"timed out after {settings.timeout:g} s") from None
    except (_FeedError, httpx.HTTPError, OSError, ValueError, UnicodeError) as exc:
        raise PageError(error_text(exc, settings.timeout)) from None
    if body is None:
        try:
            reason = HTTPStatus(resp.status_code).phrase
        except ValueError:
            reason = clean_line(resp.reason_phrase)[:80] or "error"
        raise PageError(f"HTTP {resp.status_code} {reason}")
    return Page(str(resp.url), body, resp.headers.get("content-type"))


class PageError(Exception):
    """A page could not be downloaded; the message is for the user."""


async def fetch_all(
    requests: Iterable[FetchRequest],
    settings: FetchSettings | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    hold: Callable[[], bool] | None = None,
) -> list[FetchResult]:
    """Fetch and parse every request concurrently; one result per request, in request order.

    ``hold``: while it returns True no new download starts (backpressure from a consumer that
    stores results more slowly than they come; waiting happens before a feed's timeout starts).

    ``on_result`` is called (in the event loop) as each feed finishes, for progress and to store
    the items as they come (it may then empty ``result.items`` to keep memory low). If it raises,
    the other feeds are still fetched and handed to it, then its first exception is raised.
    """
    settings = settings or FetchSettings()
    reqs = list(requests)
    if not reqs:
        return []
    parser = Parser(settings.parse_workers, use_pool=len(reqs) >= POOL_MIN_FEEDS)
    global_sem = asyncio.Semaphore(max(1, settings.concurrency))
    host_sems: dict[str, asyncio.Semaphore] = {}
    limits = httpx.Limits(
        max_connections=max(1, settings.concurrency), max_keepalive_connections=max(1, settings.concurrency)
    )
    timeout = httpx.Timeout(settings.timeout)
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT}
    callback_errors: list[Exception] = []

    # at most `concurrency` feeds between "started" and "handed to on_result" (download + parse),
    # so that `hold` bounds what waits in memory
    in_flight = asyncio.Semaphore(2 * max(1, settings.concurrency))

    async def run(req: FetchRequest) -> FetchResult:
        async with in_flight:
            while hold is not None and hold():
                await asyncio.sleep(0.02)
            try:
                res = await _fetch_one(client, req, settings, parser, global_sem, host_sems)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug: still one result, never the whole fetch
                log.exception("fetch %s", req.url)
                res = FetchResult(url=req.url, status="error", error=f"error: {_short_reason(exc)}", name=req.name)
        if on_result is not None:
            try:
                on_result(res)
            except Exception as exc:  # the other feeds go on; the error is raised at the end
                log.debug("on_result failed for %s", req.url, exc_info=True)
                callback_errors.append(exc)
        return res

    completed = False
    try:
        async with httpx.AsyncClient(
            headers=headers, timeout=timeout, limits=limits, follow_redirects=False, trust_env=True
        ) as client:
            results = list(await asyncio.gather(*(run(r) for r in reqs)))
        completed = True
    finally:
        # success, all failed, nothing parsed, Ctrl-C (the task is cancelled) or an error: the
        # parser processes are gone when fetch_all returns or raises
        parser.close(abort=not completed)
    if callback_errors:
        raise callback_errors[0]
    return results


def fetch_feeds(
    requests: Iterable[FetchRequest],
    settings: FetchSettings | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    hold: Callable[[], bool] | None = None,
) -> list[FetchResult]:
    """Synchronous wrapper: runs fetch_all in its own event loop (a thread if one is running)."""
    reqs = list(requests)
    return run_sync(lambda: fetch_all(reqs, settings, on_result, hold))


T = TypeVar("T")


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine `make()` gives in its own event loop (in a thread if one is running here)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    box: list[T | BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(make()))
        except BaseException as exc:  # re-raised in the caller's thread
            box.append(exc)

    t = threading.Thread(target=target, name="veille-fetch")
    t.start()
    t.join()
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


__all__ = [
    "FetchRequest",
    "FetchResult",
    "FetchSettings",
    "Page",
    "PageError",
    "download_page",
    "error_text",
    "fetch_all",
    "fetch_feeds",
    "run_sync",
]
