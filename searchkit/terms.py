"""Analyses stage: what sets the selected articles apart, their most distinctive words and two-word phrases.

Scoring: Dunning's log-likelihood ratio G² on article counts. For each word or phrase,
a 2x2 table: selected articles with it and without it, other articles with it and
without it. Only what is relatively more common in the selection than in the rest of
the index is listed, the highest G² first (ties alphabetical). Words are counted in
bodies as the unstemmed ``body_exact`` field has them (case and accents folded);
stopwords (:data:`STOPWORDS`), words with digits and one-letter words are left out, and
a phrase is two such words in a row.

Where the counts come from: for the whole index, the ``body_exact`` lexicon's
document frequencies (words) and an exact phrase search (phrases); for the
selection, its stored bodies, re-read and split into words. At most :data:`SAMPLE`
of them are read: a larger selection is sampled evenly (in index order) and its
counts scaled up to its size. Phrases are looked up in order of the best score
they could reach, stopping when no phrase left could make the list, and after
:data:`MAX_PHRASE_LOOKUPS` searches at most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import log

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from .results import Words
from .selection import Selection

SAMPLE = 1000
MAX_PHRASE_LOOKUPS = 300

# English function words: a word this common says nothing about a set of articles.
STOPWORDS = STOP_WORDS | frozenset("""
    about above after again against all also although am among an another any anyone anything around because
    been before being below between both but cannot could did do does doing done down during each either else
    even ever every few further had has he her here hers herself him himself his how however i into its itself
    just least less like many me might mine more most much must my myself neither no nor now off often once
    one only other others ought our ours ourselves out over own per quite rather same she should since so some
    something such than their theirs them themselves then there these they those though through thus till too
    under until up upon very via was were what whatever where whether which while who whom whose why within
    without would yours yourself s t ll re ve d m
""".split())


@dataclass
class Distinctive:
    """A word or two-word phrase, how many selected and indexed articles have it, and its G²."""

    text: str
    articles: int  # selected articles with it (estimated from the sample when one was taken)
    in_index: int  # articles of the whole index with it
    score: float

    def to_dict(self) -> dict:
        return {"text": self.text, "articles": self.articles, "in_index": self.in_index, "score": round(self.score, 2)}


@dataclass
class TermsReport:
    """The most distinctive ``words`` and ``phrases`` of ``articles`` selected articles, ``sampled`` of them read."""

    query: str | None
    articles: int
    sampled: int
    words: list[Distinctive] = field(default_factory=list)
    phrases: list[Distinctive] = field(default_factory=list)
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "articles": self.articles,
            "sampled": self.sampled,
            "scoring": "log-likelihood G2 of article counts, selection against the rest of the index",
            "words": [t.to_dict() for t in self.words],
            "phrases": [t.to_dict() for t in self.phrases],
            "took_ms": round(self.took_ms, 2),
        }


def _xlogx(x: float) -> float:
    return x * log(x) if x > 0 else 0.0


def log_likelihood(a: float, b: float, c: float, d: float) -> float:
    """Dunning's G² of the 2x2 table [[a, b], [c, d]]: 0 when rows and columns are independent."""
    cells = _xlogx(a) + _xlogx(b) + _xlogx(c) + _xlogx(d)
    margins = _xlogx(a + b) + _xlogx(c + d) + _xlogx(a + c) + _xlogx(b + d)
    return max(0.0, 2 * (cells - margins + _xlogx(a + b + c + d)))


def _sample(docnums: list[int], size: int) -> list[int]:
    if len(docnums) <= size:
        return docnums
    return [docnums[i * len(docnums) // size] for i in range(size)]


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in STOPWORDS and not any(ch.isdigit() for ch in word)


class _Scorer:
    """G² of a term from its count in the sample and in the whole index; None if not over-represented."""

    def __init__(self, selected: int, sampled: int, indexed: int):
        self.selected, self.indexed = selected, indexed
        self.scale = selected / sampled

    def __call__(self, text: str, in_sample: int, in_index: int) -> Distinctive | None:
        rest = self.indexed - self.selected
        a = min(in_sample * self.scale, in_index)  # a scaled-up sample may overshoot
        b = min(in_index - a, rest)
        if rest <= 0 or a * rest <= b * self.selected:
            return None
        score = log_likelihood(a, self.selected - a, b, rest - b)
        return Distinctive(text, round(a), in_index, score)


def _keep(best: list[Distinctive], item: Distinctive | None, top: int) -> None:
    if item is not None:
        best.append(item)
        best.sort(key=lambda t: (-t.score, t.text))
        del best[top:]


def distinctive_terms(selection: Selection, words: Words, top: int, *, query: str | None = None) -> TermsReport:
    """The ``top`` most distinctive words and phrases of ``selection`` (``words`` splits a body, as body_exact does)."""
    searcher, reader = selection.searcher, selection.reader
    docnums = selection.all_docnums()
    sample = _sample(docnums, SAMPLE)
    report = TermsReport(query, len(docnums), len(sample))
    if not sample or top < 1:
        return report
    in_sample: Counter = Counter()
    pairs_in_sample: Counter = Counter()
    for docnum in sample:
        tokens = [w for w, _, _ in words(searcher.stored_fields(docnum)["record"].get("body") or "")]
        content = {w for w in set(tokens) if _is_content(w)}
        in_sample.update(content)
        pairs_in_sample.update({(x, y) for x, y in zip(tokens, tokens[1:]) if x in content and y in content})
    score = _Scorer(len(docnums), len(sample), reader.doc_count())
    least = min(2, len(sample))  # a word in one article of many says little about them all
    for word, n in in_sample.items():
        if n >= least:
            _keep(report.words, score(word, n, reader.doc_frequency("body_exact", word)), top)
    # A phrase can score at most as if no other article had it: look up the most promising first.
    candidates = sorted(((n, pair) for pair, n in pairs_in_sample.items() if n >= least), key=lambda c: (-c[0], c[1]))
    for n, pair in candidates[:MAX_PHRASE_LOOKUPS]:
        bound = score(" ".join(pair), n, round(n * score.scale))
        if bound is None or (len(report.phrases) >= top and bound.score < report.phrases[-1].score):
            break
        in_index = sum(1 for _ in searcher.docs_for_query(wq.Phrase("body_exact", list(pair))))
        _keep(report.phrases, score(bound.text, n, in_index), top)
    return report
