"""Index stage, part 4: every match of a query in one segment, with its score, computed in bulk.

A search counts every match (totals are exact) and ranks them all. Whoosh's collector
does it one match at a time, through the tree of matcher objects it builds for the
query: a dozen Python calls per match and field, which made a common word cost 0.1-0.4 s
on 100,000 articles. :func:`segment_scores` takes that same matcher tree and evaluates it
block by block instead: a term's postings are read a block at a time and scored with
BM25F from the segment's field-length column, unions and intersections are dict
operations, and an exact phrase checks the word positions of the articles that have all
its words, rarest word first. The scores are the same floating-point numbers, computed
by the same operations in the same order, so rankings are identical; a matcher of any
other kind (sloppy phrases, inlined postings, ...) is run as Whoosh runs it.
"""

from __future__ import annotations

import sys
import weakref
from array import array
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate
from pickle import loads

from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh import query as wq
from whoosh.matching import (
    AndNotMatcher,
    ArrayUnionMatcher,
    FilterMatcher,
    IntersectionMatcher,
    Matcher,
    NullMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

from .analysis import OnePassPositions
from .schema import PAIRS_OF

Scores = dict  # document number within the segment -> score

_LENGTHS = [byte_to_length(b) for b in range(256)]  # what a length byte stands for
# A block holding fewer wanted documents than 1 in this many of its postings has them looked up
# one by one (a binary search each) instead of every posting scored. Measured on 100k articles,
# 1 (any block not wholly wanted) beat 2 and 8: "said gairdtaer" 88 -> 62 ms (BENCHMARKS.md).
_SPARSE = 1
_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # segment reader -> {column name: values}


def _read_all(col, count: int) -> list | None:
    """Every value of a Whoosh numeric column reader at once, or None for another kind of reader.

    Whoosh reads such a column a document at a time (a method call and a struct unpack
    each); its values are fixed-size big-endian numbers, one after another, and documents
    past the last one written have the default.
    """
    if type(col) is not NumericColumn.Reader or array(col._typecode).itemsize != col._fixedlen:
        return None
    stored = min(col._count, count)
    values = array(col._typecode, col._dbfile.get(col._basepos, stored * col._fixedlen))
    if sys.byteorder == "little" and values.itemsize > 1:
        values.byteswap()
    return values.tolist() + [col._default] * (count - stored)


def kept_with(reader, name: str, load):
    """``load()``, called once per segment ``reader`` and ``name``; kept as long as the reader."""
    cached = _columns.setdefault(reader, {})
    if name not in cached:
        cached[name] = load()
    return cached[name]


def column_values(reader, fieldname: str) -> list:
    """Every document's value in the column of ``fieldname`` in one segment (kept with the reader)."""
    def load():
        col = reader.column_reader(fieldname, translate=False)
        values = _read_all(col, reader.doc_count_all())
        return list(col) if values is None else values

    return kept_with(reader, fieldname, load)


def date_order(reader, matches: int, fieldname: str = "date") -> tuple[array, list] | None:
    """One segment's document numbers in the order of their values in the numeric column of
    ``fieldname`` (ties by number), and those values in that order; a date order walks it from
    either end until it has a page. Sorting a segment costs about what looking up the dates of
    as many matches does, so it is sorted (and kept with the reader) only once the searches
    asking have brought ``matches`` that add up to its size; None before: a search in a new
    process (one CLI command) does not pay for a sort that a single search cannot repay.
    """
    state = kept_with(reader, "order:" + fieldname, lambda: [0, None])
    if state[1] is None:
        state[0] += matches
        if state[0] < reader.doc_count_all():
            return None
        state[1] = ordered(column_values(reader, fieldname))
    return state[1]


def ordered(values: list) -> tuple[array, list]:
    """The positions of ``values`` in the order of their values (ties by position), and the values in that order."""
    order = array("i", sorted(range(len(values)), key=values.__getitem__))
    return order, list(map(values.__getitem__, order))


def column_reader(reader, fieldname: str):
    """The column reader of ``fieldname`` in one segment (opened once, kept with the reader), or None if it has none."""
    def load():
        if fieldname not in reader.schema or not reader.has_column(fieldname):
            return None
        return reader.column_reader(fieldname, translate=False)

    return kept_with(reader, "reader:" + fieldname, load)


def bm25_norms(scorer: BM25FScorer) -> list[float]:
    """The length part of ``scorer``'s BM25 for each of the 256 length bytes: the score of a
    frequency ``tf`` in a document whose length byte is ``b`` is ``idf * ((tf * (K1 + 1)) / (tf + norms[b]))``."""
    return length_norms(scorer.K1, scorer.B, scorer.avgfl)


@lru_cache(maxsize=64)  # the same few fields' parameters for every word of every search
def length_norms(K1: float, B: float, avgfl: float) -> list[float]:
    """:func:`bm25_norms` of a scorer with these parameters (a shared list: not to be changed)."""
    return [K1 * ((1 - B) + B * fl / avgfl) for fl in _LENGTHS]


def length_bytes(searcher, fieldname: str, docnums: list[int]) -> list[int] | None:
    """The length byte of ``fieldname`` in each of ``docnums`` (sorted, global), or None if a segment keeps none."""
    found: list[int] = []
    leaves = searcher.leaf_searchers()
    i = 0
    for k, (sub, offset) in enumerate(leaves):
        end = leaves[k + 1][1] if k + 1 < len(leaves) else float("inf")
        if i < len(docnums) and docnums[i] < end:
            lengths = _field_lengths(sub.reader(), fieldname)
            if lengths is None:
                return None
            while i < len(docnums) and docnums[i] < end:
                found.append(lengths[docnums[i] - offset])
                i += 1
    return found


def _field_lengths(reader, fieldname: str) -> list | None:
    """The length byte of ``fieldname`` in every document of one segment, or None if Whoosh keeps none."""
    def load():
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return None if col is None else _read_all(col, reader.doc_count_all())

    return kept_with(reader, _lenfield(fieldname), load)


def segment_scores(matcher, reader, keep: dict | None = None, only=None) -> Scores:
    """The score of every document ``matcher`` matches from where it stands (it is used up).

    ``reader`` is the segment's reader (for field lengths). Scores equal ``matcher.score()``
    at each match, bit for bit. ``keep`` maps ``id()`` of some term matchers in the tree to
    a dict that gets the encoded posting value (positions) of each of their documents.
    ``only`` (a collection of document numbers) says which documents the caller wants: others
    may be left out, so a term read for an intersection decodes only the blocks of its
    postings that hold a document the other side matched.
    """
    kind = type(matcher)
    if kind is W3LeafMatcher and type(matcher.scorer) is BM25FScorer:
        return _leaf_scores(matcher, reader, keep.get(id(matcher)) if keep else None, only)
    if kind is W3LeafMatcher and type(matcher.scorer) is WeightScorer and not keep:  # unscored fields: dates, ids
        return _leaf_weights(matcher)
    if kind is NullMatcherClass:
        return {}
    if kind is UnionMatcher:  # a.score() + b.score() where both match
        a, b = segment_scores(matcher.a, reader, keep, only), segment_scores(matcher.b, reader, keep, only)
        for docnum, score in b.items():
            a[docnum] = a[docnum] + score if docnum in a else score
        return a
    if kind is IntersectionMatcher:  # a.score() + b.score(); the smaller side is read first
        if _size(matcher.a) <= _size(matcher.b):
            a = segment_scores(matcher.a, reader, keep, only)
            b = segment_scores(matcher.b, reader, keep, a.keys())
        else:
            b = segment_scores(matcher.b, reader, keep, only)
            a = segment_scores(matcher.a, reader, keep, b.keys())
        return {docnum: score + b[docnum] for docnum, score in a.items() if docnum in b}
    if kind is AndNotMatcher:
        a = segment_scores(matcher.a, reader, keep, only)
        if matcher.b.is_active() and a:
            excluded = segment_scores(matcher.b, reader, None, a.keys())
            return {docnum: score for docnum, score in a.items() if docnum not in excluded}
        return a
    if kind is FilterMatcher or kind is WrappingMatcher:
        scores = segment_scores(matcher.child, reader, keep, only)
        if kind is FilterMatcher:
            ids, exclude = matcher._ids, matcher._exclude
            scores = {d: s for d, s in scores.items() if (d in ids) != exclude}
        return _boosted(scores, matcher.boost)
    if kind is ArrayUnionMatcher and matcher._scored:
        return _array_union_scores(matcher, reader)
    if kind is SpanNear2.SpanNear2Matcher and (matcher.slop, matcher.ordered, matcher.mindist) == (1, True, 1):
        terms = [_term_matcher(m) for m in matcher.ms]
        if all(t is not None and t.supports("positions") for t in terms):
            return _boosted(_phrase_scores(matcher.ms, terms, reader, only), matcher.boost)
    if kind is _DeferredPhraseMatcher and not matcher.started and matcher.slop == 1:
        terms = [_term_matcher(m) for m in matcher.ms]
        if all(t is not None and t.supports("positions") for t in terms):
            return _phrase_scores(matcher.ms, terms, reader, _pair_docs(matcher.pairs, only))
    return _one_by_one(matcher)


def segment_docs(matcher) -> set[int] | None:
    """The documents ``matcher`` matches from where it stands (it is then used up), without scoring
    them; None, with the matcher untouched, for a tree with a kind of matcher this does not read
    (phrases among them: use :func:`segment_scores`). A sort by date needs the scores of only the
    few articles on the page's days.
    """
    return _docs(matcher) if _docs_readable(matcher) else None


def _docs_readable(matcher) -> bool:
    kind = type(matcher)
    if kind is W3LeafMatcher or kind is NullMatcherClass:
        return True
    if kind is WrappingMatcher or kind is FilterMatcher:
        return _docs_readable(matcher.child)
    if kind is UnionMatcher or kind is IntersectionMatcher or kind is AndNotMatcher:
        return _docs_readable(matcher.a) and _docs_readable(matcher.b)
    return False


def _docs(matcher) -> set[int]:
    kind = type(matcher)
    if kind is W3LeafMatcher:
        docs: set[int] = set()
        start = matcher._i
        while matcher.is_active():
            ids, _ = _block(matcher)
            docs.update(ids[start:] if start else ids)
            start = 0
            matcher._next_block()
        return docs
    if kind is NullMatcherClass:
        return set()
    if kind is WrappingMatcher:
        return _docs(matcher.child)
    if kind is FilterMatcher:
        docs = _docs(matcher.child)
        return docs - matcher._ids if matcher._exclude else docs & matcher._ids
    a = _docs(matcher.a)
    if kind is UnionMatcher:
        return a | _docs(matcher.b)
    if kind is IntersectionMatcher:
        return a & _docs(matcher.b) if a else a
    return a - _docs(matcher.b) if a and matcher.b.is_active() else a  # AndNotMatcher


def _size(matcher) -> float:
    """About how much reading ``matcher``'s documents takes (bytes of postings), to read the smaller side first."""
    kind = type(matcher)
    if kind is W3LeafMatcher:
        length = matcher._length  # whoosh-reloaded 2.7.5 keeps it in a 1-tuple
        return length[0] if isinstance(length, tuple) else length
    if kind is NullMatcherClass:
        return 0
    if kind is FilterMatcher or kind is WrappingMatcher:
        return _size(matcher.child)
    if kind is UnionMatcher:
        return _size(matcher.a) + _size(matcher.b)
    if kind is IntersectionMatcher:
        return min(_size(matcher.a), _size(matcher.b))
    if kind is AndNotMatcher:
        return _size(matcher.a)
    if kind is SpanNear2.SpanNear2Matcher:
        return _size(matcher.child)
    if kind is _DeferredPhraseMatcher:
        return min(_size(m) for m in [*matcher.ms, *matcher.pairs])
    return float("inf")  # unknown: read whole, so first


class BulkPhrase(wq.Phrase):
    """Whoosh's Phrase query, whose matcher does no work until it is used match by match.

    Whoosh's phrase matcher looks for its first match as soon as it is made, checking the
    word positions of each article that has all the words (on a large index, most of an
    exact phrase search whose words are common); bulk scoring then finds every match again
    its own way. This one hands bulk scoring the words' matchers untouched.
    """

    def matcher(self, searcher, context=None):
        schema = searcher.schema
        field = schema[self.fieldname] if self.fieldname in schema else None
        if field is None or not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh's own answer: no matches, or its error
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (self.fieldname, word) not in reader:
                return NullMatcher()
            terms.append(wq.Term(self.fieldname, word))
        pairs = []
        pairs_field = PAIRS_OF.get(self.fieldname)
        if self.slop == 1 and pairs_field in schema:
            for term in sorted(schema[pairs_field].pair_terms(list(self.words))):
                if (pairs_field, term) not in reader:  # no article of this segment has that pair
                    return NullMatcher()
                pairs.append(wq.Term(pairs_field, term).matcher(searcher, context))
        m = _DeferredPhraseMatcher([t.matcher(searcher, context) for t in terms], self.slop, pairs)
        return m if self.boost == 1.0 else WrappingMatcher(m, boost=self.boost)


class SplitWord(BulkPhrase):
    """One query word that the analyzer splits (``post-Soviet``), searched as its words in a row
    in an exact field because the field it was meant for keeps no positions; ``stems`` are its
    words as that field indexes them (what feedback re-ranking counts as the query's words)."""

    def __init__(self, fieldname, words, stems=(), **kwargs):
        super().__init__(fieldname, words, **kwargs)
        self.stems = list(stems)

    def normalize(self):
        q = super().normalize()
        if isinstance(q, SplitWord):
            q.stems = self.stems
        return q


class _DeferredPhraseMatcher:
    """Whoosh's matcher of a phrase (``SpanNear2``, in order, at least one apart), made when first used."""

    # Whoosh compares matchers (sorting (weight, matcher) pairs into a tree) by class alone.
    __eq__, __ne__, __lt__, __gt__, __le__, __ge__ = (
        Matcher.__eq__, Matcher.__ne__, Matcher.__lt__, Matcher.__gt__, Matcher.__le__, Matcher.__ge__)
    __hash__ = None

    def __init__(self, ms: list, slop: int, pairs: list = ()):
        self.ms, self.slop = ms, slop
        self.pairs = pairs  # matchers of the phrase's pairs' terms in a WordPairs field: every match has them all

    @property
    def started(self) -> bool:
        return "_matcher" in self.__dict__

    def __getattr__(self, name):
        m = self.__dict__.get("_matcher")
        if m is None:
            m = self._matcher = SpanNear2.SpanNear2Matcher(self.ms, slop=self.slop, ordered=True, mindist=1)
        return getattr(m, name)


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def _term_matcher(m):
    """The term matcher under deletion filters and boosts, if it is one bulk scoring reads."""
    while type(m) is FilterMatcher or type(m) is WrappingMatcher:
        m = m.child
    return m if type(m) is W3LeafMatcher and type(m.scorer) is BM25FScorer else None


def _phrase_scores(ms: list, terms: list, reader, only=None) -> Scores:
    """The documents where the words of a phrase stand one after another, from where the words'
    matchers ``ms`` stand (``terms``: the term matcher in each), scored as Whoosh scores them.

    Whoosh's phrase matcher is a binary tree of intersections of the words' matchers (its score
    their sum, in that tree's order) whose spans grow word by word, each next word exactly one
    position after the span's end (slop 1, in order, at least 1 apart). Here the words are
    read rarest first, each only in the blocks that hold an article still in the running: after
    each word, the articles where it does not stand at its place after the words read before
    (at the right distance, whichever its place in the phrase) drop out, so the most common
    words, the most costly to read, are read for few articles. The tree itself is never made:
    its constructor already reads its way to the first match, one call at a time.
    """
    values = {id(t): {} for t in terms}
    parts: list = [None] * len(ms)
    docs = only
    starts: dict | None = None  # document -> where the phrase can start in it, after the words read so far
    for k in sorted(range(len(ms)), key=lambda k: _size(ms[k])):
        parts[k] = segment_scores(ms[k], reader, values, docs)
        docs = parts[k].keys() if docs is None else parts[k].keys() & docs
        encoded = values[id(terms[k])]
        decode = _positions if type(terms[k].format) in (Positions, OnePassPositions) else \
            terms[k].format.decoder("positions")
        if starts is None:
            starts = {d: [p - k for p in decode(encoded[d])] for d in docs}
        else:
            narrowed = {}
            for d in docs:
                at = set(decode(encoded[d]))
                kept = [s for s in starts[d] if s + k in at]
                if kept:
                    narrowed[d] = kept
            starts = narrowed
        docs = starts.keys()
        if not docs:
            return {}
    return {docnum: _tree_sum(parts, 0, len(parts), docnum) for docnum in docs}


def _pair_docs(pairs: list, only=None):
    """The documents among ``only`` (None: all) that have every pair's term (``pairs``: term
    matchers of a :class:`~searchkit.analysis.WordPairs` field), read smallest first, each
    only in the blocks that can hold a document still wanted; ``only`` itself without pairs."""
    docs = only
    for m in sorted(pairs, key=_size):
        while type(m) is FilterMatcher or type(m) is WrappingMatcher:  # deleted articles: the words' matchers skip them
            m = m.child
        if type(m) is not W3LeafMatcher:
            continue
        if docs is None:
            docs = _docs(m)
        else:
            docs = _leaf_docs(m, docs)
        if not docs:
            return docs
    return docs


def _leaf_docs(m: W3LeafMatcher, only) -> set[int]:
    """The documents of ``only`` in a term's postings from the current one on."""
    wanted = sorted(only)
    found = set()
    j, start = 0, m._i
    while m.is_active() and j < len(wanted):
        if wanted[j] <= m._maxid:
            ids, _ = _block(m)
            k = bisect_right(wanted, m._maxid, j)
            found.update(ids[start:] if start else ids)
            j = k
        start = 0
        m._next_block()
    return found.intersection(only)


def _positions(value: bytes):
    """The positions in a posting's value, as Whoosh's ``Positions.decode_positions`` reads them (a
    count, then a pickled list of gaps), with the running sum done in C."""
    return accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b"."))


def _tree_sum(parts: list, lo: int, hi: int, docnum: int) -> float:
    """``parts[lo:hi]``'s scores of ``docnum`` added up as ``make_binary_tree(IntersectionMatcher, ...)`` adds them."""
    if hi - lo == 1:
        return parts[lo][docnum]
    mid = lo + (hi - lo) // 2
    return _tree_sum(parts, lo, mid, docnum) + _tree_sum(parts, mid, hi, docnum)


def _one_by_one(matcher, values: dict | None = None) -> Scores:
    """Whoosh's own way: match by match (with each posting's encoded value put in ``values``, if given)."""
    scores = {}
    while matcher.is_active():
        scores[matcher.id()] = matcher.score()
        if values is not None:
            values[matcher.id()] = matcher.value()
        matcher.next()
    return scores


def _leaf_scores(m: W3LeafMatcher, reader, values: dict | None = None, only=None) -> Scores:
    """A term's postings from the current one on, scored as ``BM25FScorer.score`` does
    (and their encoded values put in ``values``, if given); with ``only``, just those documents."""
    scores: Scores = {}
    if not m.is_active() or (only is not None and not only):
        return scores
    lengths = _field_lengths(reader, m.term()[0])
    if lengths is None:
        return _one_by_one(m, values)
    scorer = m.scorer
    idf, k1_1, norms = scorer.idf, scorer.K1 + 1, bm25_norms(scorer)
    wanted = sorted(only) if only is not None else None
    j = 0  # the first wanted document after the blocks already passed
    start = m._i
    while True:
        if wanted is not None:
            if j == len(wanted):
                return scores
            if wanted[j] > m._maxid:  # no wanted document in this block: its postings are not decoded
                m._next_block()
                if m._atend:
                    return scores
                start = 0  # the next block is read from its first posting
                continue
        ids, weights = _block(m)
        if values is not None and m._values is None:
            m._read_values()
        here = None  # the wanted documents this block could hold, when they are few
        if wanted is not None:
            k = bisect_right(wanted, m._maxid, j)
            if (k - j) * _SPARSE < len(ids) - start:
                here = wanted[j:k]
            j = k
        if here is not None:  # look each up rather than score the whole block
            for docnum in here:
                i = bisect_left(ids, docnum, start)
                if i < len(ids) and ids[i] == docnum:
                    tf = weights[i]
                    scores[docnum] = idf * ((tf * k1_1) / (tf + norms[lengths[docnum]]))
                    if values is not None:
                        values[docnum] = m._values[i]
        else:
            if start:
                ids, weights = ids[start:], weights[start:]
            if values is not None:
                values.update(zip(ids, m._values[start:]))
            for docnum, tf in zip(ids, weights):
                scores[docnum] = idf * ((tf * k1_1) / (tf + norms[lengths[docnum]]))
        start = 0
        m._next_block()
        if m._atend:
            return scores


def _leaf_weights(m: W3LeafMatcher) -> Scores:
    """A term's postings from the current one on, scored as ``WeightScorer.score`` does: by their weight."""
    scores: Scores = {}
    start = m._i
    while m.is_active():
        ids, weights = _block(m)
        scores.update(zip(ids[start:], weights[start:]) if start else zip(ids, weights))
        start = 0
        m._next_block()
    return scores


def matching_docs(searcher, q) -> set[int]:
    """The (global) numbers of the documents ``q`` matches, as ``searcher.docs_for_query`` gives them, in bulk.

    A range of a numeric column's values (a date range) is checked against the column: Whoosh
    reads the postings of a dozen or more indexed terms of different precisions for it.
    """
    context = searcher.context(needs_current=True)  # every OR a tree of unions, see index._RankedCollector
    rest, ranges = _column_ranges(searcher.schema, q)
    docs: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if rest is not None:
            found = list(segment_scores(rest.matcher(sub, context), reader))
        else:
            found = range(reader.doc_count_all())
            if reader.has_deletions():
                found = [d for d in found if not reader.is_deleted(d)]
        for r in ranges:
            values, default = column_values(reader, r.fieldname), reader.schema[r.fieldname].column_type._default
            low = -1 if r.start is None else r.start + r.startexcl
            high = default - 1 if r.end is None else r.end - r.endexcl
            found = [d for d in found if low <= values[d] <= high and values[d] != default]
        docs.update((d + offset for d in found) if offset else found)
    return docs


def _column_ranges(schema, q) -> tuple:
    """``q`` as (the rest of the query, or None; the numeric ranges it requires that a column can answer)."""
    def answerable(part) -> bool:
        return (type(part) in (wq.NumericRange, wq.DateRange) and part.fieldname in schema
                and isinstance(schema[part.fieldname].column_type, NumericColumn)
                and isinstance(part.start, (int, type(None))) and isinstance(part.end, (int, type(None))))

    parts = list(q.subqueries) if type(q) is wq.And else [q]
    ranges = [part for part in parts if answerable(part)]
    rest = [part for part in parts if not answerable(part)]
    return (None if not rest else rest[0] if len(rest) == 1 else wq.And(rest)), ranges


def _block(m: W3LeafMatcher) -> tuple:
    """The document numbers and weights of the matcher's current block, decoded as Whoosh does but
    in C: running sums of the stored gaps, and 1.0 for each posting when no weight is stored."""
    if m._ids is None:
        if m._data is None:
            m._read_data()
        ids = m._data[0]
        m._ids = ids if m._byteids else tuple(accumulate(ids))
    if m._weights is None:
        if m._data is None:
            m._read_data()
        weights = m._data[1]
        if weights is None or isinstance(weights, float):
            m._weights = array("f", [1.0 if weights is None else weights]) * m._blocklength
        else:
            m._weights = weights
    return m._ids, m._weights


def _array_union_scores(m: ArrayUnionMatcher, reader) -> Scores:
    """Whoosh adds each sub-matcher's score times the boost into an array of 0s, sub-matcher by
    sub-matcher, a part of the segment at a time; the first part is already read."""
    offset, a = m._offset, m._a
    scores = {offset + i: a[i] for i in range(m._docnum - offset, m._limit - offset) if a[i] > 0}
    boost = m._boost
    rest: Scores = {}
    for sub in m._submatchers:
        for docnum, score in segment_scores(sub, reader).items():
            rest[docnum] = rest.get(docnum, 0.0) + score * boost
    scores.update((d, s) for d, s in rest.items() if s > 0)  # a 0 in the array means no match
    return scores
