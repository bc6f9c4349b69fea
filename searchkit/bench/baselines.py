"""Benchmark baselines: the yardsticks searchkit is measured against in the same run.

1. Naive Whoosh, as a first attempt would write it: ``StemmingAnalyzer``, title
   and body stored, the default writer, ``add_document`` per article, one commit.
   It also gets a plain ``date`` field so the same filtered and sorted queries can run.
2. SQLite FTS5 from the standard library with the porter tokenizer, for scale.

Both read the same sources through :func:`searchkit.readers.read_records` (cheap
parsing, no normalizing), so their numbers are plain indexing throughput.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..readers import read_records
from ..dates import parse_date


def raw_articles(sources: Iterable[Path]) -> Iterator[dict]:
    """Title, body and date of every record in ``sources``, as the source gives them."""
    for src in sources:
        for record in read_records(src):
            raw = record.raw
            d = parse_date(str(raw.get("date") or ""))
            yield {
                "title": str(raw.get("title") or ""),
                "body": str(raw.get("body") or ""),
                "date": datetime(d.year, d.month, d.day) if d else None,
            }


def naive_schema():
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    return fields.Schema(
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=fields.DATETIME(),
    )


def build_naive_whoosh(sources: Iterable[Path], index_dir: Path) -> int:
    """Index ``sources`` the naive way into ``index_dir``; returns the number of articles."""
    from whoosh import index as whoosh_index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    n = 0
    for doc in raw_articles(sources):
        if doc["date"] is None:
            del doc["date"]
        writer.add_document(**doc)
        n += 1
    writer.commit()
    ix.close()
    return n


def build_fts5(sources: Iterable[Path], db_path: Path) -> int:
    """Index ``sources`` into an SQLite FTS5 table (porter tokenizer); returns the number of articles."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db_path)
    con.execute("CREATE VIRTUAL TABLE news USING fts5(title, body, date UNINDEXED, tokenize='porter unicode61')")
    n = 0
    rows: list[tuple] = []
    for doc in raw_articles(sources):
        rows.append((doc["title"], doc["body"], doc["date"].date().isoformat() if doc["date"] else None))
        if len(rows) >= 5000:
            n += len(rows)
            con.executemany("INSERT INTO news VALUES (?, ?, ?)", rows)
            rows = []
    n += len(rows)
    con.executemany("INSERT INTO news VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()
    return n
