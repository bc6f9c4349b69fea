"""Ranking defaults a reader notices: sentences as queries, feedback, and which words count."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index, ranking
from searchkit.query import parse_query
from searchkit.schema import make_schema

WILDLIFE = [
    "Rangers counted jaguar tracks along the rainforest river, a sign the habitat is recovering and prey is back.",
    "A jaguar with two cubs was filmed in the rainforest reserve; conservation groups say the habitat is safer.",
    "Poachers are the main threat to the jaguar, and rainforest clearing shrinks its habitat and its prey.",
    "The rainforest census found more prey animals, and rangers hope the jaguar population follows, habitat permitting.",
    "Conservation money will buy a rainforest corridor so the jaguar can reach new habitat and prey.",
]
ARTICLES = [
    {"id": f"w{i}", "title": "Rainforest report", "body": body} for i, body in enumerate(WILDLIFE, start=1)
] + [
    {"id": "car", "title": "Carmaker results", "body": "Jaguar sales rose. Jaguar said so."},
    {"id": "bank", "title": "Central bank holds rates", "body": "The central bank held interest rates, citing slower inflation."},
    {"id": "port", "title": "Port reopens", "body": "The port reopened in May after the dock strike ended."},
    {"id": "port2", "title": "Port reopens", "body": "The port reopened in June after the dock strike ended."},
    {"id": "us", "title": "Trade talks", "body": "Trade talks between the US and Canada resumed on Monday."},
    {"id": "mx", "title": "Trade talks", "body": "Trade talks between Mexico and Canada resumed on Monday."},
    {"id": "who", "title": "Health guidance", "body": "The WHO issued new guidance on dengue testing."},
    {"id": "gov", "title": "Health guidance", "body": "The health ministry issued new guidance on dengue testing."},
]


@pytest.fixture
def index(index_dir):
    with Index.create(index_dir) as ix:
        ix.add(ARTICLES)
        yield ix


@pytest.fixture
def no_feedback(monkeypatch):
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 0)


def ids(results) -> list[str]:
    return [hit.id for hit in results]


def test_feedback_ranks_the_main_sense_of_a_word_first(index, monkeypatch):
    # Plain BM25 puts the short car article, with "jaguar" twice, on top; the words the
    # top articles share (rainforest, habitat, prey) bring most wildlife articles above it.
    with_feedback = ids(index.search("jaguar", limit=10))
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 0)
    without = ids(index.search("jaguar", limit=10))
    assert without[0] == "car"
    assert with_feedback[0].startswith("w") and with_feedback.index("car") >= 4
    assert sorted(with_feedback) == sorted(without)


@pytest.mark.parametrize("query", ["jaguar", "jaguar habitat", "central bank", "dengue guidance",
                                   "how are rangers protecting the jaguar and its rainforest habitat from poachers"])
def test_feedback_never_changes_which_articles_match(index, monkeypatch, query):
    found = index.search(query, limit=100)
    monkeypatch.setattr(ranking, "FEEDBACK_DOCS", 0)
    plain = index.search(query, limit=100)
    assert sorted(ids(found)) == sorted(ids(plain)) and found.total == plain.total


def test_a_sentence_query_ranks_instead_of_finding_nothing(index):
    # No article has all of these words; the one with most of them comes first.
    results = index.search("how are rangers protecting the jaguar cubs and its rainforest habitat from poachers today")
    assert results.total >= 5
    assert results[0].id in {"w1", "w2", "w3"}
    assert "car" not in ids(results)[:5]


def test_up_to_three_words_are_all_required(index):
    schema = make_schema()
    assert not ranking.reads_as_description(parse_query("jaguar rainforest habitat", schema))
    # Stopwords and excluded words do not count; a fourth real word makes it a description.
    assert not ranking.reads_as_description(parse_query("what is the jaguar doing in the rainforest habitat", schema))
    assert not ranking.reads_as_description(parse_query("jaguar rainforest habitat NOT cubs", schema))
    assert ranking.reads_as_description(parse_query("jaguar rainforest habitat prey", schema))
    assert set(ids(index.search("jaguar sales rose"))) == {"car"}  # all three required: wildlife left out
    assert not index.search("jaguar sales rose").long_query


@pytest.mark.usefixtures("no_feedback")
@pytest.mark.parametrize("query, expected", [("US Canada", ["us"]), ("WHO dengue", ["who"]), ("May port", ["port"])])
def test_words_that_look_like_stopwords_but_matter_in_news(index, query, expected):
    assert ids(index.search(query)) == expected


def test_question_words_are_not_required(index):
    assert ids(index.search("what did the central bank do")) == ["bank"]


def test_a_long_query_says_it_ranked_over_any_word(index):
    long = index.search("rangers protecting jaguar cubs rainforest")
    assert long.long_query and long.to_dict()["long_query"] is True and not long.fallback
    short = index.search("jaguar rainforest")
    assert not short.long_query
    # A hyphenated word is a phrase of two words: it counts as both.
    assert ranking.reads_as_description(parse_query("jaguar cubs rain-forest habitat", make_schema()))


def test_pages_continue_each_other_after_feedback(index):
    whole = ids(index.search("jaguar OR trade OR port OR dengue", limit=12))
    pages = [ids(index.search("jaguar OR trade OR port OR dengue", limit=4, page=p)) for p in (1, 2, 3)]
    assert sum(pages, []) == whole


def test_a_date_or_filter_alone_keeps_newest_first(index_dir):
    # The older articles say "dock strike" more often: feedback, if it ran, would put them first.
    dated = [{"id": f"d{i}", "title": f"Dock strike day {i}", "body": "The dock strike went on. " * (8 - i),
              "date": f"2020-08-{i:02d}"} for i in range(1, 8)]
    with Index.create(index_dir) as ix:
        ix.add(dated)
        assert ids(ix.search("date:2020-08")) == [f"d{i}" for i in range(7, 0, -1)]


_WORDS = ["jaguar", "rainforest", "habitat", "prey", "rangers", "trade", "talks", "canada", "port", "dock",
          "strike", "bank", "rates", "dengue", "guidance", "who", "us", "may", "sales", "zebra"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6), joiner=st.sampled_from([" ", " OR "]))
def test_feedback_only_reorders_and_pages_still_tile(index, words, joiner):
    query = joiner.join(words)
    whole = index.search(query, limit=50, suggest=False)
    by_page = [index.search(query, limit=3, page=p, suggest=False) for p in (1, 2)]
    assert sum((ids(r) for r in by_page), []) == ids(whole)[:6]
    saved = ranking.FEEDBACK_DOCS
    ranking.FEEDBACK_DOCS = 0
    try:
        plain = index.search(query, limit=50, suggest=False)
    finally:
        ranking.FEEDBACK_DOCS = saved
    assert sorted(ids(whole)) == sorted(ids(plain)) and whole.total == plain.total
    assert [h.score for h in whole] == sorted((h.score for h in whole), reverse=True)
