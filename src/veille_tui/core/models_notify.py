"""What notifications are made of, for the config and the front ends (re-exported by models.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRIGGERS = ("watch", "asset", "kev")


@dataclass(frozen=True)
class NotifyTarget:
    """One `[[notify]]` table: an apprise URL (given, in an owner-only file, or printed by a
    command), an optional query the matches must also match, and what triggers a message."""

    url: str | None = None
    url_file: Path | None = None
    url_command: str | None = None
    query: str = ""
    on: tuple[str, ...] = ("watch", "asset")
    name: str = ""  # how messages and errors name it (default: the URL's scheme and host, or its source)
    position: int = 0  # its place among the [[notify]] tables, from 1

    @property
    def key(self) -> str:
        """What the database knows it by (its messages, its marks): the source of its URL, its query
        and its triggers, hashed (a URL may hold a token)."""
        import hashlib  # here: loading it is not free, and only the notifications need it
        import json

        source = [self.url, str(self.url_file) if self.url_file else None, self.url_command, self.query, list(self.on)]
        return hashlib.sha256(json.dumps(source).encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.url:
            scheme, _, rest = self.url.partition("://")
            host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
            return f"{scheme}://{host}"
        if self.url_file:
            return f"url_file {self.url_file}"
        return f"[[notify]] #{self.position} (url_command)"


@dataclass(frozen=True)
class NotifyOutcome:
    """What one target answered: a message (or the test) sent or not, and why not."""

    target: str  # its label
    ok: bool
    detail: str = ""  # what the target answered, or why nothing was sent
    sent: int = 0  # messages it took
    waiting: int = 0  # messages still waiting for it

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "ok": self.ok, "detail": self.detail, "sent": self.sent, "waiting": self.waiting}
