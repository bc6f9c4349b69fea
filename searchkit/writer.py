"""Index stage, part 2: writing articles into a Whoosh index.

Writing is incremental and idempotent: an article whose id and content are
already indexed is skipped, a changed one replaces its old version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .article import Article

BATCH_SIZE = 2000  # articles per commit: a crash loses at most one batch


@dataclass
class AddReport:
    """What one call to :meth:`Index.add` did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def indexed(self) -> int:
        return self.added + self.updated


def _document(article: Article, fingerprint: str) -> dict:
    doc = {
        "id": article.id,
        "fingerprint": fingerprint,
        "record": article.to_dict(),
        "title": article.title,
        "title_exact": article.title,
        "people": "\n".join(article.people),
        "person": ",".join(p.replace(",", " ") for p in article.people),
        "body": article.body,
        "body_exact": article.body,
        "source": article.source,
    }
    if article.date:
        doc["date"] = datetime(article.date.year, article.date.month, article.date.day)
    return doc


def write_articles(ix, articles: Iterable[Article | dict], *, batch_size: int = BATCH_SIZE,
                   lock_timeout: float = 0.0) -> AddReport:
    """Add or replace ``articles`` in the Whoosh index ``ix``, committing every ``batch_size`` articles.

    The index's write lock is held for the whole run (not only each batch), so another
    writer cannot slip in between two batches; it waits up to ``lock_timeout`` seconds
    for a writer that holds it, then raises Whoosh's LockError.
    """
    from whoosh.index import LockError
    from whoosh.util.filelock import try_for
    from whoosh.writing import SegmentWriter

    lock = ix.lock("WRITELOCK")
    if not try_for(lock.acquire, timeout=lock_timeout, delay=0.1):
        raise LockError("another process is writing to the index")
    report = AddReport()
    seen: set[str] = set()
    pending = 0
    writer = None
    try:
        writer = SegmentWriter(ix, _lk=False, limitmb=128)
        reader = writer.reader()
        for item in articles:
            article = item if isinstance(item, Article) else Article.from_dict(item)
            fp = article.fingerprint()
            if fp in seen or ("fingerprint", fp) in reader:
                report.unchanged += 1
                continue
            seen.add(fp)
            if ("id", article.id) in reader:
                writer.delete_by_term("id", article.id)
                report.updated += 1
            else:
                report.added += 1
            writer.add_document(**_document(article, fp))
            pending += 1
            if pending >= batch_size:
                writer.commit()
                writer = SegmentWriter(ix, _lk=False, limitmb=128)
                reader = writer.reader()
                pending = 0
        if pending:
            writer.commit()
        else:
            writer.cancel()
        writer = None
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    finally:
        lock.release()
    return report
