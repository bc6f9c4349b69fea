"""Feedback re-ranking reads the counts of its words in the top hits from the word-count column
(or, in an index without one, counts them in the stored bodies or reads their postings):
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
            # Every way of scoring the words in the top hits, whichever rerank() chose here.
            docnums = sorted(d for d, _ in found)
            wanted = [w for w, _ in words]
            column = ranking._counts_from_column(s, wanted, docnums)
            assert column == ranking._counts_from_bodies(s, wanted, docnums, index._feedback_words)
            from_column = ranking._scores_from_counts(s, wanted, docnums, column)
            for word in wanted:
                assert ranking._scores_from_postings(s, word, docnums) == from_column[word]
            assert reranked == {d: score + expected[d] for d, score in found}


@settings(max_examples=60, deadline=None)
@given(bodies=st.lists(TEXTS, min_size=1, max_size=5))
def test_word_count_column_holds_what_the_postings_hold(tmp_path_factory, bodies):
    """Each article's value in the column has each body word's frequency in its postings, whatever the text."""
    articles = [{"id": f"a{i}", "title": "t", "body": body + " harbour"} for i, body in enumerate(bodies)]
    with Index.create(tmp_path_factory.mktemp("column") / "idx") as index:
        index.add(articles)
        with index._searchers.lease() as s:
            reader = s.reader()
            postings = {}  # docnum -> {word: frequency}
            for word in reader.lexicon(ranking.FEEDBACK_FIELD):
                word = word.decode("utf-8")
                m = s.postings(ranking.FEEDBACK_FIELD, word)
                while m.is_active():
                    postings.setdefault(m.id(), {})[word] = int(m.weight())
                    m.next()
            docnums = sorted(reader.all_doc_ids())
            every = sorted({w for found in postings.values() for w in found})
            assert ranking._counts_from_column(s, every, docnums) == [postings.get(d, {}) for d in docnums]


def test_an_index_without_the_column_reranks_the_same(tmp_path):
    """An index of format 1 (no word-count column) re-ranks from postings or bodies: the same order and scores."""
    from whoosh import fields, index as whoosh_index

    from searchkit.schema import make_schema
    from searchkit.storage import FORMAT_FILE

    articles = [{"id": f"a{i}", "title": f"Harbour report {i}",
                 "body": f"The harbour board met {i % 5} times. " + "Dredging costs more. " * (i % 3)
                 + "Ferry crews voted. " * (i % 2)} for i in range(40)]
    old = tmp_path / "old"
    old.mkdir()
    schema = fields.Schema(**{name: field for name, field in make_schema().items() if name != "body_counts"})
    whoosh_index.create_in(str(old), schema).close()
    (old / FORMAT_FILE).write_text('{"format": 1}\n')
    with Index.open(old) as before, Index.create(tmp_path / "new") as now:
        before.add(articles)
        now.add(articles)
        with before._searchers.lease() as s:
            assert ranking._counts_from_column(s, ["harbour"], [0]) is None
        for query in ("harbour", "dredging ferry", "board"):
            a, b = before.search(query), now.search(query)
            assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits]
