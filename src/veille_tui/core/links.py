"""Links: an item's link made absolute, and the key that matches it with a post's source URL.

- ``absolute_link``: what a feed gives as an item's link → an absolute http(s) URL (relative links
  resolved against the feed URL), cleaned and bounded, or None. This is the link stored and shown.
- ``normalize_link``: a link → its matching key (``link_norm`` in the store): scheme and host case
  (http counted as https), default port, trailing slash, utm_* (and fbclid, gclid...) parameters;
  the fragment is kept. Compared, never shown.
- ``host_entry``: a host name, an address or a network as `[fetch] allow_private` lists it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from veille_tui.core.text import clean

MAX_LINK = 2_048

_DEFAULT_PORTS = {"http": 80, "https": 443}

# tracking parameters: utm_* and the usual click ids (dropped from the key, and from a draft's Source)
TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|yclid|igshid)$")


def is_tracking(name: str) -> bool:
    return TRACKING.match(name.lower()) is not None


def without_tracking(url: str) -> str:
    """The URL with its tracking parameters (utm_*, fbclid, gclid...) dropped, the rest as it was
    (a draft's Source line, the digest's links)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


def absolute_link(link: str | None, base_url: str) -> str | None:
    """An absolute http(s) link, or None (relative links are resolved against the feed URL)."""
    if not link:
        return None
    link = clean(link).strip()
    if not link or len(link) > MAX_LINK:
        return None
    try:
        absolute = urljoin(base_url, link) if base_url else link
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute


def normalize_link(url: str | None) -> str | None:
    """Scheme and host lower-cased, default port and trailing slash dropped, tracking parameters
    (utm_*, fbclid, gclid...) removed.

    The fragment is kept: two links that differ only by fragment are different stories.
    Returns None for an empty or unusable link.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url or None
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc:
        return url or None
    host = (parts.hostname or "").lower()
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    if scheme == "http":
        # http and https links to the same page are the same story
        scheme = "https"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if path == "/":
        path = ""
    query = parts.query
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking(k)]
        query = urlencode(pairs)
    return urlunsplit((scheme, host, path, query, parts.fragment))


_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$")


def host_entry(value: str) -> str | None:
    """A host name, an address or a network (`10.0.0.0/8`) as kept (lower case, a network in its
    own notation), None when it is none of these."""
    text = value.strip().lower()
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        pass
    return text.rstrip(".") if _HOST_NAME.match(text) else None
