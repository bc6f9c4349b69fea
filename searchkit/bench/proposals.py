"""Benchmark proposals: schema changes measured by the bench, for the lead to move into ``schema.py``.

The schema belongs to the relevance work, so faster variants live here until
adopted. ``python -m searchkit.bench --schema proposed`` indexes with
:func:`proposed_schema` so the gain is measured in the same run as the rest.

1. :class:`OnePassAnalyzer`: when indexing, the same tokens as searchkit's analyzer
   chain (tokenize, lowercase, fold accents, drop stopwords, stem), made in one
   loop of C-level string calls instead of five chained Python generators; for
   anything else (queries, highlighting with character offsets) it hands over to
   the chain, so results are identical.
2. ``phrase=False`` on the stemmed ``title`` and ``body``: quoted phrases always
   go to the unstemmed twins, so word positions in the stemmed fields are never
   read; leaving them out shrinks the postings to be sorted and written.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, Token
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from .. import schema as sk_schema


class OnePassAnalyzer(Analyzer):
    """searchkit's exact (``stem=False``) or ranked (``stem=True``) analyzer, fast when indexing."""

    def __init__(self, stem: bool):
        self.stem = stem
        self.chain = sk_schema.ranked_analyzer() if stem else sk_schema.exact_analyzer()
        self._setup()

    def _setup(self) -> None:
        import re

        self._words = re.compile(sk_schema._TOKEN).findall
        self._stems: dict[str, str] = {}

    def __getstate__(self):
        return {"stem": self.stem, "chain": self.chain}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other):
        return isinstance(other, OnePassAnalyzer) and other.stem == self.stem

    def has_morph(self):
        return self.chain.has_morph()

    def clean(self):
        self.chain.clean()

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if mode != "index" or chars or keeporiginal or not removestops or not tokenize:
            return self.chain(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                              removestops=removestops, start_pos=start_pos, start_char=start_char,
                              tokenize=tokenize, mode=mode, **kwargs)
        return self._index_tokens(value, positions, start_pos)

    def _index_tokens(self, value, positions, start_pos):
        words = [w.lower().translate(accent_map) for w in self._words(value)]
        if self.stem:
            # StopFilter(renumber=True) keeps the first kept word's position, then counts kept words.
            kept = [(i, w) for i, w in enumerate(words) if len(w) >= 2 and w not in sk_schema.STOPWORDS]
            first = kept[0][0] if kept else 0
            stems = self._stems
            if len(stems) > 200_000:  # bound the cache, as StemFilter does
                stems.clear()
            for w in {w for _, w in kept if w not in stems}:
                stems[w] = porter_stem(w)
            pairs = [(first + n, stems[w]) for n, (_, w) in enumerate(kept)]
        else:
            pairs = list(enumerate(words))
        t = Token(positions=positions, chars=False, removestops=True, mode="index")
        t.boost = 1.0
        t.stopped = False
        for pos, text in pairs:
            t.text = text
            if positions:
                t.pos = start_pos + pos
            yield t


def proposed_schema():
    """searchkit's schema with the one-pass analyzers and no positions in the stemmed fields."""
    from whoosh import fields

    def faster(name, field):
        if not isinstance(field, fields.TEXT):
            return field
        boost = field.format.field_boost
        if name in ("title", "body"):
            return fields.TEXT(analyzer=OnePassAnalyzer(stem=True), phrase=False, field_boost=boost)
        return fields.TEXT(analyzer=OnePassAnalyzer(stem=False), field_boost=boost)

    return fields.Schema(**{name: faster(name, field) for name, field in sk_schema.make_schema().items()})
