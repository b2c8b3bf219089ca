"""A Google Reader API client (FreshRSS's `api/greader.php`, also Inoreader, The Old Reader...) on
a core/net Session: ClientLogin, the write token, subscriptions, quickadd, stream contents and item ids, edit-tag
and mark-all-as-read.

Every answer is untrusted: its size is capped, its JSON shape checked, and whatever is wrong with it
(no answer, HTML, garbage, 401) is one SyncError naming the server. What the items hold is checked
and cleaned in core/sync/items.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from veille_tui import __version__
from veille_tui.core.errors import SyncError
from veille_tui.core.net import NetError, Session, TooLarge

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"

MAX_JSON = 64 * 1024 * 1024  # one page of stream contents (items of up to 500 KB each, FreshRSS)
MAX_SMALL = 4 * 1024 * 1024  # the other answers
PAGE_ITEMS = 250  # items per stream/contents page
PAGE_IDS = 10_000  # ids per stream/items/ids page
# item ids per edit-tag request: the server's cost is per request more than per id (FreshRSS: one
# commit or two each, 1 s to 20 s on a busy disk; batches of 100 took three times as long as batches
# of 1,000). The token and the state go first in the form, and a batch stays under PHP's
# max_input_vars (1,000 fields; past it PHP warns on every request, and FreshRSS was no faster); a
# server that refuses a batch is asked again in halves, down to SMALLEST_BATCH.
EDIT_BATCH = 900
SMALLEST_BATCH = 100
# the pages of one crawl (250,000 items, 10 million ids): a server still answering "there is more"
# after that never ends (its bug, not a loop of ours)
MAX_PAGES = 1_000


class Refused(SyncError):
    """The server answered, but not what was asked (an error status, not OK)."""


class Crawl:
    """The continuation of one crawl, checked: it ends where the server says there is no more, or
    at a continuation it gave before, a page with nothing not seen already in this crawl, or
    MAX_PAGES pages; `cut` then says why (what was read is kept by the caller)."""

    def __init__(self, path: str, max_pages: int) -> None:
        self.path = path
        self.max_pages = max_pages
        self.pages = 0
        self.seen: set[str] = set()
        self.cut: str | None = None

    def more(self, continuation: str | None, size: int, new: int) -> bool:
        """After a page of `size` entries, `new` of them never seen in this crawl: ask for another?"""
        self.pages += 1
        if not continuation or not size:  # the end (an empty page: the end too, as servers send it)
            return False
        reason = None
        if continuation in self.seen:
            reason = "a continuation it gave before"
        elif not new:
            reason = "a page of nothing new"
        elif self.pages >= self.max_pages:
            reason = f"still more after {self.pages} pages"
        if reason is not None:
            self.cut = f"{self.path} never ended ({reason}): stopped after {self.pages} page(s)"
            return False
        self.seen.add(continuation)
        return True


class GReaderClient:
    """One session with the server: `login()` first (each call logs in when needed)."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        timeout: float = 20.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.user = user
        self._password = password
        self._auth: str | None = None
        self._token: str | None = None
        self.max_pages = MAX_PAGES
        self.cuts: list[str] = []  # the crawls of this session that the server never ended (Crawl.cut)
        self.http = Session(timeout, f"veille-tui/{__version__} (+feed reader)")

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> GReaderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the transport of one call --------------------------------------------------------------

    def _fail(self, reason: str) -> SyncError:
        return SyncError(f"team server {self.url}: {reason}")

    def _refused(self, reason: str) -> Refused:
        return Refused(f"team server {self.url}: {reason}")

    def _send(self, method: str, path: str, limit: int, **kwargs: Any) -> tuple[int, Mapping[str, str], bytes]:
        url = f"{self.url}/{path}"
        headers = {"Authorization": f"GoogleLogin auth={self._auth}"} if self._auth else {}
        content = None
        if "data" in kwargs:  # a form, keys repeated (`i=1&i=2...`): encoded here
            content = urlencode(_pairs(kwargs.pop("data"))).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        params = {str(k): str(v) for k, v in (kwargs.pop("params", None) or {}).items()}
        try:
            return self.http.send(method, url, limit, headers=headers, content=content, params=params or None)
        except TooLarge:
            raise self._fail(f"an answer larger than {limit // (1024 * 1024)} MB to {path}: refused") from None
        except NetError as exc:
            if exc.kind == "timeout":
                raise self._fail("no answer in time (timeout)") from None
            if exc.kind == "connect":
                raise self._fail(f"cannot be reached ({exc.reason})") from None
            raise self._fail(f"the connection failed ({exc.reason})") from None

    def _call(self, method: str, path: str, *, limit: int = MAX_SMALL, write: bool = False, **kwargs: Any) -> bytes:
        """One API call, logged in, with the write token for a write. A 401 takes a new write token
        (when the server says the token is bad) or logs in again, once each, before it is an error."""
        if self._auth is None:
            self.login()
        base = _pairs(kwargs.pop("data", None))
        new_token = logged_again = False
        while True:
            if write:  # the token first (a server may cut a long form)
                kwargs["data"] = [("T", self.token()), *base]
            elif base:
                kwargs["data"] = base
            status, headers, body = self._send(method, path, limit, **kwargs)
            if status != 401:
                self._check_status(status, headers, body, path)
                return body
            if write and not new_token and headers.get("Google-Bad-Token", "").lower() == "true":
                new_token, self._token = True, None
            elif not logged_again:
                logged_again, self._auth, self._token = True, None, None
                self.login()
            else:
                raise self._fail(f"refused the login of {self.user!r} (401 Unauthorized after logging in again)")

    def _check_status(self, status: int, headers: Mapping[str, str], body: bytes, path: str) -> None:
        if status == 401:
            raise self._fail(f"refused the login of {self.user!r} (401 Unauthorized)")
        if status >= 400:
            hint = _body_hint(headers, body)
            raise self._refused(f"answered {status} to {path}" + (f": {hint}" if hint else ""))

    def _json(self, body: bytes, path: str, key: str, kind: type) -> Any:
        """The `key` member of a JSON object answer, of type `kind`; anything else is an error."""
        if body.lstrip()[:1] == b"<":
            raise self._fail(
                f"answered HTML to {path}, not the Google Reader API (is [sync] url the API base, such as"
                " https://HOST/api/greader.php?)"
            )
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise self._fail(f"answered something that is not JSON to {path}: {_preview(body)}") from None
        if not isinstance(data, dict) or not isinstance(data.get(key, kind()), kind):
            raise self._fail(f"answered JSON of an unexpected shape to {path} (no {key!r} {kind.__name__})")
        return data.get(key, kind())

    # --- the API --------------------------------------------------------------------------------

    def login(self) -> None:
        """ClientLogin: the user and password give the session's Auth."""
        status, headers, body = self._send(
            "POST", "accounts/ClientLogin", MAX_SMALL, data={"Email": self.user, "Passwd": self._password}
        )
        if status in (401, 403):
            raise self._fail(f"refused the login of {self.user!r} (wrong user or API password?)")
        self._check_status(status, headers, body, "accounts/ClientLogin")
        text = body.decode("utf-8", "replace")
        auth = next((line[5:].strip() for line in text.splitlines() if line.startswith("Auth=")), "")
        if not auth or len(auth) > 1024 or any(c.isspace() for c in auth):
            kind = "HTML" if text.lstrip().startswith("<") else "no Auth= line"
            raise self._fail(f"answered the login with {kind}, not the Google Reader API: {_preview(body)}")
        self._auth = auth

    def token(self) -> str:
        """The write token (asked once; asked again when the server says it expired)."""
        if self._token is None:
            body = self._call("GET", "reader/api/0/token")
            token = body.decode("utf-8", "replace").strip()
            if not token or len(token) > 1024 or any(c.isspace() for c in token) or token.startswith("<"):
                raise self._fail(f"answered the token request with {_preview(body)}")
            self._token = token
        return self._token

    def subscriptions(self) -> list[dict[str, Any]]:
        """The server's subscriptions, as it sends them (checked in core/sync/items.py)."""
        path = "reader/api/0/subscription/list"
        body = self._call("GET", path, params={"output": "json"})
        subs: list[Any] = self._json(body, path, "subscriptions", list)
        return [s for s in subs if isinstance(s, dict)]

    def quickadd(self, feed_url: str) -> str:
        """Subscribe the server to a feed; returns its stream id there (`feed/12`)."""
        path = "reader/api/0/subscription/quickadd"
        body = self._call("POST", path, write=True, data={"quickadd": feed_url})
        data = self._json(body, path, "streamId", str)
        if not data:
            error = self._json(body, path, "error", str)
            raise self._fail(f"could not subscribe to {feed_url}" + (f": {_preview(error.encode())}" if error else ""))
        return str(data)

    def stream_items(self, since: int = 0, stream: str = READING_LIST) -> Iterator[list[dict[str, Any]]]:
        """Pages of the items of a stream crawled at or after `since` (seconds; 0: all), newest
        first, following the continuation."""
        path = f"reader/api/0/stream/contents/{stream}"
        params: dict[str, Any] = {"n": PAGE_ITEMS, "output": "json"}
        if since:
            params["ot"] = since
        crawl = Crawl(path, self.max_pages)
        seen: set[str] = set()
        while True:
            body = self._call("GET", path, params=params, limit=MAX_JSON)
            items: list[Any] = self._json(body, path, "items", list)
            page = [i for i in items if isinstance(i, dict)]
            yield page
            before = len(seen)
            seen.update(str(i.get("id")) for i in page)
            continuation = self._json(body, path, "continuation", str)
            if not crawl.more(continuation, len(items), len(seen) - before):
                break
            params["c"] = continuation
        if crawl.cut:
            self.cuts.append(crawl.cut)

    def item_ids(self, stream: str, exclude: str | None = None) -> set[int]:
        """The ids of every item of a stream (`user/-/state/com.google/starred`; the reading list
        less the read ones: the unread ids)."""
        path = "reader/api/0/stream/items/ids"
        params: dict[str, Any] = {"s": stream, "n": PAGE_IDS, "output": "json"}
        if exclude:
            params["xt"] = exclude
        found: set[int] = set()
        crawl = Crawl(f"{path} ({stream})", self.max_pages)
        while True:
            before = len(found)
            body = self._call("GET", path, params=params)
            refs: list[Any] = self._json(body, path, "itemRefs", list)
            for ref in refs:
                item_id = parse_item_id(ref.get("id")) if isinstance(ref, dict) else None
                if item_id is None:
                    raise self._fail(f"answered an item id that is not one to {path}: {_preview(repr(ref).encode())}")
                found.add(item_id)
            continuation = self._json(body, path, "continuation", str)
            if not crawl.more(continuation, len(refs), len(found) - before):
                break
            params["c"] = continuation
        if crawl.cut:
            self.cuts.append(crawl.cut)
        return found

    def edit_tag(self, ids: Sequence[int], *, add: str | None = None, remove: str | None = None) -> None:
        """Add or remove a state (READ, STARRED) on these items, EDIT_BATCH ids a request."""
        for start in range(0, len(ids), EDIT_BATCH):
            self._edit_batch(list(ids[start : start + EDIT_BATCH]), add, remove)

    def _edit_batch(self, ids: list[int], add: str | None, remove: str | None) -> None:
        data = [("a", add)] if add else []
        if remove:
            data.append(("r", remove))
        data += [("i", str(i)) for i in ids]
        try:
            self._expect_ok(self._call("POST", "reader/api/0/edit-tag", write=True, data=data), "edit-tag")
        except Refused:
            if len(ids) <= SMALLEST_BATCH:
                raise
            half = len(ids) // 2
            self._edit_batch(ids[:half], add, remove)
            self._edit_batch(ids[half:], add, remove)

    def mark_all_as_read(self, stream: str, older_than_us: int = 0) -> None:
        """Every item of a stream (`feed/12`, a label, the reading list) read on the server, those
        crawled before `older_than_us` (microseconds; 0: now, FreshRSS's own 0 means the second
        begun, leaving out what it stored in it)."""
        data = [("s", stream), ("ts", str(older_than_us or int(time.time() * 1_000_000)))]
        self._expect_ok(self._call("POST", "reader/api/0/mark-all-as-read", write=True, data=data), "mark-all-as-read")

    def _expect_ok(self, body: bytes, path: str) -> None:
        if body.strip() != b"OK":
            raise self._refused(f"answered {path} with {_preview(body)} instead of OK")


def parse_item_id(raw: object) -> int | None:
    """An item id as the API gives it: 64-bit decimal (`1733068800123456`), or the long form
    `tag:google.com,2005:reader/item/<16 hex digits>`; None when it is neither."""
    if not isinstance(raw, str) or len(raw) > 80:
        return None
    if raw.startswith("tag:google.com,2005:reader/item/"):
        digits = raw.rsplit("/", 1)[1]
        if not digits or len(digits) > 16 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            return None
        value = int(digits, 16)
    elif raw.isascii() and raw.isdigit() and len(raw) <= 20:
        value = int(raw)
    else:
        return None
    return value if 0 < value < 2**63 else None


def _pairs(data: Any) -> list[tuple[str, str]]:
    if data is None:
        return []
    if isinstance(data, dict):
        return [(str(k), str(v)) for k, v in data.items()]
    return list(data)


def _preview(body: bytes, limit: int = 80) -> str:
    """A short, printable look at what the server sent."""
    text = body[: limit * 4].decode("utf-8", "replace")
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    text = " ".join(text.split())
    return repr(text[:limit] + ("…" if len(text) > limit else "")) if text else "an empty answer"


def _body_hint(headers: Mapping[str, str], body: bytes) -> str:
    if "html" in headers.get("content-type", "").lower() or body.lstrip()[:1] == b"<":
        return "an HTML page (is [sync] url the API base, such as https://HOST/api/greader.php?)"
    return _preview(body) if body.strip() else ""
