"""People: who is named in the most matching articles, and who is named alongside a person."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from searchkit import Index, QueryError
from searchkit import mentions

from archive import ARTICLES, archive, run  # noqa: F401 (fixtures)


def oracle(ids, top: int = 10, leave_out=()) -> list[tuple[str, int]]:
    """People counts straight from the fixture's articles with these ids."""
    counts = Counter(p for a in ARTICLES if a["id"] in ids for p in a["people"] if p not in leave_out)
    return sorted(counts.items(), key=lambda nc: (-nc[1], nc[0]))[:top]


def matching_ids(index, query, **filters) -> set[str]:
    return {h.id for h in index.search(query, limit=100, snippets=False, suggest=False, **filters)}


def test_whole_index_most_named_first_ties_alphabetical(archive):
    counts = archive.top_people(top=6)
    assert counts.people == [
        ("Alexander Lukashenko", 5), ("Mara Okonkwo", 5),
        ("Anya Sorokina", 3), ("Piet Vandenberg", 3), ("Sviatlana Tsikhanouskaya", 3),
        ("Hedda Lund", 2),
    ]
    assert counts.people == oracle({a["id"] for a in ARTICLES}, top=6)
    assert counts.articles == len(ARTICLES) and counts.alongside is None
    assert archive.stats(top_people=6).people == counts.people


@pytest.mark.parametrize("query, filters", [
    ("dockers", {}), ("election", {}), ("final", {}), ("said", {}), ("said", {"people": ["Okonkwo"]}),
])
def test_a_selection_counts_like_its_articles(archive, query, filters):
    ids = matching_ids(archive, query, **filters)
    counts = archive.top_people(query, **filters)
    assert counts.people == oracle(ids) and counts.articles == len(ids)


def test_filters_alone_select(archive):
    since_2021 = {a["id"] for a in ARTICLES if a.get("date", "") >= "2021"}
    assert archive.top_people(since="2021").people == oracle(since_2021)
    herald = {a["id"] for a in ARTICLES if "Herald" in a["source"]}
    assert archive.top_people(source="herald").people == oracle(herald)


def test_both_ways_of_counting_agree(tmp_path, monkeypatch):
    """Small selections are counted from stored people lists, large ones from postings: same answers."""
    rng = random.Random(5)
    pool = [f"Person{i} Name{i % 7}" for i in range(40)]
    topics = ["harbour", "budget", "storm", "chess"]
    articles = [
        {"id": f"a{i}", "title": f"Note {i}", "date": f"2020-{rng.randint(1, 12):02d}-01",
         "body": f"About the {rng.choice(topics)} and the {rng.choice(topics)}.",
         "people": rng.sample(pool[: rng.randint(4, 40)], rng.randint(0, 4))}
        for i in range(300)
    ]
    with Index.create(tmp_path / "idx") as index:
        index.add(articles)
        index.delete("a7")
        for query in ("harbour", "budget storm", "chess"):
            ids = {h.id for h in index.search(query, limit=1000, suggest=False)}
            want = Counter(p for a in articles if a["id"] in ids for p in a["people"])
            want = sorted(want.items(), key=lambda nc: (-nc[1], nc[0]))[:8]
            monkeypatch.setattr(mentions, "STORED_BELOW", 0)
            from_postings = index.top_people(query, top=8).people
            monkeypatch.setattr(mentions, "STORED_BELOW", 10**9)
            from_stored = index.top_people(query, top=8).people
            assert from_postings == from_stored == want
        everyone = Counter(p for a in articles if a["id"] != "a7" for p in a["people"])
        assert index.top_people(top=5).people == sorted(everyone.items(), key=lambda nc: (-nc[1], nc[0]))[:5]


def test_co_mentions_ranked_and_the_person_left_out(archive):
    counts = archive.top_people(alongside="Okonkwo")
    assert counts.matched == ["Mara Okonkwo"] and counts.articles == 5
    assert counts.people == [("Piet Vandenberg", 3), ("Jonas Berg", 2), ("Ilse Marr", 1)]
    assert archive.top_people(alongside="Mara Okonkwo").people == counts.people
    lukashenko = archive.top_people(alongside="lukashenko")
    assert lukashenko.people == [("Sviatlana Tsikhanouskaya", 3), ("Sergei Lavrov", 1)]
    assert lukashenko.matched == ["Alexander Lukashenko"]  # not Lukashenka: another spelling is another name


def test_a_surname_shared_by_two_people(archive):
    counts = archive.top_people(alongside="Sorokina")
    assert counts.matched == ["Anya Sorokina", "Nina Sorokina"]
    assert counts.people == [("Thomas Müller", 2)]


def test_a_person_with_no_co_mentions_and_one_never_named(archive):
    lund = archive.top_people(alongside="Lund")
    assert (lund.matched, lund.people, lund.articles) == (["Hedda Lund"], [], 2)
    nobody = archive.top_people(alongside="Zanzibar")
    assert (nobody.matched, nobody.people, nobody.articles) == ([], [], 0)


def test_co_mentions_with_a_query_and_filters(archive):
    counts = archive.top_people("recount", alongside="Lukashenko")
    assert counts.people == [("Sviatlana Tsikhanouskaya", 2)] and counts.articles == 2
    counts = archive.top_people(alongside="Okonkwo", since="2021-05", top=1)
    assert counts.people == [("Jonas Berg", 2)]
    with pytest.raises(QueryError):
        archive.top_people("(dockers", alongside="Okonkwo")



def test_command_lists_people(run):
    result = run("people", "--top", "3")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Most-named people in 17 articles:", "  5  Alexander Lukashenko", "  5  Mara Okonkwo", "  3  Anya Sorokina",
    ]
    assert run("people", "dockers", "--top", "1").output.splitlines() == [
        "Most-named people in 5 articles matching 'dockers':", "  5  Mara Okonkwo",
    ]


def test_command_with(run):
    assert run("people", "--with", "Okonkwo").output.splitlines() == [
        "Named alongside Mara Okonkwo in 5 articles:", "  3  Piet Vandenberg", "  2  Jonas Berg", "  1  Ilse Marr",
    ]
    assert run("people", "--with", "Lund").output == "Nobody else is named in the 2 articles naming Hedda Lund.\n"
    assert run("people", "--with", "Zanzibar").output == "No article names 'Zanzibar'.\n"
    assert run("people", "zanzibar").output == "No articles matching 'zanzibar'.\n"
    assert run("people", "satellites").output == "Nobody is named in the 1 article matching 'satellites'.\n"


def test_command_json_and_errors(run):
    data = json.loads(run("people", "--with", "Sorokina", "--json").stdout)
    assert data["with"] == "Sorokina" and data["matched"] == ["Anya Sorokina", "Nina Sorokina"]
    assert data["people"] == [{"name": "Thomas Müller", "articles": 2}] and data["articles"] == 3
    bad = run("people", "dockers OR")
    assert bad.exit_code == 2 and bad.output.startswith("Error: 'OR' at column 9") and bad.output.count("\n") == 1
