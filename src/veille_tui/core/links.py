"""Link normalisation: how an item's link is matched with a post's source URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_link(url: str | None) -> str | None:
    """Scheme and host lower-cased, default port and trailing slash dropped, utm_* removed.

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
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not k.lower().startswith("utm_")]
        query = urlencode(pairs)
    return urlunsplit((scheme, host, path, query, parts.fragment))
