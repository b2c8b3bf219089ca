"""What a failed request tells the user: one NetError, its message already written for them."""

from __future__ import annotations

import sys
from http import HTTPStatus
from typing import Literal

from veille_tui.core.net.wire import ConnectFailed, ProtocolFailed
from veille_tui.core.text import clean_line

Kind = Literal["timeout", "connect", "refused", "http", "error"]


class NetError(Exception):
    """A request failed; str(exc) is what the user sees. kind: timeout, connect (the host could
    not be reached), refused (our own rules: scheme, size, address), http (an error status),
    error (the rest); reason: the short cause, without the kind's words; retry_after: seconds,
    from Retry-After on 429/503."""

    def __init__(
        self, message: str, *, kind: Kind = "error", reason: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.reason = reason or message
        self.retry_after = retry_after


def short_reason(exc: BaseException) -> str:
    text = clean_line(str(exc)) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def status_text(status: int, reason_phrase: str) -> str:
    """`HTTP 404 Not Found`: the standard phrase, else the server's (cleaned, short)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = clean_line(reason_phrase)[:80] or "error"
    return f"HTTP {status} {reason}"


def from_exception(exc: BaseException, timeout: float) -> NetError:
    """The NetError of a download that failed with exc (ours, httpx's or an OS error)."""
    if isinstance(exc, NetError):
        return exc
    reason = short_reason(exc)
    if isinstance(exc, TimeoutError):
        return NetError(f"timed out after {timeout:g} s", kind="timeout")
    if isinstance(exc, ConnectFailed):
        return NetError(f"connection failed: {reason}", kind="connect", reason=reason)
    if isinstance(exc, ProtocolFailed):
        return NetError(f"protocol error: {reason}", reason=reason)
    httpx = sys.modules.get("httpx")  # imported only when a request went through it (wire.py)
    if httpx is not None and isinstance(exc, httpx.HTTPError):
        if isinstance(exc, httpx.TimeoutException):
            return NetError(f"timed out after {timeout:g} s", kind="timeout")
        if isinstance(exc, httpx.ConnectError):
            return NetError(f"connection failed: {reason}", kind="connect", reason=reason)
        if isinstance(exc, httpx.DecodingError):
            return NetError(f"bad content encoding: {reason}", reason=reason)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.LocalProtocolError)):
            return NetError(f"protocol error: {reason}", reason=reason)
        if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return NetError(f"invalid URL: {reason}", kind="refused", reason=reason)
        return NetError(f"network error: {reason}", reason=reason)
    return NetError(f"error: {reason}", reason=reason)


def error_text(exc: BaseException, timeout: float) -> str:
    """What the user is told of a download that failed with exc."""
    return str(from_exception(exc, timeout))


def failures() -> tuple[type[BaseException], ...]:
    """What a request may raise besides NetError, caught and turned into one by from_exception
    (httpx's errors once httpx is imported)."""
    httpx = sys.modules.get("httpx")
    found: tuple[type[BaseException], ...] = (ProtocolFailed, OSError, ValueError, UnicodeError, TimeoutError)
    return (httpx.HTTPError, *found) if httpx is not None else found
