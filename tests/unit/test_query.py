"""The query language: parsing, compiling, and that no input crashes it."""

from __future__ import annotations

import sqlite3
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille_tui.core.errors import QueryError
from veille_tui.core.query import VISIBLE, compile_sql, parse
from veille_tui.core.update import open_store


def test_parse_terms() -> None:
    q = parse('+certfr -krebs @7d feed:bleeping is:unread cve:cve-2026-1234 ransomware "guest diary"')
    assert q.tags == ("certfr",)
    assert q.not_tags == ("krebs",)
    assert q.since == ("7d",)
    assert q.feeds == ("bleeping",)
    assert q.flags == ("unread",)
    assert q.cves == ("CVE-2026-1234",)
    assert q.words == ("ransomware",)
    assert q.phrases == ("guest diary",)


@pytest.mark.parametrize("bad", ['"unclosed', "+", "@", "@tomorrow", "@2026-02-30", "is:sleepy", "cve:1234", "feed:"])
def test_malformed_queries_are_errors_with_a_message(bad) -> None:
    with pytest.raises(QueryError) as info:
        parse(bad)
    assert str(info.value)


def test_since_relative_and_absolute() -> None:
    where, params = compile_sql(parse("@2w"), now=1_000_000_000)
    assert where == f"{VISIBLE} AND e.ts >= ?" and params == [1_000_000_000 - 14 * 86400]
    _, params = compile_sql(parse("@2026-08-01"))
    assert params == [1785542400]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return open_store(tmp_path_factory.mktemp("q") / "db.sqlite")


SURROGATES: tuple[Literal["Cs"]] = ("Cs",)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=SURROGATES), max_size=60))
def test_no_input_crashes_the_parser_or_the_database(store, text) -> None:
    try:
        query = parse(text)
    except QueryError:
        return
    try:
        store.entries(query, limit=5)
        store.count(query)
    except QueryError:
        pass  # a message for the user, never an sqlite3 error
    except sqlite3.Error as exc:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"{text!r} reached SQLite as {exc}")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["+", "-", "@", '"', "is:", "feed:", "cve:", "NEAR(", "*", "OR", "AND", "(", ")", ":", "^", "a", "é", " "]
        ),
        max_size=12,
    )
)
def test_fts_syntax_never_leaks(store, parts) -> None:
    text = "".join(parts)
    try:
        store.count(text)
    except QueryError:
        pass
