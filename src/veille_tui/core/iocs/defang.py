"""Defanged forms: what reports write so that nobody clicks (`evil[.]com`, `hxxps://`, `1.2.3[.]4`,
`a[at]b[.]com`) made plain again (refang), and a stored value shown defanged (defang)."""

from __future__ import annotations

import re

__all__ = ["defang", "is_defanged", "normal_url", "normalise", "refang"]

# the forms of a dot, an at sign, a colon and the http scheme that reports use
_DOT = re.compile(r"\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[\s\.\s\])\s?", re.IGNORECASE)
_AT = re.compile(r"\s?(?:\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\})\s?", re.IGNORECASE)
_COLON = re.compile(r"\[:\]|\(:\)|\{:\}")
_SLASHES = re.compile(r"\[://\]|\[:/\]/|\[/\]", re.IGNORECASE)
_SCHEME = re.compile(r"\b(?:hxxp|hxtp|htxp|h\*\*p|fxp)(s?)(?=\[?:)", re.IGNORECASE)
_BRACKETED_HOST = re.compile(r"(?<=://)\[(\d{1,3}(?:\.\d{1,3}){3})\]")
_MARKERS = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[@\]|\[at\]|\(at\)|\[:\]|hxxp|\[://\]", re.IGNORECASE)


def refang(text: str) -> str:
    """The plain form of a (possibly) defanged text."""
    if not _MARKERS.search(text) and "[" not in text:
        return text
    text = _SLASHES.sub(lambda m: "://" if ":" in m.group() else "/", text)
    text = _SCHEME.sub(lambda m: "http" + m.group(1).lower(), text)
    text = _COLON.sub(":", text)
    text = _DOT.sub(".", text)
    text = _AT.sub("@", text)
    return _BRACKETED_HOST.sub(r"\1", text)


def is_defanged(raw: str) -> bool:
    """Whether a raw match was written defanged (a deliberate indicator)."""
    return bool(_MARKERS.search(raw)) or raw.lower().startswith("hxxp")


def defang(kind: str, value: str) -> str:
    """A stored (plain) indicator as shown: nothing in it can be clicked or pasted by mistake."""
    if kind in {"md5", "sha1", "sha256", "sha512"}:
        return value
    if kind == "ipv6":
        return value.replace(":", "[:]")
    if kind == "ipv4":
        head, _, last = value.rpartition(".")
        return f"{head}[.]{last}"
    if kind == "url":
        scheme, sep, rest = value.partition("://")
        if not sep:
            return value.replace(".", "[.]")
        host, slash, path = rest.partition("/")
        return f"{scheme.replace('t', 'x', 2)}[://]{host.replace('.', '[.]')}{slash}{path}"
    if kind == "email":
        local, _, domain = value.rpartition("@")
        return f"{local}[@]{domain.replace('.', '[.]')}"
    return value.replace(".", "[.]")


_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def normal_url(url: str) -> str:
    """A URL as stored: cut at the first blank, control or bidi character, scheme and host lower
    case, trailing punctuation off."""
    cut = _UNSAFE.search(url)
    url = (url[: cut.start()] if cut else url).rstrip(".,;:!?)]}'\"")
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def normalise(value: str) -> str:
    """An indicator as stored, from its plain or defanged form ("" when nothing is left)."""
    value = refang(value.strip()).strip()
    if "://" in value:
        return normal_url(value)
    cut = _UNSAFE.search(value)
    return (value[: cut.start()] if cut else value).strip(".,;:!?()[]{}'\"").lower()
