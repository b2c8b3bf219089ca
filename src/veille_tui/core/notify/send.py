"""One message handed to apprise, and what the target answered.

Apprise makes its own HTTP requests (it speaks each service's protocol): the one exception to
"HTTP only in core/net". Its log lines of the send are what we report."""

from __future__ import annotations

import logging

WEBHOOKS = ("json", "jsons", "form", "forms", "xml", "xmls")  # apprise's generic webhooks: they take headers
TIMEOUT = 30.0


def send(url: str, title: str, body: str, message_id: str | None = None) -> tuple[bool, str]:
    """(sent, what the target answered or why not). message_id: sent as an X-Veille-Message header
    to the generic webhooks, so that a receiver can drop a message it got twice."""
    import apprise

    if message_id and url.split("://", 1)[0].lower() in WEBHOOKS:
        url += ("&" if "?" in url else "?") + "+X-Veille-Message=" + message_id
    service = apprise.Apprise()
    if not service.add(url):
        return False, "not a URL apprise knows (https://github.com/caronc/apprise/wiki)"
    capture = apprise.LogCapture(level=logging.INFO, fmt="%(message)s")  # type: ignore[no-untyped-call]
    with capture as captured:
        ok = service.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT, timeout=TIMEOUT)
    said = [line for line in captured.getvalue().splitlines() if line and not line.startswith("Notifying ")]
    return bool(ok), "; ".join(said[-2:]) or ("sent" if ok else "not sent")
