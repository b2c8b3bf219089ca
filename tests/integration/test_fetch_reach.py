"""Automatic fetches stay out of the local network (issue 26 item 7): a page a feed links to is
fetched at fetch time only when it is on the feed's own host, on a global address, or listed in
`[fetch] allow_private`; the user's own fetches (the feeds, `extract`) go anywhere. Two real
servers on two loopback addresses (127.0.0.1 and 127.0.0.2: Linux routes all of 127/8); no traffic
leaves the machine."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from pathlib import Path

import pytest
from tests.conftest import run_cli
from werkzeug import Response

from veille_tui.core.errors import ConfigError
from veille_tui.core.net import NetError, Reach, is_global

pytest.importorskip("pytest_httpserver")
from pytest_httpserver import HTTPServer  # noqa: E402

PAGE = "<html><body><article><h1>Inside</h1>" + "<p>The internal admin page text, long enough. </p>" * 8
PAGE += "</article></body></html>"


@pytest.fixture
def inside():
    """A server on 127.0.0.2: another loopback address than the feed's."""
    server = HTTPServer(host="127.0.0.2")
    try:
        server.start()
    except OSError as exc:  # pragma: no cover - a system without 127/8 routed
        pytest.skip(f"127.0.0.2 cannot be bound here: {exc}")
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def rss(links: list[str]) -> str:
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 24 Aug 2026 09:00:00 GMT</pubDate><description>Summary {n}.</description></item>"
        for n, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{items}</channel></rss>'


def config(isolated: Path, feed: str, extra: str = "") -> None:
    path = isolated / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[fetch]\n{extra}\n[[feeds]]\nurl = "{feed}"\ntitle = "Loop"\nfull_text = true\n', "utf-8")


def test_a_feed_link_to_another_private_address_is_not_fetched_unless_allowed(httpserver, inside, isolated) -> None:
    feed = httpserver.url_for("/feed.xml").replace("localhost", "127.0.0.1")
    inside.expect_request("/admin").respond_with_data(PAGE, content_type="text/html")
    inside.expect_request("/admin2").respond_with_data(PAGE, content_type="text/html")
    # a page on the feed's own host that redirects inside: refused at the hop
    httpserver.expect_request("/hop").respond_with_response(
        Response("", status=302, headers={"Location": inside.url_for("/admin")})
    )
    first = [inside.url_for("/admin"), httpserver.url_for("/hop").replace("localhost", "127.0.0.1")]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(first), content_type="application/rss+xml")
    config(isolated, feed)

    result = run_cli("fetch")
    assert result.returncode == 0, result.stderr  # the feed itself, on loopback, is fetched
    assert "full text  0 article page(s) extracted, 2 failed" in result.stdout
    assert inside.log == []  # nothing reached 127.0.0.2
    entries = json.loads(run_cli("list", "--json").stdout)
    assert len(entries) == 2
    for entry in entries:
        shown = run_cli("show", str(entry["id"])).stdout
        assert "full text: refused: 127.0.0.2 is a private address (127.0.0.2)" in shown

    # asked for one item, the user's own fetch goes there
    admin = next(e for e in entries if e["link"] == inside.url_for("/admin"))
    out = json.loads(run_cli("extract", str(admin["id"]), "--json").stdout)
    assert "internal admin page text" in out["markdown"] and len(inside.log) == 1

    # listed in [fetch] allow_private: fetched automatically
    httpserver.clear_all_handlers()
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([*first, inside.url_for("/admin2")]), content_type="application/rss+xml"
    )
    config(isolated, feed, 'allow_private = ["127.0.0.2"]\n')
    result = run_cli("fetch")
    assert "full text  1 article page(s) extracted" in result.stdout, result.stdout
    assert [r.path for r, _ in inside.log] == ["/admin", "/admin2"]


def test_allow_private_is_validated(isolated, httpserver) -> None:
    config(isolated, httpserver.url_for("/feed.xml"), 'allow_private = ["not a host!"]\n')
    result = run_cli("list", check=False)
    assert result.returncode != 0 and "[fetch] allow_private must list host names" in result.stderr
    with pytest.raises(ConfigError):
        from veille_tui.core.config import _hosts

        _hosts("10.0.0.1", Path("c.toml"))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # CGNAT
        "100.100.100.200",  # a cloud's metadata, in CGNAT
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00:ec2::254",  # a cloud's metadata over IPv6
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_addresses_are_refused_to_an_automatic_fetch(address: str) -> None:
    assert not is_global(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(NetError, match="is a private address"):
        asyncio.run(Reach.automatic(["https://feed.example/rss"]).check(f"http://{host}/x"))
    asyncio.run(Reach().check(f"http://{host}/x"))  # the user's own URL: anywhere
    asyncio.run(Reach.automatic([f"http://{host}/feed"]).check(f"http://{host}/x"))  # the feed's own host
    net = str(ipaddress.ip_network(address))
    asyncio.run(Reach.automatic([], [net]).check(f"http://{host}/x"))  # listed


def test_global_addresses_pass() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"):
        assert is_global(ipaddress.ip_address(address))
        host = f"[{address}]" if ":" in address else address
        asyncio.run(Reach.automatic(["https://feed.example/rss"]).check(f"http://{host}/x"))  # no traffic: a check


def test_the_connected_address_is_checked_too() -> None:
    """A name that resolved to a global address, then to a private one when connecting."""
    reach = Reach.automatic(["https://feed.example/rss"])
    reach.check_peer("http://news.example/x", "93.184.216.34")
    with pytest.raises(NetError, match=r"news.example is a private address \(10.0.0.5\)"):
        reach.check_peer("http://news.example/x", "10.0.0.5")
