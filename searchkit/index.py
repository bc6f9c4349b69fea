"""Index stage, part 3: the :class:`Index` that apps open once and search many times.

Opening, searching and fetching live here; writing is in :mod:`searchkit.writer`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from .article import Article
from .errors import IndexNotFoundError
from .query import parse_query
from .ranking import RERANK_DEPTH, reads_as_description, rerank, weighting
from .results import Hit, Results, make_snippet
from .schema import make_schema
from .writer import AddReport, write_articles


class Index:
    """A searchkit index in a folder. Use :meth:`create` or :meth:`open`; also a context manager."""

    def __init__(self, ix, path: Path):
        self._ix = ix
        self.path = path

    @classmethod
    def create(cls, path: str | Path) -> "Index":
        """Create an empty index at ``path`` (the folder is made if needed; an old index there is replaced)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        return cls(whoosh_index.create_in(str(path), make_schema()), path)

    @classmethod
    def open(cls, path: str | Path) -> "Index":
        """Open the index at ``path``; raises :class:`IndexNotFoundError` if there is none."""
        path = Path(path)
        if not path.is_dir() or not whoosh_index.exists_in(str(path)):
            raise IndexNotFoundError(
                f"no searchkit index in {path}/ - build one with: searchkit index SOURCES... --index {path}"
            )
        return cls(whoosh_index.open_dir(str(path)), path)

    @staticmethod
    def exists(path: str | Path) -> bool:
        """True if ``path`` holds an index."""
        return Path(path).is_dir() and whoosh_index.exists_in(str(path))

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._ix.close()

    def __len__(self) -> int:
        return self._ix.doc_count()

    def add(self, articles: Iterable[Article | dict]) -> AddReport:
        """Index articles (Article objects or dicts with the same fields), committing in batches."""
        return write_articles(self._ix, articles)

    def delete(self, id: str) -> bool:
        """Remove the article with this id; True if there was one."""
        writer = self._ix.writer()
        n = writer.delete_by_term("id", id)
        writer.commit()
        return bool(n)

    def get(self, id: str) -> Article | None:
        """The stored article with this id, or None."""
        with self._ix.searcher() as s:
            fields = s.document(id=id)
        return Article.from_dict(fields["record"]) if fields else None

    def search(self, query: str, *, limit: int = 10, page: int = 1, snippets: bool = True) -> Results:
        """Ranked search; raises :class:`searchkit.QueryError` for a malformed query.

        ``snippets=False`` leaves snippets empty (for evaluation runs that only need the ranking).
        """
        started = time.perf_counter()
        schema = self._ix.schema
        q = parse_query(query, schema)
        any_terms = reads_as_description(q)
        if any_terms:
            q = parse_query(query, schema, any_terms=True)
        fallback = False
        page, limit = max(page, 1), max(limit, 1)
        depth = max(page * limit, RERANK_DEPTH)  # the page comes out the same whichever is asked for
        with self._ix.searcher(weighting=weighting()) as s:
            found, total = self._ranked(s, q, depth)
            if not total and not any_terms:  # no article has every word: rank those with some
                q, fallback = parse_query(query, schema, any_terms=True), True
                found, total = self._ranked(s, q, depth)
            found = rerank(s, found)[(page - 1) * limit: page * limit]
            hits = []
            for rank, (docnum, score) in enumerate(found, start=(page - 1) * limit + 1):
                record = s.stored_fields(docnum)["record"]
                snippet, spans = make_snippet(record["body"], q) if snippets else ("", [])
                article = Article.from_dict(record)
                hits.append(
                    Hit(
                        rank=rank,
                        id=article.id,
                        title=article.title,
                        date=article.date,
                        people=article.people,
                        score=score,
                        snippet=snippet,
                        highlights=spans,
                        url=article.url,
                        source=article.source,
                    )
                )
        took_ms = (time.perf_counter() - started) * 1000
        return Results(query=query, hits=hits, total=total, took_ms=took_ms, fallback=fallback and total > 0)

    @staticmethod
    def _ranked(searcher, q, depth: int) -> tuple[list[tuple[int, float]], int]:
        """The top ``depth`` (docnum, score) pairs for ``q``, and how many articles match."""
        results = searcher.search(q, limit=depth)
        return [(hit.docnum, hit.score) for hit in results], len(results)
