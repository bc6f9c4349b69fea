"""Dates stage: turn the date strings sources give into ``datetime.date``.

Only metadata dates are parsed here (a record's date field, the article's own
URL, a dateline that opens the story); dates mentioned in body text are never
publication dates. Nothing is guessed: a string that matches none of the known
shapes gives ``None``. A date is the calendar day as written, not moved to UTC.

Slashed or dashed all-number dates (``08/09/2020``) are read month first, unless
the first number is over 12 (``19/08/2020`` is 19 August); dotted ones
(``19.08.2020``) are always day first; two-digit years are not read.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_tz

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:(?:\s+|T|,\s*|\s+at\s+)\d.*)?"

# Whole-string shapes, tried in order. Reuters writes " 5-MAR-1987 09:12:33.10".
_SHAPES = [
    re.compile(rf"{_YEAR}-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME}", re.I),  # ISO 8601
    re.compile(rf"{_YEAR}(?P<month>\d{{2}})(?P<day>\d{{2}})(?:T\d{{2}}:?\d{{2}}.*)?"),  # 20200819
    re.compile(rf"{_YEAR}/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}}){_TIME}"),  # 2020/08/19
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}", re.I),  # Aug. 19, 2020
    re.compile(rf"{_WEEKDAY}{_DAY}(?:\s+|-|\s*\.\s*){_MONTH},?(?:\s+|-){_YEAR}{_TIME}", re.I),  # 19 Aug 2020
    re.compile(rf"(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.{_YEAR}{_TIME}"),  # 19.08.2020: day first
    re.compile(rf"(?P<a>\d{{1,2}})(?P<sep>[/-])(?P<b>\d{{1,2}})(?P=sep){_YEAR}{_TIME}"),  # 08/19/2020
]

# An article's own URL: /2020/08/19/ or /2020-08-19/ as whole path segments.
_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)([/-])(?P<month>0?[1-9]|1[0-2])\2(?P<day>0?[1-9]|[12]\d|3[01])(?:[/-]|$)")
# A dateline opening a story: "HARROWMOUTH, March 3, 2021 -" or "VELGRAD, 3 March 2021 (EPA) —".
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40},\s+(?P<when>[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
    r"(?:\s*\([^)]{1,30}\))?\s*[-–—:]"
)


def _make(year: int, month: int, day: int) -> date | None:
    if not 1000 <= year <= 2999:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(text: str) -> int | None:
    return int(text) if text.isdigit() else _MONTHS.get(text.lower())


def parse_date(value: str | int | float | None) -> date | None:
    """Parse a metadata date (a string, or Unix seconds or milliseconds); ``None`` when not understood.

    Digits alone are Unix time when there are 9-10 (seconds) or 12-13 (milliseconds), ``YYYYMMDD`` when 8.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) > 1e11 else value  # milliseconds are common in JSON dumps
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    s = " ".join(str(value).split())
    if not s or len(s) > 80:
        return None
    if re.fullmatch(r"\d{9,10}(?:\.\d+)?|\d{12,13}", s):  # Unix time written out, as in CSV dumps
        return parse_date(float(s))
    for shape in _SHAPES:
        m = shape.fullmatch(s)
        if not m:
            continue
        parts = m.groupdict()
        if parts.get("a"):
            a, b = int(parts["a"]), int(parts["b"])
            month, day = (b, a) if a > 12 else (a, b)
        else:
            month, day = _month_number(parts["month"]), int(parts["day"])
        if month:
            return _make(int(parts["year"]), month, day)
        return None
    parsed = parsedate_tz(s)  # RFC 2822: "Wed, 19 Aug 2020 14:03:00 +0200"
    if parsed and parsed[0] and parsed[1] and parsed[2]:
        return _make(parsed[0], parsed[1], parsed[2])
    return None


def date_from_url(url: str | None) -> date | None:
    """The date in an article's own URL path (``/2020/08/19/``), or ``None``."""
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", str(url).strip(), flags=re.I).split("?", 1)[0]
    m = _URL_DATE.search(path)
    return _make(int(m["year"]), int(m["month"]), int(m["day"])) if m else None


def date_from_dateline(text: str | None) -> date | None:
    """The date in a dateline that opens a story and names the year, or ``None``."""
    if not text:
        return None
    m = _DATELINE.match(text.lstrip()[:160])
    return parse_date(m["when"]) if m else None
