"""Results stage: hits as small typed records, with a snippet of the best passage.

The snippet is plain text plus the character spans of the matched words, so the
CLI can bold them on a terminal and ``--json`` can hand the offsets to an app.
For a quoted phrase only the phrase is marked, not each of its words elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from whoosh import query as wq

from .schema import exact_analyzer, ranked_analyzer

SNIPPET_CHARS = 240


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
    """The hits of one page of a search, with the total number of matching articles."""

    query: str
    hits: list[Hit]
    total: int
    took_ms: float = 0.0
    fallback: bool = False

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "fallback": self.fallback,
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass
class _Wanted:
    """What to mark in a body: single stemmed/exact terms, prefixes, and exact phrases."""

    stems: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[list[str]] = field(default_factory=list)


def _collect(q: wq.Query, wanted: _Wanted) -> None:
    if isinstance(q, wq.Not):
        return  # excluded words are never in a hit's snippet worth marking
    if isinstance(q, wq.Phrase):
        if q.fieldname in ("body_exact", "people"):
            wanted.phrases.append([w for w in q.words])
        return
    if isinstance(q, wq.Prefix) and q.fieldname in ("body", "people"):
        wanted.prefixes.add(q.text)
    elif isinstance(q, wq.Term) and q.fieldname == "body":
        wanted.stems.add(q.text)
    elif isinstance(q, wq.Term) and q.fieldname in ("people", "body_exact"):
        wanted.words.add(q.text)
    for child in q.children():
        _collect(child, wanted)


def _spans(body: str, wanted: _Wanted) -> list[tuple[int, int, str]]:
    """(start, end, key) of every marked word or phrase in ``body``."""
    spans: list[tuple[int, int, str]] = []
    if wanted.stems:
        for t in ranked_analyzer()(body, chars=True, removestops=False):
            if t.text in wanted.stems:
                spans.append((t.startchar, t.endchar, t.text))
    if wanted.words or wanted.prefixes or wanted.phrases:
        tokens = [(t.text, t.startchar, t.endchar) for t in exact_analyzer()(body, chars=True)]
        for text, start, end in tokens:
            if text in wanted.words or any(text.startswith(p) for p in wanted.prefixes):
                spans.append((start, end, text))
        for phrase in wanted.phrases:
            n = len(phrase)
            for i in range(len(tokens) - n + 1):
                if all(tokens[i + k][0] == phrase[k] for k in range(n)):
                    spans.append((tokens[i][1], tokens[i + n - 1][2], " ".join(phrase)))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s in spans:  # a word inside a marked phrase is not marked again
        if merged and s[0] < merged[-1][1]:
            continue
        merged.append(s)
    return merged


def make_snippet(body: str, q: wq.Query, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """The passage of ``body`` with the most distinct matches, and the spans to highlight in it."""
    wanted = _Wanted()
    _collect(q, wanted)
    spans = _spans(body, wanted)
    start = 0
    if spans:
        best = (-1, -1)
        for anchor, _, _ in spans:
            inside = [s for s in spans if anchor <= s[0] and s[1] <= anchor + width * 0.8]
            score = (len({s[2] for s in inside}), len(inside))
            if score > best:
                best, start = score, anchor
        # Begin a little before the first match, at a word boundary.
        start = max(0, start - width // 5)
        if start:
            start = body.find(" ", start) + 1 or start
    end = min(len(body), start + width)
    if end < len(body):
        end = body.rfind(" ", start, end) if body.rfind(" ", start, end) > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    out: list[str] = [prefix]
    offsets: list[tuple[int, int]] = []
    pos = len(prefix)
    cursor = start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        piece = re.sub(r"\s+", " ", body[cursor:s])
        out.append(piece)
        pos += len(piece)
        word = re.sub(r"\s+", " ", body[s:e])
        out.append(word)
        offsets.append((pos, pos + len(word)))
        pos += len(word)
        cursor = e
    out.append(re.sub(r"\s+", " ", body[cursor:end]))
    out.append(suffix)
    return "".join(out), offsets
