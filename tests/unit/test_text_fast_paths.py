"""The fast paths of clean_line and normalize_tag (issue 22) give what the full passes give."""

from __future__ import annotations

import html
import random
import re

from veille_tui.core import text as t


def full_clean_line(value: str) -> str:
    value = html.unescape(value)
    value = t._ESCAPES.sub("", value)
    value = t._CONTROLS_INLINE.sub(" ", value)
    value = t._BIDI.sub("", value)
    return t._WS.sub(" ", value).strip()


def full_normalize_tag(value: str) -> str:
    tag = re.sub(r"\s+", "-", full_clean_line(value).lower())
    return t._TAG_JUNK.sub("", tag).strip("-.")


PIECES = [
    "a", "Z", "veille-cyber", "c2", " ", "  ", "\t", "\n", "\xa0", "\u2009", "\u3000", "\u2028", "\x85", "&amp;", "&#x27;",
    "&", "\x1b[31m", "\x1b", "\x9b", "\u202e", "\u2066", "\x00", "\x7f", "é", "’", "🚀", "-", ".", "_", "..", "--", "#",
]  # fmt: skip


def test_clean_line_and_normalize_tag_fast_paths_match_the_full_passes() -> None:
    rng = random.Random(22)
    samples = ["", "Plain title", " padded ", "veille-cyber", "-.tag.-", "a  b", "Ab", "x&y"]
    samples += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))) for _ in range(5000)]
    for sample in samples:
        assert t.clean_line(sample) == full_clean_line(sample), repr(sample)
        assert t.normalize_tag(sample) == full_normalize_tag(sample), repr(sample)
