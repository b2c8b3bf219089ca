"""Many downloads at once, bounded: per host (HostLimits) and in all; pages (not feeds: nothing
parsed) fetched that way, and `run_sync` to run such a coroutine from synchronous code."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from veille_tui.core.models import FetchSettings
from veille_tui.core.net.client import async_client, download
from veille_tui.core.net.errors import NetError
from veille_tui.core.net.urls import ANYWHERE, Reach, host_key

T = TypeVar("T")


class HostLimits:
    """At most `per_host` requests at once to one host (and port), and `overall` in all."""

    def __init__(self, per_host: int, overall: int) -> None:
        self.per_host = max(1, per_host)
        self.overall = asyncio.Semaphore(max(1, overall))
        self.hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        async with self.hosts.setdefault(host_key(url), asyncio.Semaphore(self.per_host)), self.overall:
            yield


@dataclass(frozen=True)
class Page:
    """A web page as downloaded with the feed rules."""

    url: str  # where it was found, after redirects
    body: bytes  # decoded from its Content-Encoding, at most max_bytes
    content_type: str | None


async def download_page(
    client: Any, url: str, settings: FetchSettings, reach: Reach = ANYWHERE, max_bytes: int | None = None
) -> Page:
    """One page (a 2xx answer); raises NetError with the user's message."""
    resp = await download(client, url, settings, max_bytes=max_bytes, reach=reach)
    if resp.body is None:
        raise resp.error()
    return Page(resp.url, resp.body, resp.headers.get("content-type"))


def fetch_pages(
    urls: Sequence[str],
    settings: FetchSettings,
    *,
    accept: str,
    per_host: int = 2,
    reach: Sequence[Reach] | None = None,
) -> list[Page | NetError]:
    """Each URL's page (or why not), in order; at most per_host downloads at once to one host.
    reach: each URL's (default: anywhere, the user's own URLs)."""
    reaches = list(reach) if reach is not None else [ANYWHERE] * len(urls)

    async def run() -> list[Page | NetError]:
        limits = HostLimits(per_host, settings.concurrency)
        async with async_client(settings, accept) as client:

            async def one(url: str, where: Reach) -> Page | NetError:
                async with limits.slot(url):
                    try:
                        return await download_page(client, url, settings, where)
                    except NetError as exc:
                        return exc

            return list(await asyncio.gather(*(one(u, r) for u, r in zip(urls, reaches, strict=True))))

    return run_sync(run)


async def _interruptible(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`make()` awaited with Ctrl-C through the loop's own signal handling: asyncio.run's handler
    is Python's, which runs only when the main thread runs; a SIGINT the kernel hands to another
    thread (the store writer, the pool's manager) left the loop asleep in select() until its next
    event (a stalled download: minutes). add_signal_handler wakes the loop whichever thread takes
    the signal (its wakeup fd); the task is cancelled, then KeyboardInterrupt raised as before."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    interrupted = False

    def on_sigint() -> None:
        nonlocal interrupted
        interrupted = True
        if task is not None:
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        handled = True
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, not Unix
        handled = False
    try:
        return await make()
    except asyncio.CancelledError:
        if interrupted:
            raise KeyboardInterrupt from None
        raise
    finally:
        if handled:
            loop.remove_signal_handler(signal.SIGINT)


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine `make()` gives in its own event loop (in a thread if one is running here);
    in the main thread, Ctrl-C cancels it at once (`_interruptible`)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        if threading.current_thread() is threading.main_thread():
            return asyncio.run(_interruptible(make))
        return asyncio.run(make())
    box: list[T | BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(make()))
        except BaseException as exc:  # re-raised in the caller's thread
            box.append(exc)

    t = threading.Thread(target=target, name="veille-net")
    t.start()
    t.join()
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]
