"""The [[notify]] tables read and checked: one URL source (url, url_file, url_command), a query, the
triggers (`on`), a name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from veille_tui.core.errors import ConfigError, QueryError
from veille_tui.core.models_notify import TRIGGERS, NotifyTarget
from veille_tui.core.query import parse as parse_query

KEYS = ("url", "url_file", "url_command", "query", "on", "name")


def parse_targets(raw: Any, path: Path) -> tuple[NotifyTarget, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: [[notify]] must be an array of tables")
    targets = []
    for n, table in enumerate(raw, 1):
        where = f"{path}: [[notify]] #{n}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s): {', '.join(unknown)} (known: {', '.join(KEYS)})")
        for key in ("url", "url_file", "url_command", "query", "name"):
            if key in table and not isinstance(table[key], str):
                raise ConfigError(f"{where}: {key} must be a string")
        sources = [key for key in ("url", "url_file", "url_command") if str(table.get(key, "")).strip()]
        if len(sources) != 1:
            raise ConfigError(
                f'{where} needs one of url = "ntfy://...", url_file or url_command (an apprise URL)'
                + (f", not several ({', '.join(sources)})" if sources else "")
            )
        if "url" in sources:
            _owner_only(path, n)
        query = table.get("query", "").strip()
        try:
            parse_query(query)
        except QueryError as exc:
            raise ConfigError(f"{where}: query: {exc}") from None
        on = table.get("on", ["watch", "asset"])
        if not isinstance(on, list) or not on or not all(isinstance(t, str) and t in TRIGGERS for t in on):
            raise ConfigError(f'{where}: on must list what triggers it: any of "watch", "asset", "kev"')
        url_file = None
        if "url_file" in sources:
            url_file = Path(table["url_file"].strip()).expanduser()
            if not url_file.is_absolute():
                url_file = path.parent / url_file
        targets.append(
            NotifyTarget(
                url=table["url"].strip() if "url" in sources else None,
                url_file=url_file,
                url_command=table["url_command"].strip() if "url_command" in sources else None,
                query=query,
                on=tuple(dict.fromkeys(on)),
                name=table.get("name", "").strip(),
                position=n,
            )
        )
    return tuple(targets)


def _owner_only(path: Path, n: int) -> None:
    """A URL written in the config itself may hold a token: only in a file nobody else can read (else
    url_file or url_command)."""
    from veille_tui.core.secret_files import check_owner_only

    check_owner_only(path, f"[[notify]] #{n} has its url (a token, maybe) in the config file", ConfigError)
