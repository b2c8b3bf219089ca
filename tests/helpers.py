"""What every kind of test shares."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    """`value`, asserted not None: for lookups that may find nothing (an entry, a row, a feed) whose
    result the test goes on to read."""
    assert value is not None, "expected a value, found None"
    return value
