"""XML entity bombs, named as such before any parser sees the document.

No parser here expands them into memory: lxml (the fast path) never resolves entities and declines
a DOCTYPE, expat stops at its amplification limit, and feedparser drops the declarations it does
not trust. But feedparser then reads on in its loose mode and the feed came in "ok" with titles
such as `&lol9;`, without a word. So a document whose internal DTD subset declares entities that
refer to themselves or expand beyond a bound ("billion laughs"), or whose references to them add up
beyond a bound ("quadratic blowup"), is refused with what it is.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from veille_tui.core.net.decode import size_text

MAX_ENTITY = 64 * 1024  # what one entity may expand to
MAX_TOTAL = 1024 * 1024  # what all the references of the document may expand to
_HEAD = 64 * 1024  # a DOCTYPE is looked for at the start of the document only (the prolog)

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.I)
_ENTITY = re.compile(
    rb"""<!ENTITY\s+(%\s+)?([^\s"'>%&;]+)\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM|PUBLIC)[^>]*)\s*>""",
    re.I,
)
_REF = re.compile(rb"[&%]([A-Za-z_:][\w.:-]*);")


class _Recursive(Exception):
    pass


def entity_bomb(data: bytes) -> str | None:
    """Why the document is an entity bomb, or None."""
    doctype = _DOCTYPE.search(data, 0, _HEAD)
    if doctype is None:
        return None
    end = data.find(b"]", doctype.end())
    subset = data[doctype.end() : end if end >= 0 else len(data)]
    values: dict[bytes, bytes] = {}
    for m in _ENTITY.finditer(subset):
        value = m.group(3) if m.group(3) is not None else m.group(4)
        if value is not None:
            values.setdefault(m.group(2), value)  # the first declaration wins, as in XML
    if not values:
        return None
    sizes: dict[bytes, int] = {}

    def size(name: bytes, path: tuple[bytes, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in path:
            raise _Recursive(name)
        value = values[name]
        total = len(_REF.sub(b"", value))
        for ref in _REF.findall(value):
            if ref in values:
                total += size(ref, (*path, name))
                if total > MAX_ENTITY:
                    break
        sizes[name] = total
        return total

    for name in values:
        try:
            grown = size(name, ())
        except (_Recursive, RecursionError):
            return f"refused: XML entity bomb (entity {_name(name)} refers to itself)"
        if grown > MAX_ENTITY:
            return f"refused: XML entity bomb (entity {_name(name)} expands to more than {size_text(MAX_ENTITY)})"
    body = data[end + 1 :] if end >= 0 else b""
    total = 0
    for ref in _REF.findall(body):
        total += sizes.get(ref, 0)
        if total > MAX_TOTAL:
            return f"refused: XML entity bomb (its entity references expand to more than {size_text(MAX_TOTAL)})"
    return None


def _name(name: bytes) -> str:
    return "'" + name.decode("utf-8", "replace")[:40] + "'"


def xml_error(data: bytes) -> tuple[int, str] | None:
    """(line, message) of the first well-formedness error of the document as it came (feedparser
    reports lines of its own rewritten copy), or None when expat finds none or cannot tell."""
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        if exc.code == xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNKNOWN_ENCODING]:
            return None
        return exc.lineno, xml.parsers.expat.errors.messages[exc.code]
    except (ValueError, RecursionError):
        return None
    return None
