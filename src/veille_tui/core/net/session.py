"""A synchronous session with one server (the team server): each answer's size capped, every
failure one NetError (kind: timeout, connect, error)."""

from __future__ import annotations

from collections.abc import Mapping

from veille_tui.core.net.errors import NetError, short_reason


class TooLarge(NetError):
    """An answer larger than the limit asked."""


class Session:
    def __init__(self, timeout: float, user_agent: str, follow_redirects: bool = True) -> None:
        import httpx  # here: only a sync with the team server needs it (its import: ~0.1 s)

        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout), headers={"User-Agent": user_agent}, follow_redirects=follow_redirects
        )

    def close(self) -> None:
        self.http.close()

    def send(
        self,
        method: str,
        url: str,
        limit: int,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        params: Mapping[str, str] | None = None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """(status, headers, body); TooLarge past `limit` bytes."""
        import httpx

        try:
            with self.http.stream(method, url, headers=headers, content=content, params=params) as resp:
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise TooLarge(f"an answer larger than {limit // (1024 * 1024)} MB", kind="refused")
                return resp.status_code, resp.headers, bytes(body)
        except httpx.TimeoutException:
            raise NetError("no answer in time (timeout)", kind="timeout") from None
        except httpx.ConnectError as exc:
            raise NetError("connection failed", kind="connect", reason=short_reason(exc)) from None
        except httpx.HTTPError as exc:
            raise NetError("network error", reason=short_reason(exc)) from None
