"""Search add-on: did-you-mean, a corrected query built from the index's own vocabulary.

When a search finds little, each word of the query is checked against the words of
the bodies and the people's names the index holds. A word that is missing, or rare
(in fewer than 1 in 1,000 articles, and fewer than 10) next to a word one edit away
(two for words of 8 letters or more; two swapped letters are one edit) with the same
first letter and in at least RATIO times as many articles, is replaced by the closest
such word, the most frequent of equally close ones (``lukashenka`` -> ``lukashenko``).
The corrected query is then run with the same filters and offered only if it finds
more articles than the query as typed (the search stops as soon as it has found one
more); when correcting every word at once does not, each correction is tried alone.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.support.levenshtein import distance

from .errors import QueryError
from .query import query_words, spellings

SUGGEST_BELOW = 5  # searches finding fewer articles than this get a suggestion, if there is a better one
RATIO = 5  # a replacement must be in this many times as many articles as the word typed
MAX_WORDS = 8  # words of one query checked; longer queries are left as typed
MEANT_SHARE, MIN_MEANT = 0.001, 10  # a word in this share of the articles (and this many) is not corrected
# Where a word is looked for; headlines use the words of their stories, so an unfielded word
# is corrected from the bodies and the people's names only (a lexicon less to walk).
_FIELDS = {None: ("body_exact", "people"), "title": ("title_exact",), "body": ("body_exact",),
           "people": ("people",), "source": ("source",)}


def _articles(reader, fields, word: str) -> int:
    """The most articles ``word`` is in, in any of ``fields``."""
    return max(reader.doc_frequency(f, word) for f in fields)


def _folded(reader, word: str) -> str | None:
    """``word`` as the exact fields index it, or None if it is not one plain word."""
    tokens = list(reader.schema["body_exact"].process_text(word, mode="query"))
    if len(tokens) != 1 or not tokens[0].isalpha() or len(tokens[0]) < 3:
        return None
    return tokens[0]


def _correction(reader, word: str, field: str | None) -> str | None:
    """The word of the index that ``word`` was probably meant to be, or None."""
    folded = _folded(reader, word)
    fields = _FIELDS.get(field)
    if folded is None or fields is None:
        return None
    have = max(_articles(reader, fields, _folded(reader, s) or folded) for s in spellings(word))
    if have >= max(MIN_MEANT, MEANT_SHARE * reader.doc_count()):
        return None  # a word this common was meant as typed (and walking its neighbours takes time)
    allowed = 2 if len(folded) >= 8 else 1
    # Whoosh's automaton counts two swapped letters as two edits; we count them as one.
    reach = 2 if len(folded) >= 5 else 1
    near = levenshtein_automaton(folded, reach, prefix=1).to_dfa()  # built once, walked over each lexicon
    seen = {folded}
    best: tuple[int, int, str] | None = None  # (distance, -articles, word)
    for leaf, _ in reader.leaf_readers():
        for f in fields:
            for candidate in Automata.find_matches(near, leaf.cursor(f)):
                if candidate in seen:
                    continue
                seen.add(candidate)
                edits = distance(folded, candidate)
                n = _articles(reader, fields, candidate) if edits <= allowed else 0
                if n >= max(1, RATIO * have):
                    key = (edits, -n, candidate)
                    best = min(best, key) if best else key
    if best is None:
        return None
    fixed = best[2]
    return fixed.upper() if word.isupper() and len(word) > 1 else fixed.title() if word[:1].isupper() else fixed


def suggest(query: str, reader, finds_more: Callable[[str], bool]) -> str | None:
    """A corrected ``query`` for which ``finds_more`` (a search run with the same filters) is true, or None.

    Every correction at once is tried first, then each alone, in the order of the query.
    """
    fixes = []
    for start, end, field in query_words(query)[:MAX_WORDS]:
        fixed = _correction(reader, query[start:end], field)
        if fixed:
            fixes.append((start, end, fixed))
    tries = [fixes] + ([[fix] for fix in fixes] if len(fixes) > 1 else [])
    for chosen in tries if fixes else ():
        text = query
        for start, end, fixed in sorted(chosen, reverse=True):  # from the end, so earlier offsets hold
            text = text[:start] + fixed + text[end:]
        try:
            if finds_more(text):
                return text
        except QueryError:
            continue
    return None
