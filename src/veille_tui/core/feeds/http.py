"""Fetch feeds and parse them into items (the HTTP itself is core/net's). No database here.

- many feeds at once: a global bound and a per-host bound on concurrent requests (net.HostLimits);
- each feed downloaded with net.download (redirects, conditional GET: an unchanged feed costs one
  304 and is never parsed; the size cap on the decoded bytes; the deadline; Retry-After);
- the bytes are parsed in a process pool (2 workers) so parsing uses both cores and overlaps the
  downloads; with only a few feeds to fetch the pool would cost more than it saves and parsing
  runs in a thread instead (bench/parse_speed.py and the module notes have the figures).

Never raises for one bad feed: every request gives one FetchResult.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from veille_tui.core import net
from veille_tui.core.models import FetchSettings, FetchStatus, Item

if TYPE_CHECKING:
    from veille_tui.core.feeds.pool import Parser, Then

log = logging.getLogger(__name__)

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
    found: Any = None  # what `then` made of the items in the parser process, when it ran there

    @property
    def ok(self) -> bool:
        return self.status != "error"


class _LazyParser:
    """The fetch's Parser, made with the first body to parse: an all-304 fetch never imports the
    parsers, the process pool nor multiprocessing (issue 22: ~0.05 s of imports)."""

    def __init__(self, workers: int, feeds: int, then: Then | None = None) -> None:
        self.workers, self.feeds, self.then = workers, feeds, then
        self.parser: Parser | None = None

    def get(self) -> Parser:
        if self.parser is None:
            from veille_tui.core.feeds.pool import POOL_MIN_FEEDS, Parser

            self.parser = Parser(self.workers, use_pool=self.feeds >= POOL_MIN_FEEDS, then=self.then)
        return self.parser

    def close(self, abort: bool = False) -> None:
        if self.parser is not None:
            self.parser.close(abort)


async def _fetch_one(
    client: net.AsyncClient, req: FetchRequest, settings: FetchSettings, parser: _LazyParser, limits: net.HostLimits
) -> FetchResult:
    start = time.monotonic()
    result = FetchResult(url=req.url, status="error", name=req.name)
    problem = net.check_url(req.url)
    if problem:
        result.error = problem
        return result
    try:
        async with limits.slot(req.url):
            resp = await net.download(client, req.url, settings, etag=req.etag, last_modified=req.last_modified)
        result.final_url = resp.final_url
        etag = resp.headers.get("etag")
        last_modified = resp.headers.get("last-modified")
        if resp.status == 304:
            result.status = "unchanged"
            result.etag = etag or req.etag
            result.last_modified = last_modified or req.last_modified
            return result
        if resp.body is None:
            raise resp.error()
        result.bytes = len(resp.body)
        from veille_tui.core.feeds.pool import ParserDied

        try:
            parsed = await parser.get().parse(resp.body, resp.final_url or resp.url, resp.headers.get("content-type"))
        except ParserDied as exc:
            raise net.NetError(str(exc)) from None
        result.title = parsed.title
        if parsed.error:
            result.error = parsed.error
            return result
        result.status = "ok"
        result.items = parsed.items
        result.warning = parsed.warning
        result.found = parsed.found
        result.etag = etag
        result.last_modified = last_modified
        return result
    except net.NetError as exc:
        result.error = str(exc)
        result.retry_after = exc.retry_after
    finally:
        result.elapsed = time.monotonic() - start
    return result


async def fetch_all(
    requests: Iterable[FetchRequest],
    settings: FetchSettings | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    hold: Callable[[], bool] | None = None,
    then: Then | None = None,
) -> list[FetchResult]:
    """Fetch and parse every request concurrently; one result per request, in request order.

    ``then``: work on each feed's items done in the parser processes, its result in
    ``FetchResult.found`` (None when it did not run there: few feeds, parsed in a thread).

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
    parser = _LazyParser(settings.parse_workers, len(reqs), then)
    limits = net.HostLimits(settings.per_host, settings.concurrency)
    callback_errors: list[Exception] = []

    # at most `concurrency` feeds between "started" and "handed to on_result" (download + parse),
    # so that `hold` bounds what waits in memory
    in_flight = asyncio.Semaphore(2 * max(1, settings.concurrency))

    async def run(req: FetchRequest) -> FetchResult:
        async with in_flight:
            while hold is not None and hold():
                await asyncio.sleep(0.02)
            try:
                res = await _fetch_one(client, req, settings, parser, limits)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug: still one result, never the whole fetch
                log.exception("fetch %s", req.url)
                res = FetchResult(url=req.url, status="error", error=f"error: {net.short_reason(exc)}", name=req.name)
        if on_result is not None:
            try:
                on_result(res)
            except Exception as exc:  # the other feeds go on; the error is raised at the end
                log.debug("on_result failed for %s", req.url, exc_info=True)
                callback_errors.append(exc)
        return res

    completed = False
    try:
        async with net.async_client(settings, ACCEPT, connections=max(1, settings.concurrency)) as client:
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
    then: Then | None = None,
) -> list[FetchResult]:
    """Synchronous wrapper: runs fetch_all in its own event loop (a thread if one is running)."""
    reqs = list(requests)
    return net.run_sync(lambda: fetch_all(reqs, settings, on_result, hold, then))


__all__ = ["FetchRequest", "FetchResult", "FetchSettings", "fetch_all", "fetch_feeds"]
