"""Analyses stage: attention over time, the selected articles counted per day, week, month or year.

Counts come from the index's sortable date column (one number per article), never
from the stored articles. (Reading the column for all of 100,000 articles took less
time than looking up each day in the date field's lexicon.) Every period of the span is listed, those with no article
as zero, so a chart shows the gaps. :func:`chart` draws a timeline as bars for a
terminal of a given width.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .errors import QueryError
from .selection import Selection

PERIODS = ("day", "week", "month", "year")
MAX_PERIODS = 100_000  # more rows than anyone can read: surely a span or a --by given by mistake
_EIGHTHS = " ▏▎▍▌▋▊▉"  # partial blocks, so bars of close counts still differ


@dataclass
class Period:
    """One day, ISO week (Monday to Sunday), month or year, and how many selected articles it holds."""

    label: str  # 2020-08-19, 2020-W34, 2020-08 or 2020
    start: date
    end: date
    count: int

    def to_dict(self) -> dict:
        return {"period": self.label, "start": self.start.isoformat(), "end": self.end.isoformat(), "count": self.count}


@dataclass
class Timeline:
    """Matching articles counted per period, oldest first; ``total`` includes the ``undated``."""

    query: str | None
    by: str
    periods: list[Period] = field(default_factory=list)
    total: int = 0
    undated: int = 0
    took_ms: float = 0.0

    @property
    def peak(self) -> Period | None:
        """The first period with the most articles."""
        return max(self.periods, key=lambda p: p.count, default=None)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "by": self.by,
            "total": self.total,
            "undated": self.undated,
            "took_ms": round(self.took_ms, 2),
            "periods": [p.to_dict() for p in self.periods],
        }


def period_start(day: date, by: str) -> date:
    """The first day of the period of ``by`` that holds ``day``."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next_start(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _periods_between(start: date, stop: date, by: str) -> int:
    """How many periods of ``by`` run from the one starting ``start`` to the one starting ``stop``."""
    if by in ("day", "week"):
        return (stop - start).days // (7 if by == "week" else 1) + 1
    months = (stop.year - start.year) * 12 + stop.month - start.month
    return (months if by == "month" else stop.year - start.year) + 1


def _label(start: date, by: str) -> str:
    if by == "day":
        return start.isoformat()
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{start.year}-{start.month:02d}"
    return str(start.year)


def day_counts(selection: Selection) -> tuple[Counter, int]:
    """How many selected articles fall on each day, and how many have no date."""
    reader = selection.reader
    datefield = reader.schema["date"]
    per_value: Counter = Counter()
    for segment, docnums in selection.by_segment():
        # A segment without the column gives every article the "no date" value.
        column = segment.column_reader("date", translate=False)
        per_value.update(map(column.__getitem__, docnums))
    undated = per_value.pop(datefield.default, 0)
    days: Counter = Counter()
    for value, n in per_value.items():  # one conversion per distinct day, not per article
        days[datefield.from_column_value(value).date()] += n
    return days, undated


def make_timeline(
    selection: Selection, by: str, *, query: str | None = None, since: date | None = None, until: date | None = None
) -> Timeline:
    """Count ``selection`` per period of ``by``, from ``since`` (else the first match) to ``until`` (else the last)."""
    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}, not {by!r}")
    days, undated = day_counts(selection)
    timeline = Timeline(query, by, total=sum(days.values()) + undated, undated=undated)
    first, last = since or min(days, default=None), until or max(days, default=None)
    if first is None or last is None or first > last:
        return timeline
    counts: Counter = Counter()
    for day, n in days.items():
        counts[period_start(day, by)] += n
    start, stop = period_start(first, by), period_start(last, by)
    if _periods_between(start, stop, by) > MAX_PERIODS:
        raise QueryError(f"more than {MAX_PERIODS} periods from {first} to {last}: count by a longer period")
    while start <= stop:
        following = _next_start(start, by)
        timeline.periods.append(Period(_label(start, by), start, following - timedelta(days=1), counts[start]))
        start = following
    return timeline


def chart(timeline: Timeline, width: int) -> list[str]:
    """The timeline as lines of ``label count bar``, at most ``width`` characters each.

    The longest bar fills what the labels and counts leave of the width, the others are
    scaled to it in eighths of a character; a period with any article gets at least an
    eighth. Too narrow for bars, the lines keep only labels and counts.
    """
    periods = timeline.periods
    if not periods:
        return []
    label_width = max(len(p.label) for p in periods)
    top = max(p.count for p in periods)
    count_width = len(str(top))
    room = width - label_width - count_width - 2
    lines = []
    for p in periods:
        line = f"{p.label:<{label_width}} {p.count:>{count_width}}"
        if room > 0 and p.count:
            eighths = max(1, round(p.count * room * 8 / top))
            full, part = divmod(eighths, 8)
            line += " " + "█" * full + _EIGHTHS[part].strip()
        lines.append(line)
    return lines
