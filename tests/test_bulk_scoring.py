"""Searches score every match in bulk (searchkit.bulk): the same hits, scores and totals as Whoosh's own
match-by-match scoring, on an index of several segments with replaced (deleted) articles."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whoosh import matching
from whoosh import query as wq
from whoosh.util import make_binary_tree

from searchkit import Index, bulk
from searchkit.bulk import matching_docs, segment_scores
from searchkit.index import _RankedCollector

WORDS = "harbour tide ferry quay levy storm council vote budget dredge pier gull beacon salt".split()
NAMES = ["Ines Marlow", "Tobiah Quist", "Renata Oyelaran", "Casimir Dunleavy"]


def _article(rng: random.Random, i: int, version: int = 0) -> dict:
    words = [rng.choice(WORDS[: rng.randint(3, len(WORDS))]) for _ in range(rng.randint(5, 60))]
    people = rng.sample(NAMES, rng.randint(0, 2))
    day = date(2016, 1, 1) + timedelta(days=rng.randrange(2000))
    return {
        "id": f"n{i}",
        "title": " ".join(rng.sample(WORDS, 3)).title() + ("" if not version else f" (update {version})"),
        "body": " ".join(words) + ". " + " ".join(f"{name} said so." for name in people),
        "date": day.isoformat() if rng.random() > 0.1 else None,
        "people": people,
    }


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    rng = random.Random(4)
    with Index.create(tmp_path_factory.mktemp("bulk") / "idx") as index:
        for start in range(0, 600, 150):  # a commit per batch: several segments
            index.add([_article(rng, i) for i in range(start, start + 150)], batch_size=150)
        index.add([_article(rng, i, version=1) for i in range(0, 600, 7)])  # replaced: deleted in old segments
        yield index


def _whoosh_reference(searcher, q, allow) -> dict[int, float]:
    """Every match and its score, the way Whoosh's collector computes them: one match at a time
    (with every OR as a tree of unions, see _RankedCollector.prepare)."""
    allowed = set(searcher.docs_for_query(allow)) if allow is not None else None
    scores = {}
    context = searcher.context(needs_current=True)
    for sub, offset in searcher.leaf_searchers():
        m = q.matcher(sub, context)
        while m.is_active():
            if allowed is None or m.id() + offset in allowed:
                scores[m.id() + offset] = m.score()
            m.next()
    return scores


PHRASES_AND_MORE = ['"storm tide"', '"council vote"', '"tide tide"', '"quay levy storm"', '"salt gull"~3', "harb*",
                    "title:levy"]
queries = st.lists(st.sampled_from(WORDS + PHRASES_AND_MORE), min_size=1,
                   max_size=3).map(" ".join)
filters = st.fixed_dictionaries({}, optional={
    "people": st.sampled_from(["Marlow", "Quist", "Ines Marlow"]),
    "since": st.sampled_from(["2016", "2017-06"]),
    "until": st.sampled_from(["2018", "2020-02-29"]),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries, filters=filters, any_terms=st.booleans(), sort=st.sampled_from(["relevance", "newest", "oldest"]),
       limit=st.sampled_from([1, 5, 40]))
def test_bulk_scores_equal_whooshs_own(index, text, filters, any_terms, sort, limit):
    _assert_ranked_as_whoosh_ranks(index, text, filters, any_terms, sort, limit)


@pytest.mark.parametrize("sparse", [0, bulk._SPARSE, 10**9], ids=["always", "as shipped", "never"])
def test_wanted_articles_looked_up_one_by_one_or_read_with_their_block_score_the_same(index, monkeypatch, sparse):
    """An AND (or a phrase) reads the commoner side only for the articles the rarer side matched,
    looking them up in a block when they are few: either way, Whoosh's matches and scores."""
    monkeypatch.setattr(bulk, "_SPARSE", sparse)
    for text in ("harbour beacon", "salt gull pier", "tide storm", '"storm tide"', '"quay levy storm"', "levy -vote"):
        for filters in ({}, {"people": ["Marlow"]}):
            _assert_ranked_as_whoosh_ranks(index, text, filters, False, "relevance", 40)


def _assert_ranked_as_whoosh_ranks(index, text, filters, any_terms, sort, limit):
    q, allow = index._queries(text, any_terms=any_terms, **filters)
    with index._searchers.lease() as s:
        if allow is not None:  # the filter's articles, found in bulk: those Whoosh finds
            assert matching_docs(s, allow) == set(s.docs_for_query(allow))
        assert matching_docs(s, q) == set(s.docs_for_query(q))
        reference = _whoosh_reference(s, q, allow)
        collector = _RankedCollector(limit, sort, allow)
        s.search_with_collector(q, collector)
        dates = {d: collector._date_key(v) for d, v in enumerate(s.reader().column_reader("date", translate=False))}
    assert collector.total == len(reference)
    if sort == "relevance":
        keys = sorted(((score, dates[d], -d) for d, score in reference.items()), reverse=True)
        expected = [(-k[2], k[0]) for k in keys[:limit]]
    else:
        keys = sorted(((dates[d], score, -d) for d, score in reference.items()), reverse=True)
        expected = [(-k[2], k[1]) for k in keys[:limit]]
    assert collector.ranked() == expected  # scores equal to the last bit


def _one_by_one(m) -> dict[int, float]:
    scores = {}
    while m.is_active():
        scores[m.id()] = m.score()
        m.next()
    return scores


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
       shape=st.sampled_from(["union", "intersection", "array", "and not"]), partsize=st.sampled_from([8, 50, 2048]))
def test_every_matcher_shape_scores_like_whoosh(index, words, shape, partsize):
    """Unions, intersections, preloaded unions read in parts (the first one read before bulk scoring
    starts, so postings are taken up mid-block), exclusions, deleted articles, postings of several blocks."""
    with index._searchers.lease() as s:
        for sub, _ in s.leaf_searchers():
            def build(words=words):
                ms = [wq.Term("body_exact", w).matcher(sub, s.context()) for w in words]
                if shape == "array":
                    return matching.ArrayUnionMatcher(ms, sub.doc_count_all(), partsize=partsize)
                kind = matching.IntersectionMatcher if shape == "intersection" else matching.UnionMatcher
                return make_binary_tree(kind, ms)

            if shape == "and not" and len(words) > 1:
                # Whoosh's AndNotMatcher lets the first match through when the excluded term's first match
                # comes before it: the reference is the difference itself.
                excluded = _one_by_one(build(words[1:]))
                expected = {d: score for d, score in _one_by_one(build(words[:1])).items() if d not in excluded}
                got = segment_scores(matching.AndNotMatcher(build(words[:1]), build(words[1:])), sub.reader())
            else:
                expected, got = _one_by_one(build()), segment_scores(build(), sub.reader())
            assert got == expected  # scores equal to the last bit


def test_excluded_words_exclude_every_article_that_has_them(index):
    """Whoosh's own AND NOT over a preloaded OR lets a few excluded articles through; bulk scoring does not."""
    for word, excluded in [("harbour", "tide"), ("storm", "levy"), ("quay", "ferry")]:
        everything = {h.id for h in index.search(word, limit=1000)}
        having = {h.id for h in index.search(excluded, limit=1000)}
        results = index.search(f"{word} -{excluded}", limit=1000)
        assert {h.id for h in results} == everything - having
        assert results.total == len(everything - having)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.none() | st.integers(0, 2100), end=st.none() | st.integers(0, 2100), excl=st.booleans(),
       word=st.none() | st.sampled_from(WORDS))
def test_date_ranges_read_from_the_column_match_what_whoosh_matches(index, start, end, excl, word):
    """Undated, deleted and boundary articles included: the column gives the articles Whoosh's range terms give."""
    from datetime import datetime

    from whoosh import query as wq

    def day(n):
        return None if n is None else datetime(2016, 1, 1) + timedelta(days=n)

    q = wq.DateRange("date", day(start), day(end), startexcl=excl, endexcl=not excl)
    if word is not None:
        q = wq.And([wq.Term("body", word), q])
    with index._searchers.lease() as s:
        assert matching_docs(s, q) == set(s.docs_for_query(q))


def test_an_exact_phrase_is_scored_without_whooshs_phrase_matcher(index):
    """Bulk scoring reads a phrase's words itself: Whoosh's span matcher (slow to make) is never made."""
    from searchkit.bulk import BulkPhrase, _DeferredPhraseMatcher

    checked = 0
    with index._searchers.lease() as s:
        for sub, _ in s.leaf_searchers():
            phrase = BulkPhrase("body_exact", ["storm", "tide"])
            m = phrase.matcher(sub, s.context(needs_current=True))
            if type(m) is not _DeferredPhraseMatcher:  # a segment without one of the words
                continue
            found = segment_scores(m, sub.reader())
            assert not m.started
            assert found == _one_by_one(phrase.matcher(sub, s.context(needs_current=True)))
            checked += bool(found)
    assert checked >= 2


def test_any_one_match_can_be_scored_alone(index):
    """Scoring only some articles (a date sort's page, the other side of an AND) from a matcher that
    already stands inside a block: an article in a later block is not cut off with the first block's start."""
    q, _ = index._queries("harbour salt title:levy")
    with index._searchers.lease() as s:
        context = s.context(needs_current=True)
        for sub, _ in s.leaf_searchers():
            every = segment_scores(q.matcher(sub, context), sub.reader())
            for docnum, score in every.items():
                assert segment_scores(q.matcher(sub, context), sub.reader(), only=[docnum]) == {docnum: score}


@pytest.mark.parametrize("words", [["storm", "tide"], ["quay", "levy", "storm"], ["tide", "tide"], ["salt", "gull"]])
def test_whooshs_own_phrase_matcher_is_scored_in_bulk_as_it_scores(index, words):
    """A Whoosh Phrase (not the parser's BulkPhrase) has already found its first match when made."""
    with index._searchers.lease() as s:
        for sub, _ in s.leaf_searchers():
            def made():
                return wq.Phrase("body_exact", words).matcher(sub, s.context(needs_current=True))

            assert segment_scores(made(), sub.reader()) == _one_by_one(made())


@given(st.lists(st.integers(0, 100_000), max_size=60, unique=True).map(sorted))
def test_positions_read_as_whoosh_reads_them(positions):
    from whoosh.formats import Positions

    from searchkit.bulk import _positions

    value = Positions().encode(positions)
    assert list(_positions(value)) == Positions().decode_positions(value) == positions
    assert list(_positions(value[:-1])) == positions  # a value written without pickle's last byte


def test_a_date_order_scores_only_the_articles_that_can_make_the_page(index, monkeypatch):
    """Newest first reads every match's number and date, but scores only those on the page's days."""
    import searchkit.index as index_module

    asked = []
    real = index_module.segment_scores

    def spy(matcher, reader, keep=None, only=None):
        found = real(matcher, reader, keep, only)
        asked.append((only, len(found)))
        return found

    monkeypatch.setattr(index_module, "segment_scores", spy)
    results = index.search("harbour", sort="newest", limit=3, snippets=False, suggest=False)
    assert results.total > 50 and len(results.hits) == 3
    assert asked and all(only is not None for only, _ in asked)
    assert sum(n for _, n in asked) < results.total / 4


def test_a_segment_is_sorted_by_date_once_date_orders_have_read_as_many_matches(tmp_path, monkeypatch):
    """The first newest-first search in a process looks up its matches' dates; once searches have
    looked up as many as a segment has articles, the segment is sorted by date, once, and later
    searches walk it: the same pages either way."""
    sorts = []
    real = bulk.ordered
    monkeypatch.setattr(bulk, "ordered", lambda values: sorts.append(len(values)) or real(values))
    rng = random.Random(9)
    with Index.create(tmp_path / "idx") as index:
        index.add([_article(rng, i) for i in range(400)], batch_size=400)
        pages = []
        for _ in range(4):
            results = index.search("harbour", sort="newest", limit=5, snippets=False, suggest=False)
            pages.append([(hit.id, hit.date) for hit in results.hits])
            if len(pages) == 1:
                assert 100 <= results.total < 400 and not sorts  # the first search alone did not sort the segment
        assert sorts == [400]
        assert all(page == pages[0] for page in pages) and len(pages[0]) == 5
        assert [d for _, d in pages[0]] == sorted((d for _, d in pages[0]), reverse=True)


@given(values=st.lists(st.sampled_from([3, 5, 7, 7, 9, 120, "undated"]), min_size=1, max_size=40),
       limit=st.integers(1, 12), sort=st.sampled_from(["newest", "oldest"]), data=st.data())
def test_a_date_order_keeps_the_articles_on_the_pages_days(values, limit, sort, data):
    """The matches that can make a page of a date order: those whose day is at least the
    limit-th best day in that order (ties included, undated last), in any order; the same
    whether every match's date is looked up or the segment is walked in date order."""
    from searchkit.bulk import ordered
    from searchkit.index import _RankedCollector

    undated = 2**63 - 1
    days = [undated if v == "undated" else v for v in values]
    docs = data.draw(st.sets(st.sampled_from(range(len(days))), min_size=1))
    collector = _RankedCollector(limit, sort)
    collector._missing = undated
    keys = sorted((collector._date_key(days[d]) for d in docs), reverse=True)
    floor = keys[min(limit, len(keys)) - 1]
    expected = {d for d in docs if collector._date_key(days[d]) >= floor}
    assert set(collector._on_the_page_days(sorted(docs), days)) == expected
    walked = collector._walked_page_days(docs, days, *ordered(days))
    dated = sum(days[d] != undated for d in docs)
    if len(docs) > limit and (sort == "oldest" or dated >= limit):
        assert walked is not None and set(walked) == expected
    else:
        assert walked is None or set(walked) == expected
