"""Compression bombs and lying servers (bench/attack_server.py, on 127.0.0.1): the decoded-size cap,
the timeout and the event loop hold whatever Content-Encoding says (issue 13)."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib

import pytest
from bench.attack_server import FEED, serving, stacked_bomb
from bench.bomb_bench import run as run_in_process

from veille_tui.core.feeds.http import FetchRequest, FetchResult, fetch_feeds
from veille_tui.core.models import FetchSettings
from veille_tui.core.net import decode

SETTINGS = FetchSettings(timeout=5, parse_workers=0)  # max_bytes: the default 10 MiB


@pytest.fixture(scope="module")
def server():
    stacked_bomb(1), stacked_bomb(10)  # built once, before any clock starts
    with serving(lifetime=300) as srv:
        yield srv


def fetch(url: str, settings: FetchSettings = SETTINGS) -> FetchResult:
    (res,) = fetch_feeds([FetchRequest(url)], settings)
    return res


@pytest.mark.parametrize("path", ["/gzip2-1g", "/gzip2-10g"])
def test_stacked_gzip_bomb_stops_at_the_cap_in_bounded_memory(server, path) -> None:
    # a whole process, as the user runs it: peak RSS from wait4
    r = run_in_process(server.url(path), 5.0, 10 * 1024**2)
    assert r["status"] == "error" and r["error"] == "too large: more than 10 MiB (decoded)"
    assert r["elapsed"] < 5 + 1
    assert r["rss_mb"] < 100
    assert r["lag"] < 0.05  # one step of the event loop, in CPU time (measured: ~5 ms)


def test_the_timeout_holds_while_decoding(server) -> None:
    # a cap so high that only the timeout can stop the 10 GB bomb (in a process of its own: what it
    # decodes in that time is hundreds of MB)
    r = run_in_process(server.url("/gzip2-10g"), 0.5, 1024**3)
    assert r["error"] == "timed out after 0.5 s"
    assert r["elapsed"] < 0.5 + 1


def test_the_event_loop_keeps_running_during_a_bomb(server) -> None:
    gaps: list[float] = []

    async def main() -> FetchResult:
        from veille_tui.core.feeds.http import fetch_all

        done = False

        async def ticker() -> None:  # CPU time of this thread: a machine too busy to run us does not count
            last = time.thread_time()
            while not done:
                await asyncio.sleep(0.001)
                now = time.thread_time()
                gaps.append(now - last)
                last = now

        task = asyncio.create_task(ticker())
        (res,) = await fetch_all(
            [FetchRequest(server.url("/gzip2-10g"))], FetchSettings(timeout=1, max_bytes=32 * 1024**2, parse_workers=0)
        )
        done = True
        await task
        return res

    res = asyncio.run(main())
    assert res.error is not None and ("too large" in res.error or "timed out" in res.error)
    assert len(gaps) > 5 and max(gaps) < 0.25  # timers fire while it decodes (client set-up included)


def test_three_stacked_encodings_are_refused(server) -> None:
    res = fetch(server.url("/gzip3"))
    assert res.error == "refused: 3 stacked content encodings (gzip, gzip, gzip), at most 2"


def test_a_gzip_stream_of_several_members_is_read_whole(server) -> None:
    res = fetch(server.url("/members"))
    assert res.status == "ok", res.error
    assert [i.title for i in res.items] == ["Story 0", "Story 1", "Story 2"]


def test_raw_deflate_is_read(server) -> None:
    res = fetch(server.url("/deflate-raw"))
    assert res.status == "ok" and len(res.items) == 3


def test_an_encoding_not_asked_for_is_named(server) -> None:
    assert fetch(server.url("/br")).error == "unsupported content encoding: br (asked for gzip, deflate)"


def test_a_body_that_is_not_what_it_says_is_an_encoding_error(server) -> None:
    res = fetch(server.url("/badgzip"))
    assert res.error is not None and res.error.startswith("bad content encoding: gzip:")


def test_a_lying_content_length_and_a_huge_body(server) -> None:
    assert fetch(server.url("/lying-length")).status == "error"
    res = fetch(server.url("/huge"))
    assert res.error == "too large: 20 MiB, the limit is 10 MiB"


def test_a_trickling_server_meets_the_timeout(server) -> None:
    started = time.monotonic()
    res = fetch(server.url("/trickle"), FetchSettings(timeout=0.5, parse_workers=0))
    # the trickle lasts 20 s: ending well before it is the timeout's doing, however busy the machine
    assert res.error == "timed out after 0.5 s" and time.monotonic() - started < 10


def test_the_plain_feed_still_works(server) -> None:
    res = fetch(server.url("/feed"))
    assert res.status == "ok" and len(res.items) == 3


# --- the decoder itself ---------------------------------------------------------------------------


async def _chunks(data: bytes, size: int = 1000):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def read(data: bytes, codings: list[str], cap: int = 10**6) -> bytes:
    return asyncio.run(decode.read_body(_chunks(data), codings, cap))


@pytest.mark.parametrize(
    "codings, encode",
    [
        ([], lambda b: b),
        (["gzip"], gzip.compress),
        (["x-gzip"], gzip.compress),
        (["deflate"], zlib.compress),
        (["deflate"], lambda b: zlib.compress(b)[2:-4]),
        (["gzip", "gzip"], lambda b: gzip.compress(gzip.compress(b))),
        (["deflate", "gzip"], lambda b: gzip.compress(zlib.compress(b))),
        (["gzip"], lambda b: gzip.compress(b[:500]) + gzip.compress(b[500:]) + b"\0\0"),
    ],
)
def test_decoder_round_trips(codings, encode) -> None:
    body = FEED * 50
    assert read(encode(body), codings) == body


def test_decoder_counts_decoded_bytes_and_intermediate_layers() -> None:
    with pytest.raises(decode.BodyError, match="too large: more than 1000 bytes"):
        read(gzip.compress(b"a" * 1001), ["gzip"], cap=1000)
    assert read(gzip.compress(b"a" * 1000), ["gzip"], cap=1000) == b"a" * 1000
    # a flood of empty gzip members: no output, bounded work, refused
    with pytest.raises(decode.BodyError, match="more than 1000 members"):
        read(gzip.compress(b"") * 2000, ["gzip"])


def test_header_parsing() -> None:
    assert decode.encodings(["gzip", "identity, deflate"]) == ["gzip", "deflate"]
    assert decode.encodings([]) == []
    with pytest.raises(decode.BodyError, match="unsupported content encoding: zstd"):
        decode.encodings(["zstd"])
