"""Ranking: how search scores articles, between the query stage and the results.

BM25F over title, people and body (per-field weights are the schema's ``field_boost``),
plus two steps of the search path, chosen and measured as RELEVANCE.md records:

- :func:`reads_as_description`, applied to the parsed query: a query of more than
  :data:`MAX_REQUIRED_WORDS` distinct words is a sentence describing what is wanted, not
  a list of words that must all be there; it is ranked over any of its words (articles
  with more of them, and rarer ones, come first).
- :func:`rerank`, applied to the ranked hits: pseudo-relevance feedback. The words that
  stand out in the top articles add to the scores of the top :data:`RERANK_DEPTH`
  articles. Which articles match never changes; only their order does.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter

from whoosh import query as wq
from whoosh.classify import Bo1Model, Expander
from whoosh.scoring import BM25F

from .analysis import counts_finder
from .bulk import SplitWord, column_reader, length_bytes, length_norms, segment_scores

B, K1 = 0.75, 1.2  # the usual BM25 values (RELEVANCE.md: others did not do better on both collections)

MAX_REQUIRED_WORDS = 3

RERANK_DEPTH = 200  # hits re-scored with feedback words (20 pages of 10); the ones below keep their order
FEEDBACK_DOCS = 10  # top hits that feedback words are taken from (0: no feedback)
FEEDBACK_WORDS = 20  # feedback words added to the scores
FEEDBACK_WEIGHT = 1.0  # weight of the strongest feedback word, relative to a query word
FEEDBACK_FIELD = "body"  # the stemmed field feedback words are counted in and scored on
COUNTS_FIELD = "body_counts"  # the column of each article's counts of the feedback field's words
# Feedback words are counted in each top article's title and lead: news puts what a story
# is about first, and reading a fixed amount keeps the cost the same for long articles.
FEEDBACK_LEAD_CHARS = 1500
# A top article's words count in proportion to (its score / the best score) ** this: the
# first articles are likelier to be on the subject than the tenth. A ratio, so it works the
# same for queries of two words and of twenty.
FEEDBACK_SCORE_POWER = 3

Ranked = list[tuple[int, float]]  # (Whoosh document number, score), best first


def weighting() -> BM25F:
    """The scoring model every search uses."""
    return BM25F(B=B, K1=K1)


def query_words(q: wq.Query) -> set[str]:
    """The distinct stemmed words ``q`` looks for in the body (not those under NOT, not phrases)."""
    if isinstance(q, wq.Not):
        return set()
    if isinstance(q, wq.AndNot):  # the words after NOT or '-' are not looked for
        return query_words(q.a)
    if isinstance(q, wq.Term):
        return {q.text} if q.fieldname == FEEDBACK_FIELD else set()
    if isinstance(q, SplitWord):  # a word like "post-Soviet", searched in the body's exact twin
        return set(q.stems)
    if isinstance(q, wq.Phrase):  # in an index of format 1-3, such a word is a phrase of stemmed words
        return set(q.words) if q.fieldname == FEEDBACK_FIELD else set()
    return set().union(*(query_words(child) for child in q.children()))


def reads_as_description(q: wq.Query) -> bool:
    """True when ``q`` (parsed with all words required) has too many words to require them all."""
    return len(query_words(q)) > MAX_REQUIRED_WORDS


def _lead(body: str) -> str:
    if len(body) <= FEEDBACK_LEAD_CHARS:
        return body
    cut = body.rfind(" ", 0, FEEDBACK_LEAD_CHARS)
    return body[: cut if cut > 0 else FEEDBACK_LEAD_CHARS]


def feedback_words(searcher, top: Ranked, field_words: FieldWords | None = None) -> list[tuple[str, float]]:
    """(word, weight) of the words that stand out in the ``top`` hits, strongest first (weight 1).

    Standing out is Whoosh's Bo1 divergence: frequent in the titles and leads of the top
    articles (weighted by :data:`FEEDBACK_SCORE_POWER`), rare in the index. Only words found
    in at least two of the top articles are considered.
    """
    if len(top) < 2:
        return []
    reader = searcher.reader()
    field_words = field_words or FieldWords(reader.schema[FEEDBACK_FIELD])
    best = top[0][1]
    counted = []  # (share, {word: weight}) of each top article
    for docnum, score in top:
        record = searcher.stored_fields(docnum)["record"]
        text = f"{record.get('title') or ''}\n{_lead(record.get('body') or '')}"
        share = (score / best) ** FEEDBACK_SCORE_POWER if best > 0 else 1.0
        counted.append((share, field_words.weights(text)))
    # Only words that top articles share are candidates: what one article alone says is no
    # evidence about the subject, and looking every word up in the index is the slow part.
    shared = Counter(word for _, weights in counted for word in weights)
    expander = Expander(reader, FEEDBACK_FIELD, Bo1Model)
    for share, weights in counted:
        expander.add((word, weight * share) for word, weight in weights.items() if shared[word] > 1)
    return expander.expanded_terms(FEEDBACK_WORDS, normalize=False)  # weights relative to the strongest


class FieldWords:
    """The words of texts as a field indexes them, found by running the field's analyzer.

    :class:`searchkit.Index` passes an equivalent that finds them faster.
    """

    def __init__(self, field):
        self.field = field

    def weights(self, text: str) -> dict[str, float]:
        """Each word ``text`` is indexed under and its weight (frequency times the field's boost), in order of first use."""
        field = self.field
        return {field.from_bytes(word): weight for word, _, weight, _ in field.index(text)}

    def counts(self, texts: list[str], wanted: set[str]) -> list[dict[str, int]]:
        """How often each ``wanted`` word occurs in each of ``texts``."""
        analyzer = self.field.analyzer
        return [{w: n for w, n in Counter(t.text for t in analyzer(text)).items() if w in wanted} for text in texts]


# Costs that decide how rerank() finds the feedback words' scores in the top hits, in
# microseconds, measured on three corpora (BENCHMARKS.md): decoding a block of postings
# (77-107), and counting words in stored bodies, per indexed word (0.6-1.5) and per body.
BLOCK_US, BODY_WORD_US, BODY_US = 100.0, 1.0, 30.0
_POSTINGS_PER_BLOCK = 128  # Whoosh's default block size


def _scores_from_postings(searcher, word: str, docnums: list[int]) -> dict[int, float]:
    """The score ``searcher.postings(FEEDBACK_FIELD, word)`` gives each of ``docnums`` that has the word,
    segment by segment, decoding only the blocks of postings that hold one of them."""
    scores: dict[int, float] = {}
    term = (FEEDBACK_FIELD, word)
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        end = offset + reader.doc_count_all()
        here = {d - offset for d in docnums[bisect_left(docnums, offset):bisect_left(docnums, end)]}
        if here and term in reader:
            found = segment_scores(sub.postings(FEEDBACK_FIELD, word), reader, only=here)
            scores.update((d + offset, score) for d, score in found.items() if d in here)
    return scores


def _counts_from_column(searcher, words: list[str], docnums: list[int]) -> list[dict[str, int]] | None:
    """How often each of ``words`` occurs in the body of each of ``docnums`` (sorted), read from the
    :data:`COUNTS_FIELD` column; None when a segment of the index has no such column (format 1)."""
    columns = []
    for sub, offset in searcher.leaf_searchers():
        column = column_reader(sub.reader(), COUNTS_FIELD)
        if column is None:
            return None
        columns.append((offset, column))
    find = counts_finder(words)
    counts = []
    leaf = 0
    for docnum in docnums:
        while leaf + 1 < len(columns) and columns[leaf + 1][0] <= docnum:
            leaf += 1
        offset, column = columns[leaf]
        counts.append({word.decode("utf-8"): int(n) for word, n in find(column[docnum - offset])})
    return counts


def _counts_from_bodies(searcher, words: list[str], docnums: list[int],
                        field_words: FieldWords) -> list[dict[str, int]]:
    """What :func:`_counts_from_column` gives, from the stored bodies."""
    bodies = [searcher.stored_fields(docnum)["record"].get("body") or "" for docnum in docnums]
    return field_words.counts(bodies, set(words))


def _scores_from_counts(searcher, words: list[str], docnums: list[int],
                        counts: list[dict[str, int]]) -> dict[str, dict[int, float]]:
    """What :func:`_scores_from_postings` gives, for each of ``words``, from its count in each of ``docnums`` (sorted)."""
    field = searcher.schema[FEEDBACK_FIELD]
    lengths = length_bytes(searcher, FEEDBACK_FIELD, docnums)
    weighting = searcher.weighting
    # BM25F's scorer (what its parameters come from otherwise) also gathers the word's statistics
    # from every segment for a maximum score that is not used here.
    bulk = lengths is not None and type(weighting) is BM25F and field.scorable
    if bulk:
        K1, B = weighting.K1, weighting._field_B.get(FEEDBACK_FIELD, weighting.B)
        norms, k1_1 = length_norms(K1, B, searcher.avg_field_length(FEEDBACK_FIELD) or 1), K1 + 1
    scores: dict[str, dict[int, float]] = {}
    for word in words:
        have = [(docnum, found[word], i) for i, (docnum, found) in enumerate(zip(docnums, counts)) if word in found]
        # A posting's weight is the frequency times the field's boost, kept as a 32-bit float.
        tfs = array("f", [n * field.format.field_boost for _, n, _ in have]).tolist()
        if not bulk:
            scorer = weighting.scorer(searcher, FEEDBACK_FIELD, word)
            scores[word] = {docnum: scorer._score(tf, scorer.dfl(docnum)) for (docnum, _, _), tf in zip(have, tfs)}
            continue
        # BM25 as the postings are scored in bulk (searchkit.bulk): the same operations, so the same numbers.
        idf = searcher.idf(FEEDBACK_FIELD, word)
        scores[word] = {docnum: idf * ((tf * k1_1) / (tf + norms[lengths[i]])) for (docnum, _, i), tf in zip(have, tfs)}
    return scores


def _feedback_scores(searcher, words: list[str], docnums: list[int],
                     field_words: FieldWords) -> dict[str, dict[int, float]]:
    """Each of ``words``' scores in those of ``docnums`` (sorted) that have it, the cheapest way the index allows."""
    counts = _counts_from_column(searcher, words, docnums)
    if counts is None:
        blocks = sum(min(searcher.doc_frequency(FEEDBACK_FIELD, word) / _POSTINGS_PER_BLOCK + 1, len(docnums))
                     for word in words)
        body_words = len(docnums) * (searcher.avg_field_length(FEEDBACK_FIELD) or 0)
        if blocks * BLOCK_US <= body_words * BODY_WORD_US + len(docnums) * BODY_US:
            return {word: _scores_from_postings(searcher, word, docnums) for word in words}
        counts = _counts_from_bodies(searcher, words, docnums, field_words)
    return _scores_from_counts(searcher, words, docnums, counts)


def rerank(searcher, ranked: Ranked, field_words: FieldWords | None = None) -> Ranked:
    """``ranked`` with its top :data:`RERANK_DEPTH` hits re-scored by :func:`feedback_words`.

    Each feedback word adds its BM25 score in the body, times its weight, to the articles
    that have it. Scores only grow, so the re-scored hits stay above the rest; ties keep
    their order. Give at least RERANK_DEPTH hits (or all there are) for results that do
    not depend on the page asked for.

    The words' counts in the 200 articles come from the :data:`COUNTS_FIELD` column, one
    value per article. An index without it (format 1) has them from the words' postings, at
    the cost of a block of postings per article that has a word (0.4 s a search on 100,000
    articles when every feedback word is common), or from the stored bodies (``field_words``),
    which costs the same whatever the words: whichever should be cheaper. The scores are the same.
    """
    if FEEDBACK_DOCS < 2 or FEEDBACK_WORDS < 1:
        return ranked
    field_words = field_words or FieldWords(searcher.schema[FEEDBACK_FIELD])
    words = feedback_words(searcher, ranked[:FEEDBACK_DOCS], field_words)
    if not words:
        return ranked
    head = ranked[:RERANK_DEPTH]
    bonus = dict.fromkeys((docnum for docnum, _ in head), 0.0)
    docnums = sorted(bonus)
    scores = _feedback_scores(searcher, [word for word, _ in words], docnums, field_words)
    for word, weight in words:
        for docnum, score in scores[word].items():
            bonus[docnum] += FEEDBACK_WEIGHT * weight * score
    rescored = sorted(((docnum, score + bonus[docnum]) for docnum, score in head), key=lambda hit: -hit[1])
    return rescored + ranked[RERANK_DEPTH:]
