"""Analyses stage, shared part: the articles a query and the search filters select.

Timeline, people and terms count over the same articles that :meth:`Index.search`
would find: the query is parsed by :func:`searchkit.query.parse_query` and the
filters built by :func:`searchkit.query.filter_query`, exactly as for a search.
A :class:`Selection` holds the matching articles' document numbers, so each
analysis reads only what it needs (the date column, the people postings), never
every stored article.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from whoosh import query as wq

from .bulk import matching_docs


@dataclass
class Selection:
    """The live articles selected from one Whoosh searcher, as sorted global document numbers.

    ``docnums`` is None when nothing narrows the selection (no query, no filter): every
    live article, which some analyses can count from the index's statistics alone.
    """

    searcher: object
    docnums: list[int] | None

    @property
    def reader(self):
        return self.searcher.reader()

    def __len__(self) -> int:
        return self.reader.doc_count() if self.docnums is None else len(self.docnums)

    @property
    def everything(self) -> bool:
        return self.docnums is None

    def all_docnums(self) -> list[int]:
        """The selected document numbers, listing every live article when nothing narrows them."""
        return list(self.reader.all_doc_ids()) if self.docnums is None else self.docnums

    def by_segment(self) -> Iterator[tuple[object, list[int]]]:
        """(segment reader, the selected documents' numbers within that segment), segment by segment.

        Column readers are read segment by segment: a segment whose articles all lack a
        value has no column at all, which a reader across segments would not allow for.
        """
        docnums = self.all_docnums()
        start = 0
        for leaf, offset in self.reader.leaf_readers():
            end = bisect_left(docnums, offset + leaf.doc_count_all(), start)
            if end > start:
                yield leaf, [d - offset for d in docnums[start:end]] if offset else docnums[start:end]
            start = end


def select(searcher, q: wq.Query | None, allow: wq.Query | None) -> Selection:
    """The articles matching ``q`` (None: any) that pass the filter ``allow`` (None: no filter)."""
    parts = [p for p in (q, allow) if p is not None]
    if not parts:
        return Selection(searcher, None)
    combined = parts[0] if len(parts) == 1 else wq.And(parts)
    return Selection(searcher, sorted(matching_docs(searcher, combined)))
