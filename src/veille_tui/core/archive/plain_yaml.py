"""The YAML front matter the archive's posts are written in, read without a YAML parser: lines of
`key: value` (a quoted string, a date, a plain word or path) and `key:` followed by `- item` lines.
Anything else, or anything YAML would read otherwise (`yes`, a number, a time, an escape, a
comment, a second line of a value, a control character), is None: the caller parses it with YAML.

Where it answers, it answers what PyYAML's safe loader gives, value for value and type for type
(tests/unit/test_plain_yaml.py compares them on every post of the real archive and on our
fixtures); it takes about a tenth of the time, and no import of yaml."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

__all__ = ["parse"]

# what YAML reads in a way of its own, or rejects: controls (tab and CR included), C1 (NEL),
# surrogates, the non-characters, a byte-order mark (the Unicode line and paragraph separators
# are read in quoted values only, as YAML does: _BREAK)
_ODD = re.compile(r"[^\n -~\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
# in a quoted value, YAML keeps a line or paragraph separator and drops the spaces around it
_BREAK = re.compile(r" *([\u2028\u2029]) *")
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(?: +(\S.*?))? *")
_ITEM = re.compile(r"( *)- +(\S.*?) *")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# a plain value: a letter or a slash first (YAML 1.1 reads no number, date or null so), no
# colon or hash anywhere (a mapping, a comment)
_PLAIN = re.compile(r"[A-Za-z/][^:#\u2028\u2029]*")
# plain words YAML 1.1 reads as booleans or null (and a few more, to be safe)
_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n"})
_NOT = object()  # not a value this reader answers for


def parse(header: str) -> dict[str, Any] | None:
    """The front matter as YAML's safe loader reads it, or None when it is not of the plain
    shape (then YAML must read it)."""
    meta: dict[str, Any] = {}
    items: list[Any] | None = None  # the list of the last `key:` line with no value
    indent = -1
    for line in header.split("\n"):
        if not line.isprintable() and _ODD.search(line):  # (what is printable is never odd: a quick test)
            return None
        if not line.strip(" "):
            continue
        item = _ITEM.fullmatch(line)
        if item is not None:
            if items is None or (indent >= 0 and len(item.group(1)) != indent):
                return None
            indent = len(item.group(1))
            value = _scalar(item.group(2))
            if value is _NOT:
                return None
            items.append(value)
            continue
        pair = _KEY.fullmatch(line)
        if pair is None:
            return None
        key, raw = pair.groups()
        if key in meta or key.lower() in _WORDS:
            return None
        items, indent = None, -1
        if raw is None:
            items = []
            meta[key] = items
        else:
            value = _scalar(raw)
            if value is _NOT:
                return None
            meta[key] = value
    return {key: (None if value == [] else value) for key, value in meta.items()}


def _scalar(raw: str) -> Any:
    if raw[0] == "'":
        quoted = _SINGLE.fullmatch(raw)
        return _breaks(quoted.group(1).replace("''", "'")) if quoted else _NOT
    if raw[0] == '"':
        quoted = _DOUBLE.fullmatch(raw)
        return _breaks(quoted.group(1)) if quoted else _NOT
    day = _DATE.fullmatch(raw)
    if day is not None:
        try:
            return date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
        except ValueError:
            return _NOT  # YAML says why
    if _PLAIN.fullmatch(raw) and raw.lower() not in _WORDS:
        return raw
    return _NOT


def _breaks(value: str) -> str:
    return _BREAK.sub(r"\1", value) if "\u2028" in value or "\u2029" in value else value
