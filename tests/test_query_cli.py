"""The search, show and stats commands, run as a user would through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchkit.cli import main

from newsroom import ARTICLES, news  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def run(news):
    def run(*args, **kw):
        return CliRunner().invoke(main, [*args, "--index", str(news.path)], **kw)

    return run


def hits_of(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [h["id"] for h in json.loads(result.stdout)["hits"]]


def test_search_shows_count_time_and_hits(run):
    result = run("search", "storm harbour")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("2 results for 'storm harbour' (") and lines[0].endswith(" ms)")
    assert "1. Storm closes harbour" in result.output and "2. Storm closes harbour" in result.output
    assert "2020-01-01 · Estavian Press Agency · Lotte van der Sande" in result.output
    assert "id: storm-2020" in result.output


def test_fallback_notice_and_json_flag(run):
    result = run("search", "harbour zanzibar")
    assert result.output.startswith("No article has all of the words; showing the articles that have some")
    data = json.loads(run("search", "harbour zanzibar", "--json").stdout)
    assert data["fallback"] is True and data["total"] == len(data["hits"]) > 0
    assert json.loads(run("search", "harbour storm", "--json").stdout)["fallback"] is False


def test_long_query_notice(run):
    result = run("search", "storm closes harbour ferries resume service")
    assert result.exit_code == 0
    assert result.output.startswith("A long query: articles are ranked by how many of its words they have")
    assert json.loads(run("search", "storm closes harbour ferries resume service", "--json").stdout)["long_query"] is True


def test_any_option(run):
    data = json.loads(run("search", "storm ferries", "--any", "--json").stdout)
    assert data["fallback"] is False
    assert {"storm-2019", "storm-2020", "ferry-title", "ferry-body"} == {h["id"] for h in data["hits"]}


def test_filter_options(run):
    assert hits_of(run("search", "said", "--person", "Lavrov", "--json")) == ["kremlin-lavrov"]
    assert hits_of(run("search", "said", "--person", "lavrov", "--person", "Dmitry Peskov", "--json")) == [
        "kremlin-lavrov"
    ]
    assert hits_of(run("search", "lavrov", "--since", "2020-08-30", "--json")) == ["lavrov-mention"]
    assert hits_of(run("search", "storm", "--until", "2019", "--json")) == ["storm-2019"]
    assert hits_of(run("search", "harbour", "--source", "velgrad courier", "--json")) == ["chess-undated"]


def test_sort_and_paging_options(run):
    newest = hits_of(run("search", "harbour", "--sort", "newest", "--json"))
    assert newest[0] == "bakery" and newest[-1] == "chess-undated"
    assert hits_of(run("search", "harbour", "--sort", "oldest", "--json"))[0] == "storm-2019"
    page2 = run("search", "harbour", "--sort", "oldest", "--limit", "2", "--page", "2")
    assert page2.output.startswith("4 results for 'harbour' (") and ", page 2 of 2)" in page2.output
    assert "\n3. " in page2.output and "\n4. " in page2.output and "\n5. " not in page2.output
    data = json.loads(run("search", "harbour", "-n", "2", "-p", "2", "--json").stdout)
    assert (data["page"], data["limit"], [h["rank"] for h in data["hits"]]) == (2, 2, [3, 4])
    past = run("search", "harbour", "--page", "9")
    assert past.exit_code == 0 and "Page 9 is past the end: the last page is 1." in past.output
    assert run("search", "harbour", "--sort", "best").exit_code == 2


def test_json_snippet_is_plain_with_offsets(run):
    hit = json.loads(run("search", '"post-Soviet space"', "--json").stdout)["hits"][0]
    assert "\x1b[" not in hit["snippet"]
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["post-Soviet space"]


def test_highlighting_only_on_a_terminal(run):
    plain = run("search", '"post-Soviet space"')
    assert "post-Soviet space" in plain.output and "\x1b[" not in plain.output
    coloured = run("search", '"post-Soviet space"', color=True)
    assert "\x1b[33m\x1b[1mpost-Soviet space" in coloured.output or "\x1b[1m\x1b[33mpost-Soviet space" in coloured.output
    assert "\x1b[33m\x1b[1mthe" not in coloured.output  # only the phrase


@pytest.mark.parametrize(
    "query, message",
    [
        ("nosuch:word", "Error: unknown field 'nosuch:' at column 1"),
        ("date:2020-13-45", "Error: impossible date '2020-13-45' at column 6: there is no month 13"),
        ("", "Error: empty query"),
        ("belarus AND", "Error: 'AND' at column 9: it needs something on its right"),
    ],
)
def test_malformed_query_is_one_line_and_exit_2(run, query, message):
    result = run("search", query)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(message) and "Traceback" not in result.output


def test_bad_filter_date_is_one_line_and_exit_2(run):
    result = run("search", "harbour", "--since", "2020-02-30")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: impossible date '2020-02-30' for since: February 2020 has 29 days"


def test_show_prints_the_full_article(run):
    result = run("show", "bakery")
    assert result.exit_code == 0
    article = next(a for a in ARTICLES if a["id"] == "bakery")
    assert result.output.startswith(article["title"] + "\n")
    assert "Date: 2022-10-05" in result.output and "People: Łukasz Wiśniewski" in result.output
    assert article["body"] in result.output and "id: bakery" in result.output


def test_show_json(run):
    data = json.loads(run("show", "chess-undated", "--json").stdout)
    assert data["id"] == "chess-undated" and data["date"] is None and data["people"] == ["Thomas Müller"]
    assert data["body"].startswith("Thomas Müller beat")


def test_show_unknown_id(run):
    result = run("show", "no-such-article")
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: no article with id 'no-such-article'")


def test_stats(run):
    result = run("stats")
    assert result.exit_code == 0
    dates = sorted(a["date"] for a in ARTICLES if a.get("date"))
    assert f"Articles:    {len(ARTICLES)}" in result.output
    assert f"Dates:       {dates[0]} to {dates[-1]} (1 undated)" in result.output
    assert "Index size:  " in result.output and " KB in " in result.output
    assert "      2  Lotte van der Sande" in result.output


def test_stats_json(run):
    data = json.loads(run("stats", "--json", "--top", "3").stdout)
    assert data["articles"] == len(ARTICLES)
    assert data["people"][0] == {"name": "Lotte van der Sande", "articles": 2} and len(data["people"]) == 3
    assert data["size_bytes"] > 0 and data["undated"] == 1
