"""How close an extracted main text is to the expected one: token F1 (the measure of the public
extraction benchmarks), used by bench/extract_compare.py and the extraction tests."""

from __future__ import annotations

import re
from collections import Counter

_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_WORD = re.compile(r"\w+")


def tokens(markdown: str) -> list[str]:
    """The words of a Markdown text, lower case: link targets, fences, pipes and marks left out."""
    return _WORD.findall(_LINK_TARGET.sub("]", markdown).lower().replace("```", " "))


def token_f1(found: str, expected: str) -> float:
    """F1 of the bag of words of `found` against `expected` (1.0: the same words, as often)."""
    got, want = Counter(tokens(found)), Counter(tokens(expected))
    if not got or not want:
        return 1.0 if got == want else 0.0
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)
