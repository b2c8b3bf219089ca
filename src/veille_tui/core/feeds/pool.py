"""Where feed bytes are parsed during a fetch: a process pool started with the first body to parse
(so that parsing uses both cores and overlaps the downloads), or a thread when a fetch has too few
feeds for worker processes to pay for themselves.

The pool is stopped, and waited for, before a fetch returns or raises (`Parser.close`, called on
every path out of `http.fetch_all`). A pool left to the interpreter's exit can print a traceback
after the command's output (issue 16, see `_stop_pool`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from veille_tui.core.feeds.parse import ParsedFeed, parse_feed
from veille_tui.core.models import Item

Then = Callable[[Sequence[Item]], Any]  # work on a feed's items done in the parser process (ParsedFeed.found)

log = logging.getLogger(__name__)

# Below this many feeds in one call, parse in a thread: starting worker processes costs more
# than it saves. bench/parse_speed.py --pool, 2 cores: a fresh pool costs ~0.15 s; feeds with
# real HTML bodies (Markdown conversion ~4 ms/item) gain from 2 feeds on (8 feeds: 1.69 s in a
# thread, 0.89 s in the pool); light text-only feeds (~10 ms each) only from ~32 on, losing at
# most ~0.1 s below. The pool is started lazily: an all-304 refresh never starts it.
POOL_MIN_FEEDS = 3
# Memory cap of a parser process (address space): a pathological document kills the worker,
# not the machine; the feed gets an error.
WORKER_MEMORY_LIMIT = 2 * 1024**3
# A fetch that is interrupted (Ctrl-C, an error) waits this long for the parses under way, then
# kills the parser processes.
ABORT_GRACE = 2.0


class ParserDied(Exception):
    """A parser process died under a document (memory cap, crash): that feed fails."""


def _worker_init() -> None:  # runs in each parser process
    # Ctrl-C reaches the whole process group: the parent stops the pool itself (a worker killed
    # by KeyboardInterrupt would print its traceback and break the pool under it).
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _parse_then(
    parse: Callable[[bytes, str, str | None], ParsedFeed],
    data: bytes,
    url: str,
    content_type: str | None,
    then: Then | None,
) -> ParsedFeed:
    """parse (parse_feed) in a parser process, then `then` over its items there (its result in `found`):
    the update layer's work on the texts (their CVE ids and indicators: enrich.found_in_items) done
    beside the parse, off the process that writes. A failure of `then` leaves found unset (the
    writer then does that work itself)."""
    parsed = parse(data, url, content_type)
    if then is not None and parsed.items:
        try:
            parsed.found = then(parsed.items)
        except Exception:  # never the feed: the writer's steps find it all again
            log.debug("work on the items of %s in the parser process", url, exc_info=True)
    return parsed


def _mp_context(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    # forkserver: forking a process that runs threads (the TUI) is unsafe; spawn re-imports
    # everything for each worker. The fork server preloads the parser (and the module of `then`) once.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["veille_tui.core.feeds.parse", *preload])
        return ctx
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _stderr_with_fileno() -> Iterator[None]:
    """multiprocessing hands sys.stderr's file descriptor to the helper processes it starts (the
    resource tracker, the fork server). Under a TUI, sys.stderr is a capture object whose fileno()
    is -1 (Textual) and starting them fails: lend them the real standard error meanwhile."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = sys.__stderr__ if sys.__stderr__ is not None else devnull
        try:
            yield
        finally:
            sys.stderr = saved


def _stop_pool(pool: concurrent.futures.ProcessPoolExecutor, grace: float | None = None) -> None:
    """Stop a process pool and return only when its processes and its manager thread are gone.

    `shutdown(wait=False)` is not enough: the pool's manager thread is then still sending the
    workers their stop sentinels and closing its wake-up pipe when the interpreter exits, and
    concurrent.futures' exit hook (`_python_exit`) writes to that pipe without a lock: a race that
    ends in "OSError: [Errno 9] Bad file descriptor" from multiprocessing/connection.py printed
    after the command's output (issue 16; seen on 3.11; later CPython versions put a lock around
    that pipe, gh-125451).

    grace: None waits for the parses under way (a normal end: there are none); a number waits
    that long, then kills the workers (an interrupted fetch)."""
    # shutdown() forgets the pool's thread and processes: keep them to wait for them (private
    # attributes of concurrent.futures.ProcessPoolExecutor, read defensively)
    manager = getattr(pool, "_executor_manager_thread", None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is None:  # nothing was ever submitted: no thread, no process
        return
    manager.join(grace)
    if manager.is_alive():
        log.warning("parser processes still busy after %g s: killed", grace)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        manager.join()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join()


class Parser:
    """Parses feed bodies for one fetch; `close()` on every way out. then: work on each feed's
    items done in the parser processes (ParsedFeed.found; not when parsing in a thread, where it
    would only move the writer's own work to another thread of the same process)."""

    def __init__(self, workers: int, use_pool: bool, then: Then | None = None) -> None:
        self.workers = workers
        self.use_pool = use_pool and workers > 0
        self.then = then
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._broken: list[concurrent.futures.ProcessPoolExecutor] = []  # stopped in close()

    async def parse(self, data: bytes, url: str, content_type: str | None) -> ParsedFeed:
        loop = asyncio.get_running_loop()
        if not self.use_pool:
            return await loop.run_in_executor(None, parse_feed, data, url, content_type)
        try:
            with _stderr_with_fileno():
                if self.pool is None:
                    preload = [self.then.__module__] if self.then is not None else []
                    self.pool = concurrent.futures.ProcessPoolExecutor(
                        max_workers=self.workers, mp_context=_mp_context(preload), initializer=_worker_init
                    )
                pool = self.pool
                future = loop.run_in_executor(pool, _parse_then, parse_feed, data, url, content_type, self.then)
        except Exception:  # workers cannot start here (e.g. a __main__ without the main guard)
            log.warning("parser processes unavailable, parsing in this process", exc_info=True)
            self.use_pool = False
            self.close(abort=True)
            return await loop.run_in_executor(None, parse_feed, data, url, content_type)
        try:
            return await future
        except BrokenProcessPool:
            # A worker died (memory cap, crash): this feed fails, the next ones get a new pool;
            # the broken one is waited for in close().
            if self.pool is pool:
                self.pool = None
                self._broken.append(pool)
            raise ParserDied("parser process died (document too large or malformed)") from None

    def close(self, abort: bool = False) -> None:
        """Stop the pool (if one was started) and wait for it: every path out of a fetch.
        abort=True: the fetch was interrupted; a parse still running after ABORT_GRACE is killed."""
        pools = [*self._broken, *([self.pool] if self.pool is not None else [])]
        self.pool = None
        self._broken = []
        for pool in pools:
            _stop_pool(pool, ABORT_GRACE if abort else None)
