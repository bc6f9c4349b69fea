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

import itertools
import struct
from collections.abc import Callable, Iterator

from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.support.levenshtein import distance

from .bulk import kept_with
from .errors import QueryError
from .mapped import MappedFile
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
    near = levenshtein_automaton(folded, allowed, prefix=1).to_dfa()  # built once, walked over each field
    # Whoosh's automaton counts two swapped letters as two edits; we count them as one. Words of
    # 5 to 7 letters look their swaps up rather than walk an automaton that allows two edits (the
    # same words, found for a fraction of the walk); shorter words get no swaps.
    swaps = [folded[:i] + folded[i + 1] + folded[i] + folded[i + 2:] for i in range(1, len(folded) - 1)
             ] if 5 <= len(folded) < 8 else []
    seen = {folded}
    best: tuple[int, int, str] | None = None  # (distance, -articles, word)
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    for f in fields:
        swapped = [w for w in swaps if (f, w) in reader]
        for candidate in itertools.chain(_words_near(near, leaves, f), swapped):
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


_KEY_LENGTH = struct.Struct("!i")  # a key's length, first in its record of the terms file


class _Lexicon:
    """One field's words in one segment, found by binary search in the segment's mapped terms file.

    Whoosh's cursor does the same search a method call and a struct unpack per step; here a
    step reads the map directly, which makes walking the words near a misspelling about
    twice as fast.
    """

    def __init__(self, tindex: OrderedHashReader, fieldnum: int | None):
        dbfile = tindex.dbfile
        self._map, self._base = dbfile._map, dbfile._base
        self._positions = dbfile.get_array(tindex.indexbase, tindex.extras["indextype"], tindex.indexlen)
        if fieldnum is None:  # no word of this field in the segment
            self._lo = self._hi = 0
            return
        self._prefix = struct.pack("!H", fieldnum)  # keys are the field's number, then the word
        self._lo = self._first_at_least(self._prefix, 0, len(self._positions))
        self._hi = self._first_at_least(struct.pack("!H", fieldnum + 1), self._lo, len(self._positions))

    def _key(self, i: int) -> bytes:
        start = self._base + self._positions[i]
        length = _KEY_LENGTH.unpack_from(self._map, start)[0]
        return self._map[start + 8:start + 8 + length]  # after the key's and the value's lengths

    def _first_at_least(self, key: bytes, lo: int, hi: int) -> int:
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def start(self) -> int:
        """Where a walk through the field's words starts, for :meth:`first_at_least`."""
        return self._lo

    def first_at_least(self, word: str, start: int) -> tuple[int, str | None]:
        """Where the field's first word equal to or after ``word`` is, and that word (None past the last).

        ``start`` is where an earlier search for a smaller word ended: a walk through the
        words looks for ever larger ones, so the search gallops from there.
        """
        if self._lo == self._hi:
            return start, None
        key = self._prefix + word.encode("utf-8")
        lo, step = start, 1
        while lo < self._hi and self._key(min(lo + step - 1, self._hi - 1)) < key:
            lo, step = min(lo + step, self._hi), step * 2
        i = self._first_at_least(key, lo, min(lo + step - 1, self._hi))
        return i, (self._key(i)[2:].decode("utf-8") if i < self._hi else None)


def _lexicon(leaf, fieldname: str) -> _Lexicon | None:
    """A :class:`_Lexicon` of ``fieldname`` in the segment ``leaf``, or None if it is not stored as expected."""
    def load():
        terms = getattr(leaf, "_terms", None)
        if type(terms) is not W3TermsReader or type(terms._tindex) is not OrderedHashReader:
            return None
        tindex = terms._tindex
        if type(tindex.dbfile) is not MappedFile:
            return None
        return _Lexicon(tindex, terms._fieldmap.get(fieldname))

    return kept_with(leaf, "lexicon:" + fieldname, load)


def _words_near(dfa, leaves: list, fieldname: str) -> Iterator[str]:
    """The words of ``fieldname`` in any of the segments ``leaves`` that ``dfa`` accepts, in order, each once.

    Whoosh's way (``Automata.find_matches``): ask the automaton for the first string it
    accepts at or after a word, look that up, and go on from the word found. The segments'
    word lists are walked together, so the automaton (the slow part) steps once, not once
    per segment.
    """
    lexicons = [_lexicon(leaf, fieldname) for leaf in leaves]
    if any(lexicon is None for lexicon in lexicons):
        found = set()
        for leaf in leaves:
            found.update(Automata.find_matches(dfa, leaf.cursor(fieldname)))
        yield from sorted(found)
        return

    places = [lexicon.start() for lexicon in lexicons]

    def first_at_least(word: str) -> str | None:
        found = None
        for k, lexicon in enumerate(lexicons):
            places[k], w = lexicon.first_at_least(word, places[k])
            if w is not None and (found is None or w < found):
                found = w
        return found

    word = first_at_least("")
    while word is not None:
        wanted = dfa.next_valid_string(word)
        if wanted is None:
            return
        word = first_at_least(wanted)
        if word is None:
            return
        if word == wanted:
            yield word
            word += "\0"


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
