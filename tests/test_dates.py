"""Publication dates: the formats sources write them in, the ambiguity rule, and the traps."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchkit.dates import date_from_dateline, date_from_url, parse_date

AUG19 = date(2020, 8, 19)


@pytest.mark.parametrize(
    "text",
    [
        "2020-08-19",
        "2020-08-19T14:03:00",
        "2020-08-19T14:03:00Z",
        "2020-08-19T23:30:00.123-05:00",  # the day as written, not moved to UTC
        "2020-08-19 14:03",
        "20200819",
        "2020/08/19",
        "Wed, 19 Aug 2020 14:03:00 +0200",  # RFC 2822
        "Wed, 19 Aug 2020 14:03:00 GMT",
        "Aug. 19, 2020",
        "August 19, 2020",
        "Wednesday, August 19, 2020 at 3:45 PM",
        "19 August 2020",
        "19 Aug. 2020",
        "19th August 2020",
        "08/19/2020",
        "19/08/2020",
        "19.08.2020",
        "1597852800",  # Unix seconds, as CSV dumps write them
        "1597852800000",  # and milliseconds
    ],
)
def test_common_formats(text):
    assert parse_date(text) == AUG19


def test_reuters_dates_with_leading_space_and_one_digit_day():
    assert parse_date(" 5-MAR-1987 09:12:33.10") == date(1987, 3, 5)
    assert parse_date("26-FEB-1987 15:01:01.79") == date(1987, 2, 26)


def test_ambiguous_numeric_dates_are_month_first_unless_the_first_number_is_over_12():
    assert parse_date("08/09/2020") == date(2020, 8, 9)
    assert parse_date("13/09/2020") == date(2020, 9, 13)
    assert parse_date("09.08.2020") == date(2020, 8, 9)  # dotted dates are day first


def test_json_numbers_are_unix_time():
    assert parse_date(1597852800) == AUG19
    assert parse_date(1597852800123) == AUG19
    assert parse_date(True) is None


@pytest.mark.parametrize(
    "text",
    ["", "Aug. 9", "Wednesday", "August 2020", "yesterday", "2020-13-01", "31/02/2020", "08/19/20", "12345",
     "0000-00-00", "sometime next week"],
)
def test_incomplete_or_impossible_dates_are_not_guessed(text):
    assert parse_date(text) is None


def test_date_from_the_articles_own_url():
    assert date_from_url("https://www.example.org/2020/08/19/some-story") == AUG19
    assert date_from_url("https://x.example/news/2020-08-19-some-story") == AUG19
    assert date_from_url("https://x.example/2020/08/") is None
    assert date_from_url("https://x.example/story?from=/2020/08/19/") is None  # not in the path
    assert date_from_url("") is None


def test_dateline_needs_a_year_and_capitals():
    assert date_from_dateline("HARROWMOUTH, March 3, 2021 (EPA) — The council") == date(2021, 3, 3)
    assert date_from_dateline("VELGRAD, 3 March 2021 - The council") == date(2021, 3, 3)
    assert date_from_dateline("HARROWMOUTH, Oct 5 (EPA) - A storm") is None
    assert date_from_dateline("The Kremlin said Wednesday, Aug. 19, 2020 - that") is None


@given(st.one_of(st.text(max_size=100), st.integers(), st.floats(allow_nan=True)))
def test_parse_date_never_raises(value):
    result = parse_date(value)
    assert result is None or isinstance(result, date)
