"""searchkit: full-text search for news archives.

Pipeline: readers -> normalize -> people/dates -> article -> index (schema, writer)
-> query -> results -> CLI. The names below are the public Python API.
"""

from __future__ import annotations

from importlib import import_module

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexBusyError",
    "IndexNotFoundError",
    "IndexStats",
    "QueryError",
    "Results",
    "SearchkitError",
    "UntrustedIndexError",
    "WorkerDiedError",
    "extract_people",
    "read_articles",
]

_WHERE = {
    "Article": "article",
    "ArticleNotFoundError": "errors",
    "Hit": "results",
    "Results": "results",
    "Index": "index",
    "IndexNotFoundError": "errors",
    "IncompatibleIndexError": "errors",
    "IndexBusyError": "errors",
    "UntrustedIndexError": "errors",
    "WorkerDiedError": "errors",
    "IndexStats": "index",
    "QueryError": "errors",
    "SearchkitError": "errors",
    "extract_people": "people",
    "read_articles": "readers",
}


def __getattr__(name: str):
    # Lazy, so `searchkit --help` does not pay for importing Whoosh.
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'searchkit' has no attribute {name!r}")
