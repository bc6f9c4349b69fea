"""Analyses stage: who is in the news, the people most often named in the selected articles.

Counts are numbers of articles, from the ``person`` field (one exact term per name):
on the whole index, its document frequencies alone; on a selection, the postings of
the most-named people intersected with it, most-named first, stopping as soon as no
one left could make the list. A small selection is cheaper to count from its
articles' stored people lists. :func:`co_mentions` ranks who is named alongside a
person the way ``--person`` finds them (a surname is enough).
"""

from __future__ import annotations

from bisect import insort
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from .query import person_matcher
from .selection import Selection

STORED_BELOW = 5000  # selections smaller than this are counted from their stored people lists (see BENCHMARKS.md)


@dataclass
class PeopleCounts:
    """The ``people`` most named in ``articles`` selected articles, most first: (name, articles).

    For co-mentions, ``alongside`` is the person asked about and ``matched`` the names
    in the index it stands for (``Lavrov`` stands for ``Sergei Lavrov``); they are left out.
    """

    query: str | None
    articles: int
    people: list[tuple[str, int]] = field(default_factory=list)
    alongside: str | None = None
    matched: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "articles": self.articles,
            "with": self.alongside,
            "matched": self.matched,
            "people": [{"name": name, "articles": n} for name, n in self.people],
            "took_ms": round(self.took_ms, 2),
        }


def _ranked(counts, top: int) -> list[tuple[str, int]]:
    """Most articles first; ties in alphabetical order."""
    return sorted(((name, n) for name, n in counts if n), key=lambda nc: (-nc[1], nc[0]))[:top]


def count_people(
    selection: Selection, top: int, *, exclude: Collection[str] = (), lexicon: Counter | None = None
) -> list[tuple[str, int]]:
    """The ``top`` people named in the most selected articles (ties alphabetical), leaving out ``exclude``.

    ``lexicon`` is the person field's, if the caller has read it already (see :func:`_lexicon`).
    """
    if top < 1 or not len(selection):
        return []
    if not selection.everything and len(selection) < STORED_BELOW:
        return _from_stored(selection, top, exclude)
    return _from_postings(selection, top, exclude, lexicon or _lexicon(selection.reader))


def _from_stored(selection: Selection, top: int, exclude: Collection[str]) -> list[tuple[str, int]]:
    stored = selection.searcher.stored_fields
    counts: Counter = Counter()
    for docnum in selection.docnums:
        # The person field holds each name with commas made spaces: count the same names.
        counts.update({p.replace(",", " ") for p in stored(docnum)["record"].get("people") or ()})
    return _ranked(((name, n) for name, n in counts.items() if name not in exclude), top)


def _from_postings(selection: Selection, top: int, exclude: Collection[str], lexicon: Counter) -> list[tuple[str, int]]:
    reader = selection.reader
    # Document frequencies count deleted articles too, so they are upper bounds, and exact
    # counts when there is nothing to delete or select.
    exact = selection.everything and not reader.has_deletions()
    leave_out = {name.encode("utf-8") for name in exclude}
    # Names stay UTF-8 bytes until the end: their byte order is their alphabetical order.
    ranked = sorted((-df, name) for name, df in lexicon.items() if name not in leave_out)
    member = None if selection.everything else set(selection.docnums)
    best: list[tuple[int, bytes]] = []  # (-articles, name), best first, at most top
    for neg_df, name in ranked:
        if len(best) >= top and -neg_df < -best[-1][0]:
            break  # nobody further down can be named in more articles than the last of the list
        n = -neg_df if exact else _articles_naming(reader, name, member)
        if n:
            insort(best, (-n, name))
            del best[top:]
    return [(name.decode("utf-8"), -neg) for neg, name in best]


def _lexicon(reader) -> Counter:
    """Every name in the person field (UTF-8 bytes), and how many articles have it (deleted ones too)."""
    names: Counter = Counter()
    for segment, _ in reader.leaf_readers():  # a reader across segments merges lexicons slowly
        for name, info in segment.iter_field("person"):
            names[name] += info.doc_frequency()
    return names


def _articles_naming(reader, name: str | bytes, member: set[int] | None) -> int:
    """How many live articles (of ``member``, if given) name ``name``."""
    ids = reader.postings("person", name).all_ids()  # deleted articles are left out
    return len(member.intersection(ids)) if member is not None else sum(1 for _ in ids)


def co_mentions(selection: Selection, alongside: str, top: int) -> tuple[list[str], list[tuple[str, int]]]:
    """For a selection of articles naming ``alongside``: the names of it they have, and the ``top`` others."""
    reader = selection.reader
    matches = person_matcher(reader.schema, alongside)
    member = None if selection.everything else set(selection.docnums)
    lexicon = _lexicon(reader)
    names = (name.decode("utf-8") for name in lexicon)
    matched = sorted(name for name in names if matches(name) and _articles_naming(reader, name, member))
    return matched, count_people(selection, top, exclude=set(matched), lexicon=lexicon)
