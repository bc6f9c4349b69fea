"""Feedback re-ranking counts words in the stored bodies of the top hits (searchkit.ranking.rerank):
those counts must be the frequencies the index holds, or re-ranked scores would change."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit import ranking

TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120) | st.lists(
    st.sampled_from(["Harbours", "harbour", "Harbour’s", "the", "a", "running", "runs", "İstanbul", "Müller", "ΟΔΟΣ",
                     "straße", "U.S.", "3.5", "co-operate", "\n", " ", ",", "Łódź"]), max_size=40).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=4))
def test_fast_words_equal_the_analyzers(tmp_path_factory, texts):
    with Index.create(tmp_path_factory.mktemp("counts") / "idx") as index:
        fast = index._feedback_words
        slow = ranking.FieldWords(index._schema[ranking.FEEDBACK_FIELD])
        every = {t.text for text in texts for t in slow.field.analyzer(text)}
        assert fast.counts(texts, every) == slow.counts(texts, every)
        assert fast.counts(texts, set(list(every)[:2])) == slow.counts(texts, set(list(every)[:2]))
        for text in texts:
            assert list(fast.weights(text).items()) == list(slow.weights(text).items())  # in the same order


def test_rerank_scores_equal_those_from_postings(tmp_path):
    """The bonus computed from counted words equals the one Whoosh's postings give."""
    articles = [{"id": f"a{i}", "title": f"Harbour report {i}",
                 "body": ("The harbour board met. " * (1 + i % 3)) + ("Dredging the channel costs more. " * (i % 4))
                 + ("Ferry crews voted to strike. " * (i % 2)) + f"Report number {i}."} for i in range(60)]
    with Index.create(tmp_path / "idx") as index:
        index.add(articles[:30])
        index.add(articles[30:])  # two segments
        with index._searchers.lease() as s:
            q, _ = index._queries("harbour")
            found, _ = index._run(s, q, None, "relevance", ranking.RERANK_DEPTH)
            words = ranking.feedback_words(s, found[: ranking.FEEDBACK_DOCS])
            assert words
            expected = dict.fromkeys((d for d, _ in found), 0.0)
            for word, weight in words:  # the bonus as Whoosh's postings score it
                postings = s.postings(ranking.FEEDBACK_FIELD, word)
                while postings.is_active():
                    if postings.id() in expected:
                        expected[postings.id()] += ranking.FEEDBACK_WEIGHT * weight * postings.score()
                    postings.next()
            reranked = dict(ranking.rerank(s, found, index._feedback_words))
            assert reranked == dict(ranking.rerank(s, found))  # the analyzer's way
            # Both ways of scoring the words in the top hits, whichever rerank() chose here.
            docnums = sorted(d for d, _ in found)
            from_bodies = ranking._scores_from_bodies(s, [w for w, _ in words], docnums, index._feedback_words)
            for word, _ in words:
                assert ranking._scores_from_postings(s, word, docnums) == from_bodies[word]
            assert reranked == {d: score + expected[d] for d, score in found}
