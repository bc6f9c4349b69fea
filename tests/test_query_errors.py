"""Malformed queries and filters: one clear line each, as a QueryError, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import QueryError
from searchkit.query import parse_query
from searchkit.schema import make_schema

from newsroom import news  # noqa: F401 (fixture)

SCHEMA = make_schema()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("the of and", "nothing to search for"),
        ("nosuch:word", "unknown field 'nosuch:' at column 1: the fields are title:, people:, body:, source:, date:"),
        ("belarus Author:smith", "unknown field 'Author:' at column 9"),
        ("date:2020-13-45", "impossible date '2020-13-45' at column 6: there is no month 13"),
        ("date:2021-02-29", "impossible date '2021-02-29' at column 6: February 2021 has 28 days"),
        ("date:[2020-01-01 TO 2020-04-31]", "impossible date '2020-04-31' at column 6: April 2020 has 30 days"),
        ("date:yesterday", "'date:yesterday' at column 6: not a date"),
        ("date:[2021 TO 2020]", "it ends before it starts"),
        ("date:[2020 2021]", "write it like [2020-08-01 TO 2020-08-31]"),
        ("date:[2020 TO", "unclosed date range"),
        ('date:"2020"', "phrase after date:"),
        ("x [2020 TO 2021]", "ranges only work after date:"),
        ("title:(", "unbalanced parenthesis at column 7: this '(' is never closed"),
        ("belarus)", "unbalanced parenthesis at column 8: this ')' has no matching '('"),
        ('"unclosed phrase', "unclosed quote at column 1"),
        ("()", "empty parentheses at column 1"),
        ("belarus AND", "'AND' at column 9: it needs something on its right"),
        ("OR belarus", "'OR' at column 1: it needs something on its left"),
        ("belarus OR", "'OR' at column 9: it needs something on its right"),
        ("belarus AND OR minsk", "'OR' at column 13: it cannot follow 'AND'"),
        ("NOT NOT belarus", "'NOT' at column 5: it cannot follow 'NOT'"),
        ("belarus NOT", "'NOT' at column 9: it needs something after it"),
        ("-belarus", "the query only excludes"),
        ("NOT (belarus minsk)", "the query only excludes"),
        ("title: belarus", "'title:' at column 1: it needs a word"),
        ("title:", "'title:' at column 1: it needs a word"),
        ("*ing", "needs at least two letters before the '*'"),
        ("b*", "needs at least two letters before the '*'"),
        ("x-ra*", "'*' works on a single word"),
        ("lukashenka~3", "the fuzzy distance after '~' can be 1 or 2"),
        ("lukash*~", "both a wildcard and fuzzy"),
        ('"minsk protests"~', "'~' after a phrase at column 1"),
        ('"minsk protests"~500', "it can be at most ~100"),
        ('"?!"', "it has no words to search for"),
        ("(" * 40 + "x" + ")" * 40, "nested more than 32 deep"),
    ],
)
def test_malformed_query_has_its_own_message(news, query, expected):
    with pytest.raises(QueryError) as raised:
        news.search(query)
    message = str(raised.value)
    assert expected in message and len(message.splitlines()) == 1


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"since": "2020-13"}, "impossible date '2020-13' for since: there is no month 13"),
        ({"until": "soon"}, "until 'soon' is not a date"),
        ({"since": "2021", "until": "2020"}, "since 2021-01-01 is after until 2020-12-31"),
        ({"people": ["?"]}, "person '?' has no letters"),
        ({"source": "--"}, "source '--' has no letters"),
    ],
)
def test_malformed_filter_has_its_own_message(news, filters, expected):
    with pytest.raises(QueryError) as raised:
        news.search("harbour", **filters)
    assert expected in str(raised.value)


def test_query_error_is_a_value_error_and_searchkit_error(news):
    from searchkit import SearchkitError

    with pytest.raises(ValueError):
        news.search("date:2020-99")
    with pytest.raises(SearchkitError):
        news.search("date:2020-99")


# Pieces of the query language, so random strings reach deep into the grammar.
_PIECES = st.sampled_from(
    [" ", "(", ")", '"', "AND", "OR", "NOT", "-", "+", "*", "~", "~2", ":", "title:", "people:", "date:",
     "body:", "source:", "nosuch:", "[", "]", " TO ", "2020", "-08", "-13", ">=", "<", "lukash", "harbour",
     "the", "é", "’", "“", "x-ray", "^2", "\\", "\n", "\x00"]
)
_QUERIES = st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=12).map("".join))


@settings(max_examples=400, deadline=None)
@given(_QUERIES, st.booleans())
def test_parser_raises_nothing_but_query_error(text, any_terms):
    try:
        parse_query(text, SCHEMA, any_terms=any_terms)
    except QueryError as e:
        assert len(str(e).splitlines()) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_QUERIES)
def test_search_raises_nothing_but_query_error(news, text):
    try:
        results = news.search(text, limit=3)
    except QueryError:
        return
    assert results.total >= len(results.hits)
