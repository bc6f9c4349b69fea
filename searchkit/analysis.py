"""Index stage, part 0: analyzers that turn text into indexed words, fast when indexing.

searchkit's analyzers (built in :mod:`searchkit.schema`) are Whoosh chains: a regex
tokenizer, lowercasing, accent folding and, for ranked fields, stopwords and
stemming. Whoosh runs a chain as one generator per step, per word. When indexing,
:class:`OnePassAnalyzer` makes the same words at the same positions from a few
whole-text string calls, and keeps the folded words of the last text it split,
so a field and its unstemmed twin (``body`` and ``body_exact``) split a text once.
For anything else (queries, character offsets for highlighting) it runs the chain.
"""

from __future__ import annotations

import zlib
from itertools import compress
from operator import add, and_, not_

from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh import columns, fields
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint

STEM_CACHE = 200_000  # stems remembered per analyzer (cleared when full, as StemFilter does)

# The folded words of the last text split, shared by the analyzers that split and fold alike:
# (folding key, text, words). The text itself is kept so ``is`` can recognise it.
_last_split: tuple = (None, None, None)
_charmaps: list[dict] = []  # every distinct accent-folding map seen: a map's key is its place here


def _charmap_number(charmap: dict) -> int:
    for number, known in enumerate(_charmaps):
        if known == charmap:
            return number
    _charmaps.append(charmap)
    return len(_charmaps) - 1


class _Plan:
    """What a chain does, in the terms the fast path needs; None from :meth:`of` if it is not the usual chain."""

    def __init__(self, tokenizer: RegexTokenizer, charset: CharsetFilter, stop: StopFilter | None,
                 stem: StemFilter | None):
        self.findall = tokenizer.expression.findall
        self.charmap = charset.charmap
        lowered = "".join(map(chr, range(128))).lower()
        self.ascii_kept = lowered.translate(self.charmap) == lowered  # folding never changes ASCII words
        self.key = (tokenizer.expression.pattern, tokenizer.expression.flags, _charmap_number(self.charmap))
        self.stop = stop
        self.stemfn = None
        if stem is not None:
            if stem.lang:
                from whoosh.lang import stemmer_for_language

                self.stemfn = stemmer_for_language(stem.lang)
            else:
                self.stemfn = stem.stemfn
            self.unstemmed = stem.ignore
        self.stems: dict[str, str] = {}

    @classmethod
    def of(cls, items: list) -> _Plan | None:
        kinds = [type(item) for item in items]
        usual = [RegexTokenizer, LowercaseFilter, CharsetFilter]
        if kinds[:3] != usual or items[0].gaps:
            return None
        rest = kinds[3:]
        if rest not in ([], [StopFilter], [StopFilter, StemFilter]):
            return None
        return cls(items[0], items[2], items[3] if rest else None, items[4] if len(rest) > 1 else None)

    def folded_words(self, text: str) -> list[str]:
        """The tokenizer's words, lowercased and folded (as the first three steps of the chain make them)."""
        global _last_split
        key, last_text, words = _last_split
        if last_text is text and key == self.key:
            return words
        found = self.findall(text)
        joined = " ".join(found).lower()  # no word holds a space, and lowering never makes one
        if joined.isascii() and self.ascii_kept:
            words = joined.split(" ") if found else []
        else:
            charmap = self.charmap
            words = [w.lower().translate(charmap) for w in found]
        _last_split = (self.key, text, words)
        return words

    def terms(self, text: str) -> list[tuple[int, str]]:
        """(position, indexed word) of each word the chain keeps from ``text``, positions from 0."""
        words = self.folded_words(text)
        stop = self.stop
        if stop is None:
            return list(enumerate(words))
        stops, least, most = stop.stops, stop.min, stop.max
        kept = [(i, w) for i, w in enumerate(words)
                if len(w) >= least and (most is None or len(w) <= most) and w not in stops]
        if stop.renumber and kept:  # the first kept word keeps its place, the rest follow it
            first = kept[0][0]
            kept = [(first + n, w) for n, (_, w) in enumerate(kept)]
        if self.stemfn is None:
            return kept
        stems, stemfn, unstemmed = self.stems, self.stemfn, self.unstemmed
        if len(stems) > STEM_CACHE:
            stems.clear()
        out = []
        for pos, w in kept:
            stemmed = stems.get(w)
            if stemmed is None:
                stemmed = stems[w] = w if w in unstemmed else stemfn(w)
            out.append((pos, stemmed))
        return out


class OnePassAnalyzer(CompositeAnalyzer):
    """A Whoosh analyzer chain that, when indexing, makes its words in one pass (see the module's doc).

    It is the chain (its ``items`` are the chain's steps, and it pickles and compares as
    such), so code that looks inside an analyzer sees the usual steps.
    """

    def __getstate__(self):
        return {"items": self.items}

    def __setstate__(self, state):
        self.__dict__.update(state)

    @property
    def _plan(self) -> _Plan | None:
        plan = self.__dict__.get("_plan_cache", False)
        if plan is False:
            plan = self.__dict__["_plan_cache"] = _Plan.of(self.items)
        return plan

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        plan = self._plan
        if (mode != "index" or chars or keeporiginal or not removestops or not tokenize or no_morph
                or plan is None or not isinstance(value, str)):
            return super().__call__(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                    removestops=removestops, start_pos=start_pos, start_char=start_char,
                                    tokenize=tokenize, mode=mode, no_morph=no_morph, **kwargs)
        return _tokens(plan.terms(value), positions, start_pos, kwargs)

    def words(self, text: str) -> list[str]:
        """Every word of ``text`` as this analyzer makes it (stopwords included), in order."""
        plan = self._plan
        if plan is not None and plan.stop is None and isinstance(text, str):
            return plan.folded_words(text)
        return [t.text for t in self(text, removestops=False)]

    def terms(self, text: str) -> list[tuple[int, str]]:
        """(position, word) of every word this analyzer indexes from ``text``."""
        plan = self._plan
        if plan is None:
            return [(t.pos, t.text) for t in self(text, positions=True, mode="index") if not t.stopped]
        return plan.terms(text)


def _tokens(terms: list[tuple[int, str]], positions: bool, start_pos: int, kwargs):
    # One Token reused for every word, as Whoosh's tokenizers do.
    t = Token(positions=positions, chars=False, removestops=True, mode="index", **kwargs)
    t.boost = 1.0
    t.stopped = False
    for pos, text in terms:
        t.text = text
        if positions:
            t.pos = start_pos + pos
        yield t


class _OnePassFormat:
    """A Whoosh format (the class after this one) that, indexing with a :class:`OnePassAnalyzer`,
    asks it for all words at once (:meth:`postings`) instead of running its chain word by word."""

    def word_values(self, value, analyzer, **kwargs):
        if not (isinstance(analyzer, OnePassAnalyzer) and isinstance(value, str)
                and kwargs.keys() <= {"mode"} and kwargs.get("mode") == "index"):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        yield from self.postings(value, analyzer)


class OnePassPositions(_OnePassFormat, Positions):
    """Whoosh's Positions format (same bytes), that asks a :class:`OnePassAnalyzer` for all words at once."""

    def postings(self, text: str, analyzer: OnePassAnalyzer) -> list[tuple[str, int, float, bytes]]:
        """What :meth:`word_values` gives when indexing ``text``, as a list: (word, frequency, weight, positions)."""
        boost, weights = self.field_boost, _weights(self.field_boost)
        single = _ONE_POSITION
        encode = self.encode
        out = []
        for word, where in word_places(analyzer, text).items():
            if len(where) == 1:
                pos = where[0]
                encoded = single.get(pos)
                if encoded is None:
                    encoded = encode(where)
                    if pos < 4096:  # most words of most articles
                        single[pos] = encoded
                out.append((word, 1, boost, encoded))
            else:
                n = len(where)
                out.append((word, n, weights[n] if n < 64 else n * boost, encode(where)))
        return out


_ONE_POSITION: dict[int, bytes] = {}  # the encoding of a single position, by position


class OnePassFrequency(_OnePassFormat, Frequency):
    """Whoosh's Frequency format (same bytes: each word's count), that asks a :class:`OnePassAnalyzer` for all words at once."""

    def postings(self, text: str, analyzer: OnePassAnalyzer) -> list[tuple[str, int, float, bytes]]:
        """What :meth:`word_values` gives when indexing ``text``, as a list: (word, frequency, weight, count)."""
        boost, packed, weights = self.field_boost, _PACKED_COUNTS, _weights(self.field_boost)
        out = []
        for word, where in word_places(analyzer, text).items():
            n = len(where)
            out.append((word, n, weights[n], packed[n]) if n < 64 else (word, n, n * boost, pack_uint(n)))
        return out


_PACKED_COUNTS = [pack_uint(n) for n in range(64)]
_WEIGHTS: dict[float, list[float]] = {}


def _weights(boost: float) -> list[float]:
    """``n * boost`` for n under 64, made once: a segment's pool keeps a posting's weight until the
    segment is written, and one float object per posting was a sixth of the pool's memory."""
    weights = _WEIGHTS.get(boost)
    if weights is None:
        weights = _WEIGHTS[boost] = [n * boost for n in range(64)]
    return weights


ONE_PASS_FORMATS = (OnePassPositions, OnePassFrequency)  # formats whose postings() a segment writer calls

# The words and positions of the last text analyzed for indexing, with the analyzer's steps:
# a WordCounts column of the same text and chain (body_counts after body) reuses them.
_last_places: tuple = (None, None, None)


def word_places(analyzer: OnePassAnalyzer, text: str) -> dict[str, list[int]]:
    """Each word ``analyzer`` indexes from ``text``, with its positions, in order of first use."""
    global _last_places
    steps, last_text, places = _last_places
    items = analyzer.items
    if last_text is text and len(steps) == len(items) and all(a is b for a, b in zip(steps, items)):
        return places
    places = {}
    for pos, word in analyzer.terms(text):
        where = places.get(word)
        if where is None:
            places[word] = [pos]
        else:
            where.append(pos)
    _last_places = (items, text, places)
    return places


class WordCounts(fields.FieldType):
    """Not an index but a column: how often each word its analyzer indexes occurs in an article's text.

    Given the same text and analyzer as a text field (``body``), it holds what that field's
    postings say about one article, in one value: feedback re-ranking reads the counts of its
    words in 200 top hits from here instead of decoding a block of postings per hit and word.
    A value is ``b" word:count word:count ..."`` (words never hold a space or a colon).
    """

    indexed = False
    stored = False

    def __init__(self, analyzer):
        self.analyzer = analyzer if isinstance(analyzer, OnePassAnalyzer) else OnePassAnalyzer(analyzer)
        self.column_type = columns.VarBytesColumn()

    def to_column_value(self, text) -> bytes:
        places = word_places(self.analyzer, text)
        return "".join([f" {word}:{len(where)}" for word, where in places.items()]).encode("utf-8")

    def to_bytes(self, value):
        return value

    def from_bytes(self, value):
        return value


def counts_finder(words: list[str]):
    """A function giving, for a :class:`WordCounts` value, ``[(word bytes, count bytes)]`` of those of ``words`` it holds."""
    import re

    alternatives = b"|".join(re.escape(word.encode("utf-8")) for word in words)
    return re.compile(rb" (" + alternatives + rb"):(\d+)").findall


def one_pass_fields(schema):
    """``schema`` with each text field analyzing in one pass when indexing (same words, positions and bytes)."""
    for name in schema.names():
        field = schema[name]
        if isinstance(field, fields.TEXT) and type(field.format) in (Positions, Frequency):
            field.analyzer = OnePassAnalyzer(field.analyzer)
            one_pass = OnePassPositions if type(field.format) is Positions else OnePassFrequency
            field.format = one_pass(field_boost=field.format.field_boost)
    return schema


PAIR_BUCKETS = 32749  # a prime: the terms of a WordPairs field (pairs' buckets), whatever the corpus's size
_31 = 31
_CODES: dict[str, int] = {}  # each word's code (crc32 % PAIR_BUCKETS) for the pairs' buckets


def _code(word: str) -> int:
    code = _CODES.get(word)
    if code is None:
        if len(_CODES) > STEM_CACHE:
            _CODES.clear()
        code = _CODES[word] = zlib.crc32(word.encode("utf-8")) % PAIR_BUCKETS  # small ints: faster sums
    return code


class WordPairs(fields.FieldType):
    """Not searched itself: which pairs of neighbouring words (as ``analyzer`` splits and folds a
    text) an article has, each hashed to one of ``PAIR_BUCKETS`` terms; pairs of two words in
    ``common`` (stopwords: "of the") are left out.

    A phrase otherwise makes the phrase search read where each of its words stands in every
    article having them all: for a phrase with a common word ("minister of the interior"),
    nearly every article. Its pairs' terms give a few candidate articles first (those having
    every such pair, or another pair in the same bucket); positions are then read for those
    alone, so the work grows with the phrase's matches, not with the index. Pairs of two
    stopwords would narrow little. Hashing keeps the field's word list short (pairs are many,
    and each word costs a segment time).
    """

    indexed = True
    stored = False
    scorable = False

    def __init__(self, analyzer, common):
        self.analyzer = analyzer if isinstance(analyzer, OnePassAnalyzer) else OnePassAnalyzer(analyzer)
        self.common = frozenset(common)
        self.format = Existence()

    def buckets(self, words: list[str]) -> set[int]:
        """The bucket of each pair in ``words`` (a run of folded words) not made of two common words."""
        codes = list(map(_CODES.get, words))
        if None in codes:
            codes = [code if code is not None else _code(w) for code, w in zip(codes, words)]
        common = list(map(self.common.__contains__, words))
        # (code of a word * 31 + code of the next) % PAIR_BUCKETS for each pair kept, in C-level
        # loops (this runs for every article indexed).
        mixed = map(add, map(_31.__mul__, codes), codes[1:])
        return set(map(PAIR_BUCKETS.__rmod__, compress(mixed, map(not_, map(and_, common, common[1:])))))

    def pair_terms(self, words: list[str]) -> list[str]:
        """The terms (sorted) a phrase of ``words`` needs an article to have."""
        return sorted(_BUCKET_TERMS[n].decode("ascii") for n in self.buckets(words))

    def terms_of(self, text: str) -> list[bytes]:
        """The terms indexing ``text`` adds."""
        return [_BUCKET_TERMS[n] for n in self.buckets(self.analyzer.words(text))]

    def index(self, value, **kwargs):
        return [(term, 1, 1.0, b"") for term in self.terms_of(value)]


_BUCKET_TERMS = [str(n).encode("ascii") for n in range(PAIR_BUCKETS)]
