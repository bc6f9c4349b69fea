"""Ranking: how search scores articles, between the query stage and the results.

BM25F over title, people and body (per-field weights are the schema's ``field_boost``),
plus two rules the search path applies to a parsed query, chosen and measured as
RELEVANCE.md records:

- :func:`reads_as_description`: a query of more than :data:`MAX_REQUIRED_WORDS`
  distinct words is a sentence describing what is wanted, not a list of words that must
  all be there; it is ranked over any of its words (articles with more of them, and
  rarer ones, come first).
- :func:`with_feedback`: pseudo-relevance feedback. The words that stand out in the top
  articles of a first pass add to the score of every matching article. The set of
  matching articles stays exactly what the query asked for; only their order changes.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.classify import Bo1Model, Expander
from whoosh.scoring import BM25F

B, K1 = 0.75, 1.2  # the usual BM25 values: tuning them moved MAP by under 0.005 on both test collections

MAX_REQUIRED_WORDS = 4

FEEDBACK_DOCS = 10  # top articles of the first pass that feedback words are taken from (0: no feedback)
FEEDBACK_WORDS = 20  # feedback words added to the ranking
FEEDBACK_WEIGHT = 1.0  # weight of the strongest feedback word, relative to a query word
FEEDBACK_FIELD = "body"  # the stemmed field feedback words are counted in and scored on
# Feedback words are counted in each top article's title and lead: news puts what a story
# is about first, and reading a fixed amount keeps the cost the same for long articles.
FEEDBACK_LEAD_CHARS = 1500
# A top article's words count in proportion to (its score / the best score) ** this: the
# first articles are likelier to be on the subject than the tenth. A ratio, so it works the
# same for queries of two words and of twenty.
FEEDBACK_SCORE_POWER = 3


def weighting() -> BM25F:
    """The scoring model every search uses."""
    return BM25F(B=B, K1=K1)


def query_words(q: wq.Query) -> set[str]:
    """The distinct stemmed words ``q`` looks for in the body (not those under NOT, not phrases)."""
    if isinstance(q, wq.Not):
        return set()
    if isinstance(q, wq.Term):
        return {q.text} if q.fieldname == FEEDBACK_FIELD else set()
    return set().union(*(query_words(child) for child in q.children()))


def reads_as_description(q: wq.Query) -> bool:
    """True when ``q`` (parsed with all words required) has too many words to require them all."""
    return len(query_words(q)) > MAX_REQUIRED_WORDS


def _lead(body: str) -> str:
    if len(body) <= FEEDBACK_LEAD_CHARS:
        return body
    cut = body.rfind(" ", 0, FEEDBACK_LEAD_CHARS)
    return body[: cut if cut > 0 else FEEDBACK_LEAD_CHARS]


def feedback_words(searcher, q: wq.Query, allow: wq.Query | None = None) -> list[tuple[str, float]]:
    """(word, weight) of the words that stand out in ``q``'s top articles, strongest first (weight 1).

    Standing out is Whoosh's Bo1 divergence: frequent in the titles and leads of the top
    articles (weighted by :data:`FEEDBACK_SCORE_POWER`), rare in the index. A word found in
    a single article of the index is left out: it could only lift that article.
    """
    if FEEDBACK_DOCS < 2 or FEEDBACK_WORDS < 1:
        return []
    hits = searcher.search(q, limit=FEEDBACK_DOCS, filter=allow)
    if hits.scored_length() < 2:
        return []  # nothing to reorder
    reader = searcher.reader()
    field = reader.schema[FEEDBACK_FIELD]
    expander = Expander(reader, FEEDBACK_FIELD, Bo1Model)
    best = hits[0].score
    for hit in hits:
        share = (hit.score / best) ** FEEDBACK_SCORE_POWER if best > 0 else 1.0
        record = hit["record"]
        text = f"{record.get('title') or ''}\n{_lead(record.get('body') or '')}"
        expander.add((field.from_bytes(word), weight * share) for word, _, weight, _ in field.index(text))
    candidates = expander.expanded_terms(FEEDBACK_WORDS * 3, normalize=False)
    words = [(w, s) for w, s in candidates if reader.doc_frequency(FEEDBACK_FIELD, w) > 1][:FEEDBACK_WORDS]
    top = words[0][1] if words else 0.0
    return [(w, s / top) for w, s in words] if top > 0 else []


def with_feedback(searcher, q: wq.Query, allow: wq.Query | None = None) -> wq.Query:
    """``q`` rescored with :func:`feedback_words`: it matches the same articles, in a better order.

    ``allow`` is the filter the search will use, so feedback comes from articles the user
    can see. Highlight with the original ``q``, not this one.
    """
    words = feedback_words(searcher, q, allow)
    if not words:
        return q
    extra = wq.Or([wq.Term(FEEDBACK_FIELD, w, boost=FEEDBACK_WEIGHT * weight) for w, weight in words])
    return wq.AndMaybe(q, extra)
