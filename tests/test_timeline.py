"""Timeline: matching articles counted per period, empty periods kept, drawn as bars at any width."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchkit import Index, QueryError
from searchkit.timeline import PERIODS, Period, Timeline, chart, period_start

from archive import ARTICLES, MONTHS, archive, run  # noqa: F401 (fixtures)


def counts(timeline) -> dict[str, int]:
    return {p.label: p.count for p in timeline.periods}


def test_every_month_of_the_span_is_listed_with_zeros_between(archive):
    timeline = archive.timeline(by="month")
    labels = [p.label for p in timeline.periods]
    assert labels[0] == "2020-08" and labels[-1] == "2022-01" and len(labels) == 18
    assert counts(timeline) == {label: MONTHS.get(label, 0) for label in labels}
    assert counts(timeline)["2021-04"] == 0 and counts(timeline)["2021-06"] == 0
    assert (timeline.total, timeline.undated) == (len(ARTICLES), 1)
    assert timeline.peak.label == "2020-08"  # 3 articles, the first of the months with 3


def test_a_query_and_filters_select_like_search(archive):
    strike = archive.timeline("dockers", by="month")
    assert counts(strike) == {"2021-03": 2, "2021-04": 0, "2021-05": 1, "2021-06": 0, "2021-07": 2}
    assert archive.search("dockers").total == strike.total == 5
    lavrov = archive.timeline(by="year", people=["Lavrov"])
    assert counts(lavrov) == {"2020": 1}
    herald = archive.timeline("storm", by="day", source="herald")
    assert counts(herald) == {"2021-12-05": 1, "2021-12-06": 1}


def test_days_weeks_and_years(archive):
    days = archive.timeline("sorokina", by="day")
    assert counts(days) == {"2022-01-15": 1, "2022-01-16": 1, "2022-01-17": 0, "2022-01-18": 1}
    weeks = archive.timeline("sorokina", by="week")
    # ISO weeks run Monday to Sunday: the 15th and 16th (Sat, Sun) are week 2, the 18th week 3.
    assert counts(weeks) == {"2022-W02": 2, "2022-W03": 1}
    assert (weeks.periods[0].start, weeks.periods[0].end) == (date(2022, 1, 10), date(2022, 1, 16))
    years = archive.timeline(by="year")
    assert counts(years) == {"2020": 6, "2021": 7, "2022": 3}


def test_since_and_until_set_the_span(archive):
    timeline = archive.timeline("lukashenko", by="month", since="2020-07", until="2020-12")
    assert counts(timeline) == {"2020-07": 0, "2020-08": 3, "2020-09": 2, "2020-10": 0, "2020-11": 0, "2020-12": 0}
    assert [p.to_dict() for p in timeline.periods][0] == {
        "period": "2020-07", "start": "2020-07-01", "end": "2020-07-31", "count": 0
    }


def test_nothing_matching_gives_no_periods(archive):
    timeline = archive.timeline("zanzibar")
    assert (timeline.total, timeline.periods) == (0, [])
    assert archive.timeline("satellites").periods == []  # one match, undated
    assert archive.timeline("satellites").undated == 1


def test_mistakes_are_query_errors(archive):
    with pytest.raises(QueryError):
        archive.timeline("dockers AND")
    with pytest.raises(QueryError, match="more than"):
        archive.timeline(by="day", since="1200", until="2022")
    assert len(archive.timeline(by="month", since="1200", until="2022").periods) == 823 * 12  # within bounds
    with pytest.raises(ValueError, match="by must be one of"):
        archive.timeline(by="fortnight")


def test_whole_index_with_deletions(tmp_path):
    with Index.create(tmp_path / "idx") as index:
        index.add(ARTICLES)
        assert counts(index.timeline(by="year")) == {"2020": 6, "2021": 7, "2022": 3}
        index.delete("vote-lavrov")
        index.delete("forecasting-undated")
        timeline = index.timeline(by="year")
        assert counts(timeline) == {"2020": 5, "2021": 7, "2022": 3}
        assert (timeline.total, timeline.undated) == (len(ARTICLES) - 2, 0)


def test_deleted_and_undated_segments_are_counted_right(tmp_path):
    with Index.create(tmp_path / "idx") as index:
        index.add(ARTICLES[:5])  # the strike, all dated
        index.add([{"id": f"undated-{i}", "title": "Dockers meet", "body": "The dockers met."} for i in range(3)])
        index.delete("strike-picket")
        timeline = index.timeline("dockers", by="month")
        assert counts(timeline) == {"2021-03": 1, "2021-04": 0, "2021-05": 1, "2021-06": 0, "2021-07": 2}
        assert (timeline.total, timeline.undated) == (7, 3)


def test_a_first_segment_with_no_dated_article(tmp_path):
    """Whoosh's column reader across segments skips a segment with no date column: dates must not shift."""
    with Index.create(tmp_path / "idx") as index:
        index.add([{"id": f"undated-{i}", "title": "Dockers meet", "body": "The dockers met."} for i in range(3)])
        index.add(ARTICLES[:5])
        assert counts(index.timeline("dockers")) == {"2021-03": 2, "2021-04": 0, "2021-05": 1, "2021-06": 0, "2021-07": 2}
        newest = [hit.id for hit in index.search("dockers", sort="newest")]
        assert newest[:2] == ["strike-ends-copy", "strike-ends"] and {*newest[-3:]} == {"undated-0", "undated-1", "undated-2"}
        stats = index.stats()
        assert (str(stats.first_date), str(stats.last_date), stats.undated) == ("2021-03-02", "2021-07-02", 3)


# ---- the chart


def sample_timeline(values: list[int]) -> Timeline:
    start = date(2020, 1, 1)
    periods = [Period(f"2020-{i + 1:02d}", start, start, n) for i, n in enumerate(values)]
    return Timeline("q", "month", periods, total=sum(values))


def parts(line: str) -> tuple[str, int, str]:
    """A chart line's label, count and bar."""
    label, count, bar = re.fullmatch(r"(\S+) +(\d+)(?: (.*))?", line).groups()
    return label, int(count), bar or ""


def eighths(bar: str) -> int:
    return 8 * bar.count("█") + (" ▏▎▍▌▋▊▉".index(bar[-1]) if bar and bar[-1] != "█" else 0)


@pytest.mark.parametrize("width", [14, 20, 40, 80, 200])
def test_the_longest_bar_fills_the_width_and_others_scale(width):
    values = [4, 0, 1, 8, 2]
    lines = chart(sample_timeline(values), width)
    assert all(len(line) <= width for line in lines)
    assert len(lines[3]) == width and set(parts(lines[3])[2]) == {"█"}  # the peak fills the line
    room = width - len("2020-01 8 ")
    for line, n in zip(lines, values):
        expected = max(1, round(n * room * 8 / max(values))) if n else 0  # zero: no bar; small: still visible
        assert eighths(parts(line)[2]) == expected


def test_too_narrow_for_bars_keeps_labels_and_counts():
    lines = chart(sample_timeline([12, 3]), 9)
    assert lines == ["2020-01 12", "2020-02  3"]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30), st.integers(min_value=1, max_value=300))
def test_chart_lines_never_exceed_a_workable_width(values, width):
    lines = chart(sample_timeline(values), width)
    need = len("2020-01") + len(str(max(values))) + 1
    for line, n in zip(lines, values):
        assert len(line) <= max(width, need)
        label, count, bar = parts(line)
        assert count == n
        assert (bar != "") == (n > 0 and width >= need + 2)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)), st.integers(min_value=0, max_value=800),
       st.sampled_from(PERIODS))
def test_a_span_lists_each_period_once(archive, first, days, by):
    last = min(first + timedelta(days=days), date(2999, 12, 31))
    periods = archive.timeline("zanzibar", by=by, since=first, until=last).periods
    assert periods[0].start == period_start(first, by) and periods[0].start <= first <= periods[0].end
    assert periods[-1].start <= last <= periods[-1].end
    assert all(a.end + timedelta(days=1) == b.start for a, b in zip(periods, periods[1:]))
    assert len({p.label for p in periods}) == len(periods)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)), st.sampled_from(PERIODS))
def test_a_day_is_in_the_period_that_starts_before_it(day, by):
    start = period_start(day, by)
    assert start <= day
    assert start == period_start(start, by)  # a start is its own period's start
    if by == "week":
        assert start.weekday() == 0 and day - start < timedelta(days=7)
    elif by != "day":
        assert start.day == 1 and (by == "month" or start.month == 1)


# ---- the command



def test_command_draws_a_chart_at_the_given_width(run):
    result = run("timeline", "dockers", "--width", "40")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "5 articles matching 'dockers', by month, 2021-03 to 2021-07:"
    assert lines[1].startswith("2021-03 2 ") and lines[2] == "2021-04 0" and lines[4] == "2021-06 0"
    assert len(lines[1]) == 40 and all(len(line) <= 40 for line in lines[1:])
    wide = run("timeline", "dockers", "--width", "120").output.splitlines()
    assert len(wide[1]) == 120


def test_command_whole_index_and_undated_note(run):
    result = run("timeline", "--by", "year", "--width", "30")
    assert result.output.splitlines()[0] == "17 articles, by year, 2020 to 2022 (1 undated, not shown):"
    assert run("timeline", "zanzibar").output == "No articles matching 'zanzibar'.\n"
    assert run("timeline", "satellites").output == "1 article matching 'satellites', none of them dated.\n"


def test_command_json(run):
    data = json.loads(run("timeline", "lukashenko", "--by", "month", "--json").stdout)
    assert data["by"] == "month" and data["total"] == 5 and data["undated"] == 0
    assert [(p["period"], p["count"]) for p in data["periods"]] == [("2020-08", 3), ("2020-09", 2)]
    assert sum(p["count"] for p in data["periods"]) == data["total"] - data["undated"]


def test_command_filters_and_errors(run):
    data = json.loads(run("timeline", "--person", "Okonkwo", "--since", "2021-05", "--json").stdout)
    assert Counter({p["period"]: p["count"] for p in data["periods"]}) == Counter({"2021-05": 1, "2021-06": 0, "2021-07": 2})
    for args, message in ((["timeline", "dockers AND"], "'AND' at column 9"), (["timeline", "--since", "2021-13"], "impossible date")):
        result = run(*args)
        assert result.exit_code == 2 and message in result.output
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")
    assert run("timeline", "--by", "hour").exit_code == 2
