"""Snippets: the best passage of the body, with what the query matched marked in it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.results import BodyWords

from newsroom import news  # noqa: F401 (fixture)


def marked(hit) -> list[str]:
    return [hit.snippet[start:end] for start, end in hit.highlights]


def first(index, query, **kw):
    return index.search(query, **kw).hits[0]


def test_stemmed_words_mark_every_form(news):
    assert marked(first(news, "protest")) == ["Protesters"]
    assert marked(first(news, "storms closing", limit=1)) == ["storm", "closed"]


def test_phrase_marks_only_the_phrase(news):
    hit = first(news, '"post-Soviet space"')
    assert marked(hit) == ["post-Soviet space"]
    hit = first(news, '"sea wall"~1', sort="oldest")
    assert marked(hit) == ["sea defence wall"]


def test_hyphenated_word_is_marked_whole(news):
    assert marked(first(news, "post-Soviet")) == ["post-Soviet"]


def test_prefix_and_fuzzy_mark_the_words_they_matched(news):
    lavrov = news.get("kremlin-lavrov").body
    hit = next(h for h in news.search("lukash*") if h.id == "kremlin-lavrov")
    assert marked(hit) == ["Lukashenka"] and "Lukashenka" in lavrov
    hit = next(h for h in news.search("lukashenko~") if h.id == "kremlin-lavrov")
    assert marked(hit) == ["Lukashenka"]


def test_people_and_accents_are_marked(news):
    hit = first(news, "wisniewski")
    assert marked(hit) == ["Wiśniewski", "Wiśniewski"]
    hit = first(news, "Lukašenko")
    assert marked(hit) == ["Lukashenko"]


def test_excluded_words_are_not_marked(news):
    hit = first(news, "harbour -ferries", sort="oldest")
    assert marked(hit) and all(w.lower() == "harbour" for w in marked(hit))


def test_snippet_is_cut_around_the_match_in_a_long_body(news):
    hit = first(news, "lighthouse")
    body = news.get("long-budget").body
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 242 and len(body) > 1000
    assert marked(hit) == ["lighthouse"]
    assert hit.snippet.strip("…") in body


def test_snippet_prefers_the_passage_with_more_distinct_words(news):
    hit = first(news, "nwachukwu lighthouse", limit=1)
    assert set(marked(hit)) == {"Nwachukwu", "lighthouse"}


def test_title_only_match_starts_at_the_beginning(news):
    hit = first(news, "title:chess")
    assert hit.snippet.startswith("Thomas Müller beat") and hit.highlights == []


def test_offsets_index_the_plain_snippet(news):
    for hit in news.search("harbour OR ferries", limit=20):
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)
            assert hit.snippet[start:end].lower() in {"harbour", "ferries"}


def test_no_snippets_when_not_wanted(news):
    hit = first(news, "harbour", snippets=False)
    assert hit.snippet == "" and hit.highlights == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZé Łß’'.-İı\u0301 ,x9\n"), max_size=40) | st.text(max_size=40))
def test_fast_word_finder_agrees_with_the_analyzer(text):
    from whoosh.analysis import StemmingAnalyzer

    from searchkit.schema import exact_analyzer

    for analyzer in (exact_analyzer(), StemmingAnalyzer()):  # the fast path, and the fallback
        expected = [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True)]
        words = BodyWords(analyzer)
        folded = words.fold(text)
        assert len(folded) == len(expected)
        assert [(w, *span) for w, span in zip(folded, words.offsets(text, [True] * len(folded)))] == expected
        every_other = [i % 2 == 0 for i in range(len(folded))]
        assert list(words.offsets(text, every_other)) == [(s, e) for _, s, e in expected[::2]]
