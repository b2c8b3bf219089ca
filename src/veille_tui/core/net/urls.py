"""Which URLs are fetched: http(s) only, and where an automatic fetch may go.

The user's own URLs (feeds subscribed, intel sources, the team server, an `f` on one item) go
anywhere. A URL that came from a feed and is fetched without the user asking (the full text at
fetch time) does not reach inside the network: not to loopback, private (RFC 1918, ULA),
link-local (cloud metadata at 169.254.169.254 among them), CGNAT (100.64/10), unspecified,
multicast or reserved addresses (anything not globally routable), checked on the addresses the
host name resolves to, at every hop of the redirects, and again on the address the connection
reached (a name that resolves anew in between). Except the feed's own host, and the hosts,
addresses and networks listed in `[fetch] allow_private`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from veille_tui.core.net.errors import NetError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_url(url: str) -> str | None:
    """An error message when the URL must not be fetched (not http(s), no host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "invalid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"refused: only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}:"
    if not parts.hostname:
        return "invalid URL: no host"
    return None


def host_of(url: str) -> str:
    """The URL's host name, lower case ('' when none or invalid)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_key(url: str) -> str:
    """What the per-host limits count by: host and port."""
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return ":"


@dataclass(frozen=True)
class Reach:
    """Where a request may go. anywhere: the user's own URLs. Else (a URL from a feed, fetched
    automatically) not to non-global addresses, but for `hosts` (the feed's own) and `allowed`
    (`[fetch] allow_private`: host names, addresses, networks)."""

    anywhere: bool = True
    hosts: frozenset[str] = frozenset()
    allowed: tuple[str, ...] = ()

    @classmethod
    def automatic(cls, feed_urls: Iterable[str], allowed: Iterable[str] = ()) -> Reach:
        """The reach of a URL a feed brought: the feeds' own hosts and the allowed ones."""
        return cls(False, frozenset(h for h in map(host_of, feed_urls) if h), tuple(allowed))

    def _host_allowed(self, host: str) -> bool:
        return host in self.hosts or host in self.allowed

    def _address_allowed(self, address: Address) -> bool:
        if is_global(address):
            return True
        for entry in self.allowed:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False

    async def check(self, url: str) -> None:
        """Raise NetError (refused) when the URL's host resolves to an address this reach
        excludes; a host that does not resolve is a connect error."""
        if self.anywhere:
            return
        host = host_of(url)
        if self._host_allowed(host):
            return
        for address in await _resolve(host, url):
            if not self._address_allowed(address):
                raise _refused(host, address)

    def check_peer(self, url: str, peer: str | None) -> None:
        """The address the connection reached (None: not known), checked as `check` does (a name
        that resolved anew between the check and the connection). Through a proxy the peer is the
        proxy: not checked."""
        if peer is None or self.anywhere:
            return
        host = host_of(url)
        if self._host_allowed(host) or _proxied(url, host):
            return
        try:
            address = ipaddress.ip_address(peer.split("%")[0])
        except ValueError:
            return
        if not self._address_allowed(address):
            raise _refused(host, address)


ANYWHERE = Reach()


def is_global(address: Address) -> bool:
    """A globally routable address (an IPv4 address mapped into IPv6 is judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _refused(host: str, address: Address) -> NetError:
    return NetError(
        f"refused: {host} is a private address ({address}); a page a feed links to is fetched there only"
        " when asked (f, extract) or when [fetch] allow_private lists it",
        kind="refused",
    )


async def _resolve(host: str, url: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        port = urlsplit(url).port or 443
    except ValueError:
        port = 443
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise NetError(f"connection failed: cannot resolve {host}", kind="connect", reason=str(exc)) from None
    found: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        try:
            found.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            continue
    return found


def _proxied(url: str, host: str) -> bool:
    import urllib.request  # here: only a connection to a private address asks (its import: http.client, email)

    scheme = urlsplit(url).scheme.lower()
    proxies = urllib.request.getproxies()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(host)
