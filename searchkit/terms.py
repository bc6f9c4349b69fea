"""Analyses stage: what sets the selected articles apart, their most distinctive words and two-word phrases.

Scoring: Dunning's log-likelihood ratio G² on article counts. For each word or phrase,
a 2x2 table: selected articles with it and without it, other articles with it and
without it. Only what is relatively more common in the selection than in the rest of
the index is listed, the highest G² first (ties alphabetical). Words are counted in
bodies as the unstemmed ``body_exact`` field has them (case and accents folded);
stopwords (:data:`STOPWORDS`), words with digits and one-letter words are left out, and
a phrase is two such words in a row.

Where the counts come from. Words: how many articles of the whole index have a word is
in the ``body_exact`` lexicon. Phrases: the index cannot count them without reading the
positions of both words in every article that has them (seconds for common words on a
large index), so they are counted in the stored bodies of an evenly spread sample of
:data:`SAMPLE` other articles, scaled up to all of them. The selection's own counts come
from its stored bodies too, all of them up to :data:`SAMPLE`, else an evenly spread
sample scaled up to its size. Below :data:`SAMPLE` articles on either side every count is exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from math import log
from operator import and_

from whoosh.analysis import STOP_WORDS

from .selection import Selection

SAMPLE = 500  # articles read on each side: the selection, and the rest of the index

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
    """G² of a term from its counts among the selected and the other articles; None if not over-represented."""

    def __init__(self, selected: int, rest: int):
        self.selected, self.rest = selected, rest

    def __call__(self, text: str, here: float, elsewhere: float) -> Distinctive | None:
        here, elsewhere = min(here, self.selected), min(elsewhere, self.rest)
        if here * self.rest <= elsewhere * self.selected:
            return None
        score = log_likelihood(here, self.selected - here, elsewhere, self.rest - elsewhere)
        return Distinctive(text, round(here), round(here + elsewhere), score)


def _top(items, top: int) -> list[Distinctive]:
    return sorted((t for t in items if t is not None), key=lambda t: (-t.score, t.text))[:top]


def _word_score(score: _Scorer, word: str, here: float, in_index: int) -> Distinctive | None:
    here = min(here, in_index)  # a scaled-up sample may overshoot
    return score(word, here, in_index - here)


def _counts(searcher, docnums: list[int], words: Callable[[str], list[str]], with_words: bool) -> tuple[Counter, Counter]:
    """In how many of these articles each content word (if ``with_words``) and each phrase appears."""
    in_words: Counter = Counter()
    in_pairs: Counter = Counter()
    good: set[str] = set()
    bad: set[str] = set()  # words are judged once, not in every article
    for docnum in docnums:
        tokens = words(searcher.stored_fields(docnum)["record"].get("body") or "")
        unique = set(tokens)
        for w in unique - good - bad:
            (good if _is_content(w) else bad).add(w)
        content = unique & good
        if with_words:
            in_words.update(content)
        kept = list(map(content.__contains__, tokens))  # C-level steps: bodies are long
        in_pairs.update(set(compress(zip(tokens, tokens[1:]), map(and_, kept, kept[1:]))))
    return in_words, in_pairs


def distinctive_terms(
    selection: Selection, words: Callable[[str], list[str]], top: int, *, query: str | None = None
) -> TermsReport:
    """The ``top`` most distinctive words and phrases of ``selection``; ``words`` lists a body's words as body_exact has them."""
    searcher, reader = selection.searcher, selection.reader
    docnums = selection.all_docnums()
    sample = _sample(docnums, SAMPLE)
    report = TermsReport(query, len(docnums), len(sample))
    chosen = set(docnums)
    others = [d for d in reader.all_doc_ids() if d not in chosen]
    if not sample or not others or top < 1:
        return report
    other_sample = _sample(others, SAMPLE)
    in_words, in_pairs = _counts(searcher, sample, words, with_words=True)
    _, elsewhere_pairs = _counts(searcher, other_sample, words, with_words=False)
    score = _Scorer(len(docnums), len(others))
    up, up_elsewhere = len(docnums) / len(sample), len(others) / len(other_sample)
    least = min(2, len(sample))  # a word in one article of many says little about them all
    in_index = reader.doc_frequency  # counts deleted articles too, until they are merged away
    report.words = _top((_word_score(score, word, n * up, in_index("body_exact", word)) for word, n in in_words.items() if n >= least), top)
    report.phrases = _top(
        (score(" ".join(pair), n * up, elsewhere_pairs[pair] * up_elsewhere) for pair, n in in_pairs.items() if n >= least),
        top,
    )
    return report
