"""Analyses stage: similar stories, the articles most like a given one.

An article is described by its distinctive words, the ``KEY_TERMS`` stems of its
title and body most informative against the whole index (Whoosh's Bo1 key-terms
model: frequent in the article, rare in the collection), and by its people; words
with digits, of two letters, or in more than 2% of the articles, and people named
that often, are left out. Other articles are ranked by what they share of that:
BM25F on the words, each weighted by how distinctive it is, plus, for each person
they share, as much as a distinctive word (more for a rarely named person). The
article itself and its exact duplicates (the same title and text, case and spacing
aside) are left out.
"""

from __future__ import annotations

from whoosh import query as wq

from .article import Article

KEY_TERMS = 25
PERSON_WEIGHT = 1.5  # a shared person scores like a distinctive word matched once or twice
# A word or person in more than this share of the articles (and more than MIN_COMMON of them)
# cannot tell stories apart, and searching for it would read a large part of the index.
COMMON_SHARE, MIN_COMMON = 0.02, 50
FALLBACK_TERMS = 5  # when every key term is that common, the least common few are used


def similar_query(searcher, record: dict) -> wq.Query:
    """The query that finds articles like the stored article ``record``."""
    reader = searcher.reader()
    ceiling = max(MIN_COMMON, COMMON_SHARE * reader.doc_count())
    text = f"{record.get('title') or ''}\n{record.get('body') or ''}"
    found = searcher.key_terms_from_text("body", text, numterms=2 * KEY_TERMS, normalize=True)
    words = [(term, weight, reader.doc_frequency("body", term)) for term, weight in found if term.isalpha() and len(term) > 2]
    terms = [(term, weight) for term, weight, df in words if df <= ceiling][:KEY_TERMS]
    if not terms:
        terms = [(term, weight) for term, weight, _ in sorted(words, key=lambda w: w[2])[:FALLBACK_TERMS]]
    parts: list[wq.Query] = [wq.Term(f, term, boost=weight) for term, weight in terms for f in ("title", "body")]
    for name in dict.fromkeys(p.replace(",", " ") for p in record.get("people") or ()):
        if reader.doc_frequency("person", name) <= ceiling:
            person = wq.Term("person", name)  # the person field is unscored: give it a fixed score
            parts.append(wq.ConstantScoreQuery(person, score=PERSON_WEIGHT * searcher.idf("person", name)))
    return wq.Or(parts) if parts else wq.NullQuery


def find_similar(searcher, docnum: int, limit: int, allow: wq.Query | None) -> tuple[wq.Query, list[tuple[dict, float]]]:
    """The query used, and (stored record, score) of the ``limit`` articles most like article ``docnum``, best first.

    ``allow`` (a filter query, or None) limits which articles may be listed.
    """
    record = searcher.stored_fields(docnum)["record"]
    q = similar_query(searcher, record)
    own = Article.from_dict(record).content_key()
    itself = wq.Term("id", record["id"])
    wanted = limit + 10  # room for duplicates; asked again with more if they fill it
    while True:
        results = searcher.search(q, limit=wanted, filter=allow, mask=itself)
        found = []
        for hit in results:
            other = hit["record"]
            if Article.from_dict(other).content_key() != own:
                found.append((other, hit.score))
                if len(found) == limit:
                    return q, found
        if results.scored_length() < wanted:
            return q, found
        wanted *= 4
