"""The person filter (``people=`` / ``--person``): a name or a run of words of one name, found by one lookup."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit.article import Article
from searchkit.query import person_matcher
from searchkit.schema import MAX_RUN, make_schema

WORDS = ["Anna", "Lee", "Brown", "Smith", "José", "Ölund", "van", "der", "Berg", "Lee-Ann"]


def _articles() -> list[Article]:
    rng = random.Random(7)
    articles = []
    for i in range(60):
        names = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 3))]
        articles.append(Article(id=f"a{i}", title=f"Council {i}", body="The council met. " + " and ".join(names),
                                people=names))
    return articles


@pytest.fixture(scope="module")
def people_index(tmp_path_factory):
    with Index.create(tmp_path_factory.mktemp("people") / "idx") as index:
        index.add(_articles())
        yield index


def _named(index, wanted: str) -> set[str]:
    return {h.id for h in index.search("council", people=[wanted], limit=100, snippets=False, suggest=False).hits}


def test_a_run_of_words_spanning_two_names_is_not_a_person(tmp_path):
    with Index.create(tmp_path / "idx") as index:
        index.add([Article(id="a1", title="Talks", body="Anna Lee met Brown Smith for talks.",
                           people=["Anna Lee", "Brown Smith"])])
        for wanted in ("Lee", "anna lee", "Brown Smith", "SMITH"):
            assert index.search("talks", people=[wanted]).total == 1, wanted
        assert index.search("talks", people=["Lee Brown"]).total == 0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS + ["jose", "OLUND", "Lee Ann", "nobody"]), min_size=1, max_size=4),
       st.sampled_from([str.lower, str.upper, str.title, str]))
def test_the_filter_selects_the_articles_whose_names_match_as_names_in_hand_do(people_index, words, case):
    wanted = case(" ".join(words))
    matches = person_matcher(make_schema(), wanted)
    expected = {a.id for a in _articles() if any(matches(name) for name in a.people)}
    assert _named(people_index, wanted) == expected


def test_a_run_longer_than_the_indexed_runs_is_still_found(tmp_path):
    long_name = " ".join(f"Word{i}" for i in range(MAX_RUN + 3))
    with Index.create(tmp_path / "idx") as index:
        index.add([Article(id="a1", title="Long name", body=f"{long_name} spoke.", people=[long_name])])
        assert index.search("spoke", people=[long_name]).total == 1
        assert index.search("spoke", people=[" ".join(long_name.split()[2:2 + MAX_RUN + 1])]).total == 1
        assert index.search("spoke", people=["Word3 Word2"]).total == 0


def test_an_index_without_person_words_filters_by_the_names_words(tmp_path):
    """An index of format 2 has no person_words field: the filter reads the words in a row in the
    article's list of names, where (unlike in a format 3 index) a run may span two names."""
    from whoosh import fields, index as whoosh_index

    from searchkit.storage import FORMAT_FILE

    old = tmp_path / "old"
    old.mkdir()
    schema = fields.Schema(**{name: field for name, field in make_schema().items() if name != "person_words"})
    whoosh_index.create_in(str(old), schema).close()
    (old / FORMAT_FILE).write_text('{"format": 2}\n')
    with Index.open(old) as before:
        before.add(_articles())
        field = make_schema()["people"]
        for wanted in ("Lee", "anna lee", "Ölund", "olund", "van der Berg", "Lee Brown"):
            run = list(field.process_text(wanted))
            in_a_row = set()
            for a in _articles():
                words = list(field.process_text("\n".join(a.people)))
                if any(words[i:i + len(run)] == run for i in range(len(words))):
                    in_a_row.add(a.id)
            assert _named(before, wanted) == in_a_row


def test_the_filter_is_a_lookup_of_the_names_words_not_a_phrase():
    """One term per spelling in person_words: no positions read (the reason for the field)."""
    from whoosh import query as wq

    from searchkit.query import filter_query

    assert filter_query(make_schema(), people=["Sergei LAVROV"]) == wq.Term("person_words", "sergei lavrov")
    assert filter_query(make_schema(), people=["Lukašenko"]) == wq.Or(
        [wq.Term("person_words", "lukasenko"), wq.Term("person_words", "lukashenko")])
