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

import struct
from collections.abc import Callable

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader

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
        return None  # a word this common was meant as typed
    allowed = 2 if len(folded) >= 8 else 1
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    near: dict[str, int] = {}
    for f in fields:
        near.update(words_near(folded, allowed, leaves, f))
    near.pop(folded, None)
    best: tuple[int, int, str] | None = None  # (distance, -articles, word)
    for candidate, edits in near.items():
        n = _articles(reader, fields, candidate)
        if n >= max(1, RATIO * have):
            key = (edits, -n, candidate)
            best = min(best, key) if best else key
    if best is None:
        return None
    fixed = best[2]
    return fixed.upper() if word.isupper() and len(word) > 1 else fixed.title() if word[:1].isupper() else fixed


def words_near(word: str, edits: int, leaves: list, fieldname: str) -> dict[str, int]:
    """The words of ``fieldname`` in the segments ``leaves`` that start with ``word``'s first letter and are at
    most ``edits`` edits from it (two swapped letters are one edit), each with its distance.

    Each segment's words of one first letter are read once and kept with the segment; the
    distances are rapidfuzz's (compiled), about 0.3 ms for 5,000 words. Whoosh's way, a
    Levenshtein automaton stepped in Python against the word list, took 20-30 ms for a long
    word on 100k articles.
    """
    from rapidfuzz import process  # only when correcting: it adds 11 ms to starting a command
    from rapidfuzz.distance import OSA

    near: dict[str, int] = {}
    for leaf in leaves:
        words = _words_starting(leaf, fieldname, word[0])
        if not words:
            continue
        found = process.extract_iter(word, words.split("\n"), scorer=OSA.distance, score_cutoff=edits)
        near.update((w, distance) for w, distance, _ in found)
    return near


_KEY_LENGTH = struct.Struct("!i")  # a key's length, first in its record of the terms file


class _Lexicon:
    """One field's words in one segment, found by binary search in the segment's mapped terms file.

    Reading the keys from the map directly is about twice as fast as Whoosh's cursor.
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

    def starting_with(self, letter: str) -> list[str]:
        """The field's words that start with ``letter``, in order."""
        if self._lo == self._hi:
            return []
        first = self._prefix + letter.encode("utf-8")
        # Just past every key that starts with ``first`` (no UTF-8 letter ends with the byte 0xff).
        after = first[:-1] + bytes([first[-1] + 1])
        lo = self._first_at_least(first, self._lo, self._hi)
        hi = self._first_at_least(after, lo, self._hi)
        return [self._key(i)[2:].decode("utf-8") for i in range(lo, hi)]


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


def _words_starting(leaf, fieldname: str, letter: str) -> str:
    """The words of ``fieldname`` in the segment ``leaf`` that start with ``letter``, one a line (kept with the
    segment: one string costs a byte a letter, a list of them about 60 bytes a word)."""
    return kept_with(leaf, f"words:{fieldname}:{letter}", lambda: _read_words(leaf, fieldname, letter))


def _read_words(leaf, fieldname: str, letter: str) -> str:
    lexicon = _lexicon(leaf, fieldname)
    if lexicon is not None:
        return "\n".join(lexicon.starting_with(letter))
    if fieldname not in leaf.schema:
        return ""
    words = leaf.expand_prefix(fieldname, letter)  # Whoosh's cursor: slower, for segments stored otherwise
    return "\n".join(w.decode("utf-8") if isinstance(w, bytes) else w for w in words)


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
