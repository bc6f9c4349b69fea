"""Results stage: hits as small typed records, with a snippet of the best passage.

The snippet is plain text plus the character spans of the matched words, so the
CLI can bold them on a terminal and ``--json`` can hand the offsets to an app.
For a quoted phrase only the phrase is marked, not each of its words elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import compress
from dataclasses import dataclass, field
from datetime import date

from whoosh import query as wq
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer

SNIPPET_CHARS = 240
_SPACES = re.compile(r"\s+")


@dataclass
class Hit:
    """One search result."""

    rank: int
    id: str
    title: str
    date: date | None
    people: list[str]
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in snippet
    url: str = ""
    source: str = ""

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "people": self.people,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "url": self.url,
            "source": self.source,
        }


@dataclass
class Results:
    """One page of a search: its hits, the total number of matching articles and the time taken.

    ``fallback`` is True when no article had all the words, so these hits match only some.
    ``long_query`` is True when the query had so many words (more than
    :data:`searchkit.ranking.MAX_REQUIRED_WORDS`) that it was read as a description and
    ranked over any of its words, not all of them required.
    ``suggestion`` is a corrected query that finds more articles, when this search found few.
    """

    query: str
    hits: list[Hit]
    total: int
    took_ms: float = 0.0
    fallback: bool = False
    page: int = 1
    limit: int = 10
    suggestion: str | None = None
    long_query: bool = False

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    @property
    def pages(self) -> int:
        """How many pages of ``limit`` hits the total makes."""
        return -(-self.total // self.limit)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "fallback": self.fallback,
            "page": self.page,
            "limit": self.limit,
            "suggestion": self.suggestion,
            "long_query": self.long_query,
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass
class _Wanted:
    """What to mark in a body: stems (of stemmed terms), exact words, and phrases of either."""

    stems: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    phrases: list[tuple[bool, tuple[str, ...], int]] = field(default_factory=list)  # (stemmed, words, slop)


# Fields whose matches show in the body: the body itself, its unstemmed twin, and people (who
# are named in the body). Title and source matches have nothing to mark there.
_STEMMED, _EXACT = {"body"}, {"body_exact", "people"}


def _usual_steps(analyzer):
    """(regex, charmap) when ``analyzer`` is a regex tokenizer, then lowercasing and charset folding; else None."""
    tokenizer, *filters = getattr(analyzer, "items", [analyzer])
    if (
        isinstance(tokenizer, RegexTokenizer)
        and not tokenizer.gaps
        and [type(f) for f in filters] == [LowercaseFilter, CharsetFilter]
    ):
        return tokenizer.expression, filters[1].charmap
    return None


def word_lister(analyzer) -> Callable[[str], list[str]]:
    """A function giving the folded words of a text, as ``analyzer`` does, without their offsets.

    For the usual analyzer, words are found, lowercased and (only those with a letter
    beyond ASCII) folded in a few calls over the whole text: twice as fast again.
    """
    steps = _usual_steps(analyzer)
    if not steps:
        return lambda text: [t.text for t in analyzer(text)]
    findall, charmap = steps[0].findall, steps[1]

    def folded(text: str) -> list[str]:
        found = " ".join(findall(text)).lower()  # a word never holds a space
        if found.isascii():
            return found.split(" ") if found else []
        return [w if w.isascii() else w.translate(charmap) for w in found.split(" ")]

    return folded


class BodyWords:
    """The folded words of a text as ``analyzer`` gives them (see :func:`word_lister`), and, on
    demand, where some of them are: snippets only need the offsets of the words they mark."""

    def __init__(self, analyzer):
        self.fold = word_lister(analyzer)
        steps = _usual_steps(analyzer)
        self._finditer = steps[0].finditer if steps else None
        self._analyzer = analyzer
        if steps:
            charmap = steps[1]
            self.tokens = steps[0].findall  # the words as written; fold_token folds one
            self.fold_token = lambda token: token.lower().translate(charmap)
        else:
            self.tokens, self.fold_token = self.fold, lambda token: token

    def offsets(self, text: str, wanted: list[bool]) -> Iterator[tuple[int, int]]:
        """(start, end) of each word of ``text`` whose entry in ``wanted`` is true, in order."""
        if self._finditer:
            return (m.span() for m in compress(self._finditer(text), wanted))
        return compress([(t.startchar, t.endchar) for t in self._analyzer(text, chars=True)], wanted)


class Highlighter:
    """Finds what a query matched in article bodies and cuts the best passage. One per search.

    ``reader`` expands prefix, wildcard and fuzzy terms into the words they matched;
    ``words`` finds the folded words of a body (see :class:`BodyWords`);
    ``stem`` gives a folded word's stem ("" for a stopword), as the stemmed body field has it.
    """

    def __init__(self, q: wq.Query, reader, words: BodyWords, stem: Callable[[str], str]):
        self._words = words
        self._stem = stem
        self._wanted = _Wanted()
        self._collect(q, reader)

    def _collect(self, q: wq.Query, reader) -> None:
        wanted = self._wanted
        if isinstance(q, wq.Not):
            return  # excluded words are not what the reader looks for
        if isinstance(q, wq.AndNot):
            return self._collect(q.a, reader)
        fieldname = q.field()
        if isinstance(q, wq.Phrase):
            if fieldname in _STEMMED or fieldname in _EXACT:
                wanted.phrases.append((fieldname in _STEMMED, tuple(q.words), q.slop))
            return
        if isinstance(q, wq.MultiTerm) and fieldname in _STEMMED | _EXACT:
            decode = reader.schema[fieldname].from_bytes  # some expansions give str, some bytes
            texts = {decode(t) if isinstance(t, bytes) else t for _, t in q.expanded_terms(reader)}
            (wanted.stems if fieldname in _STEMMED else wanted.words).update(texts)
            return
        if isinstance(q, wq.Term):
            if fieldname in _STEMMED:
                wanted.stems.add(q.text)
            elif fieldname in _EXACT:
                wanted.words.add(q.text)
            return
        for child in q.children():
            self._collect(child, reader)

    def _spans(self, body: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every marked word or phrase in ``body``, in order, not overlapping."""
        wanted = self._wanted
        if not (wanted.stems or wanted.words or wanted.phrases):
            return []
        folded = self._words.fold(body)
        distinct = set(folded)  # each word is stemmed and looked up once, not at each occurrence
        need_stems = wanted.stems or any(stemmed for stemmed, _, _ in wanted.phrases)
        stem_of = {w: self._stem(w) for w in distinct} if need_stems else {}
        marked = {w for w in distinct if w in wanted.words or (wanted.stems and stem_of[w] in wanted.stems)}
        found = [(i, i, w) for i, w in enumerate(folded) if w in marked]  # (first word, last word, key)
        for stemmed, words, slop in wanted.phrases:
            if stemmed:  # stemmed fields drop stopwords, so their phrases are matched on the remaining words
                at = [i for i, w in enumerate(folded) if stem_of[w]]
                stems = [stem_of[folded[i]] for i in at]
                found.extend((at[a], at[b], key) for a, b, key in _phrase_spans(stems, words, slop))
            else:
                found.extend(_phrase_spans(folded, words, slop))
        if not found:
            return []
        needed = sorted({i for first, last, _ in found for i in (first, last)})
        wanted_words = [False] * len(folded)
        for i in needed:
            wanted_words[i] = True
        where = dict(zip(needed, self._words.offsets(body, wanted_words)))
        spans = sorted(((where[first][0], where[last][1], key) for first, last, key in found),
                       key=lambda s: (s[0], -s[1]))
        merged: list[tuple[int, int, str]] = []
        for s in spans:  # a word inside a marked phrase is not marked again
            if not merged or s[0] >= merged[-1][1]:
                merged.append(s)
        return merged

    def snippet(self, body: str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
        """The passage of ``body`` with the most distinct matches, and the spans to highlight in it."""
        spans = self._spans(body)
        start = _best_window(spans, int(width * 0.8))
        if start:
            # Begin a little before the first match, at a word boundary.
            start = max(0, start - width // 5)
            if start:
                start = body.find(" ", start) + 1 or start
        end = min(len(body), start + width)
        if end < len(body):
            cut = body.rfind(" ", start, end)
            end = cut if cut > start else end
        out = ["…" if start > 0 else ""]
        offsets: list[tuple[int, int]] = []
        pos = len(out[0])
        cursor = start
        for s, e, _ in spans:
            if s < start or e > end:
                continue
            gap, word = _SPACES.sub(" ", body[cursor:s]), _SPACES.sub(" ", body[s:e])
            out += [gap, word]
            offsets.append((pos + len(gap), pos + len(gap) + len(word)))
            pos += len(gap) + len(word)
            cursor = e
        out += [_SPACES.sub(" ", body[cursor:end]), "…" if end < len(body) else ""]
        return "".join(out), offsets


def _phrase_spans(seq: list[str], words: tuple[str, ...], slop: int) -> Iterator[tuple[int, int, str]]:
    """(first, last) positions in ``seq`` where ``words`` occur in order, each within ``slop`` of the last."""
    key, first, n = " ".join(words), words[0], len(seq)
    for i in [i for i, w in enumerate(seq) if w == first]:
        at = i
        for word in words[1:]:
            at = next((j for j in range(at + 1, min(at + slop, n - 1) + 1) if seq[j] == word), None)
            if at is None:
                break
        else:
            yield i, at, key


def _best_window(spans: list[tuple[int, int, str]], reach: int) -> int:
    """Start of the first span of the window (``reach`` chars) with the most distinct, then most, matches."""
    best, best_start = (0, 0), 0
    inside: Counter[str] = Counter()
    j = 0
    for i, (anchor, _, _) in enumerate(spans):
        while j < len(spans) and (j == i or spans[j][1] <= anchor + reach):
            inside[spans[j][2]] += 1
            j += 1
        score = (len(inside), j - i)
        if score > best:
            best, best_start = score, anchor
        key = spans[i][2]
        inside[key] -= 1
        if not inside[key]:
            del inside[key]
    return best_start
