"""The one-pass analyzers index exactly the words, positions and postings values their Whoosh chains would."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import StopFilter
from whoosh.formats import Frequency, Positions

from searchkit.analysis import OnePassAnalyzer, OnePassFrequency, OnePassPositions
from searchkit.schema import exact_analyzer, make_schema, ranked_analyzer


def _chain_terms(chain, text: str) -> list[tuple[int, str]]:
    return [(t.pos, t.text) for t in chain(text, positions=True, mode="index") if not t.stopped]


def _fast_terms(fast, text: str) -> list[tuple[int, str]]:
    return [(t.pos, t.text) for t in fast(text, positions=True, mode="index")]


def _chains():
    return {
        "exact": exact_analyzer,
        "ranked": ranked_analyzer,
        "other stopwords, no renumbering": lambda: exact_analyzer() | StopFilter(
            stoplist=["said", "é"], minsize=3, maxsize=12, renumber=False),
    }


MESSY = [
    "",
    "   ",
    "The U.S. and the E.U. said 3.5% on 2020-08-19, post-Soviet!",
    "Lukašenko’s MÜLLER ÆSIR straße İstanbul ΟΔΟΣ ΣΟΦΟΣ. ǅemal",
    "don't won’t O'Neil 'quoted' “curly” — em-dash…ellipsis",
    "café CAFÉ cafe\u0301 ﬁnance ＦＵＬＬ ｗｉｄｔｈ ①②③ ٣٤٥ 三四",
    "a an the of to and is in a the a",  # only stopwords: nothing kept from the ranked analyzer
    "running runs ran runner generously generalization",
    "snake_case __dunder__ x_1 ..dots.. a.b.c. ...",
]


@pytest.mark.parametrize("text", MESSY)
@pytest.mark.parametrize("name", list(_chains()))
def test_same_words_and_positions_as_the_chain(name, text):
    make = _chains()[name]
    assert _fast_terms(OnePassAnalyzer(make()), text) == _chain_terms(make(), text)


texts = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("aeiou AEIOU .'’-_ \n\té ü ß İ Σσς 3 ½ ﬁ")),
    ),
    max_size=200,
) | st.lists(st.sampled_from(["the", "Running", "runs", "José", "U.S.", "3.5", "a", "’s", "ÉLITE", " ", "\n",
                              "post-Soviet", "ﬁnance", "İstanbul", "ΟΔΟΣ"]), max_size=60).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(list(_chains())))
def test_any_text_gives_the_chain_words(text, name):
    make = _chains()[name]
    fast = OnePassAnalyzer(make())
    assert _fast_terms(fast, text) == _chain_terms(make(), text)
    # The twin reuses the split of the same text: still the right words.
    twin = OnePassAnalyzer(exact_analyzer())
    assert _fast_terms(twin, text) == _chain_terms(exact_analyzer(), text)


@settings(max_examples=150, deadline=None)
@given(texts, st.sampled_from([1.0, 1.5, 2.0]), st.sampled_from([(OnePassPositions, Positions), (OnePassFrequency, Frequency)]))
def test_same_postings_values_as_whoosh(text, boost, formats):
    """Positions (exact fields, title) and counts only (the stemmed body): the bytes Whoosh writes."""
    fast_format, whoosh_format = formats
    for make in (ranked_analyzer, exact_analyzer):
        fast = fast_format(field_boost=boost).word_values(text, OnePassAnalyzer(make()), mode="index")
        plain = whoosh_format(field_boost=boost).word_values(text, make(), mode="index")
        assert sorted(fast) == sorted(plain)


def test_a_count_past_the_packed_ones():
    many = " ".join(["storm"] * 70)
    assert list(OnePassFrequency().word_values(many, OnePassAnalyzer(exact_analyzer()), mode="index")) == list(
        Frequency().word_values(many, exact_analyzer(), mode="index"))


def test_queries_and_highlighting_run_the_chain():
    fast, chain = OnePassAnalyzer(ranked_analyzer()), ranked_analyzer()
    text = "The Ministers' meeting, in Zürich"
    for options in ({"mode": "query"}, {"chars": True, "mode": "index"}, {"removestops": False, "mode": "index"},
                    {"tokenize": False, "mode": "query"}):
        def seen(analyzer):
            return [(t.text, getattr(t, "startchar", None), t.stopped) for t in analyzer(text, positions=True, **options)]
        assert seen(fast) == seen(chain)


def test_a_stored_schema_keeps_its_analyzers():
    """The schema is pickled into the index: it comes back the same, with its own stopwords."""
    schema = make_schema()
    again = pickle.loads(pickle.dumps(schema))
    for name in ("title", "body", "body_exact", "people"):
        assert type(again[name].analyzer) is OnePassAnalyzer
        assert again[name].analyzer == schema[name].analyzer
        assert type(again[name].format) is (OnePassFrequency if name == "body" else OnePassPositions)
    text = "The president of the United States met the press"
    assert _fast_terms(again["body"].analyzer, text) == _chain_terms(ranked_analyzer(), text)


def test_an_unusual_chain_is_run_as_it_is():
    from whoosh.analysis import StandardAnalyzer

    fast = OnePassAnalyzer(StandardAnalyzer())
    text = "The quick brown fox's jumps"
    assert _fast_terms(fast, text) == _chain_terms(StandardAnalyzer(), text)
