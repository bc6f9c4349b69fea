"""Index stage, part 2: writing articles into a Whoosh index.

Writing is incremental and idempotent: an article whose content is already
indexed is skipped, a changed one replaces its old version (the last version
read wins).

Two ways in. :func:`write_articles` writes Article objects in this process.
:func:`index_sources` is the bulk pipeline the CLI uses: this process only reads
files into raw records; worker processes normalize them, find people and dates,
and write each chunk of articles into a segment of its own, in a staging folder.
This process then decides what is new, changed or unchanged, moves the finished
segments into the index and commits every batch, so a crash loses at most the
last batch. Small segments are merged, also by the workers, a tier at a time
(:data:`MERGE_FACTOR` segments of about the same size make one), which bounds
both the number of segments a search must visit and the work of merging.
"""

from __future__ import annotations

import math
import os
import shutil
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .article import Article

BATCH_SIZE = 2000  # articles per commit: a crash loses at most one batch
CHUNK_SIZE = 1000  # articles a worker writes into one segment
MERGE_FACTOR = 8  # this many segments of one size tier are merged into one
# Memory for a writer's postings before it sorts them to disk. A chunk fits, so
# fresh segments never spill; merges of big segments do, which bounds memory.
LIMIT_MB = 192
STAGING = ".staging"  # worker segments wait here; Whoosh's clean-up ignores dot files


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


def write_articles(ix, articles: Iterable[Article | dict]) -> AddReport:
    """Add or replace ``articles`` in the Whoosh index ``ix``, committing every BATCH_SIZE articles."""
    report = AddReport()
    seen: set[str] = set()
    pending = 0
    writer = ix.writer(limitmb=LIMIT_MB)
    reader = writer.reader()
    try:
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
            if pending >= BATCH_SIZE:
                writer.commit()
                writer = ix.writer(limitmb=LIMIT_MB)
                reader = writer.reader()
                pending = 0
    except BaseException:
        writer.cancel()
        raise
    if pending:
        writer.commit()
    else:
        writer.cancel()
    return report


# ---------------------------------------------------------------- the bulk pipeline


def index_sources(sources: Iterable[str | Path], index_dir: str | Path, *, procs: int | None = None,
                  report=None) -> AddReport:
    """Index every article in ``sources`` (files or folders) into ``index_dir``, creating it if needed.

    Reading happens here; normalizing and indexing in ``procs`` worker processes
    (default: one per core; ``procs=1`` does it all in this process). Problems with
    the input go to ``report`` (a :class:`searchkit.readers.ReadReport`) and the run goes on.
    """
    from whoosh import index as whoosh_index

    from .readers import ReadReport, read_records
    from .schema import make_schema

    report = report if report is not None else ReadReport()
    index_dir = Path(index_dir)
    if whoosh_index.exists_in(str(index_dir)):
        ix = whoosh_index.open_dir(str(index_dir))
    else:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(index_dir), make_schema())
    records = (r for src in sources for r in read_records(src, report=report))
    try:
        return write_records(ix, records, procs=procs, report=report)
    finally:
        ix.close()


def write_records(ix, records: Iterable, *, procs: int | None = None, report=None) -> AddReport:
    """Assemble reader records into articles and index them, in ``procs`` worker processes."""
    from .readers import ReadReport

    report = report if report is not None else ReadReport()
    procs = procs or os.cpu_count() or 1
    if procs <= 1:
        return write_articles(ix, _assembled(records, report))
    return _ParallelWriter(ix, procs, report).run(records)


def _assembled(records: Iterable, report) -> Iterator[Article]:
    from .assemble import assemble

    for record in records:
        try:
            yield assemble(record)
        except Exception as e:  # one bad record must not stop the run
            report.warn(record.origin, f"cannot be normalized ({type(e).__name__}: {e}); skipped")


@dataclass
class _Chunk:
    """What a worker made of one chunk of records: a staged segment and what is in it."""

    segment: object | None  # the Whoosh segment, None when nothing new was written
    staging: str  # the folder holding the segment's files
    docs: list[tuple[str, str]]  # (id, fingerprint) of each document, in document-number order
    unchanged: int = 0  # articles already in the committed index
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, message)


@dataclass
class _Merge:
    """A merge in flight: the segments going in, and their deletions when it was asked for."""

    sources: dict[str, int]  # segment id -> deleted count at submission
    result: object  # AsyncResult of (segment, staging folder)


class _ParallelWriter:
    """Feeds chunks of records to worker processes and commits the segments they write."""

    def __init__(self, ix, procs: int, report):
        self.ix, self.procs, self.report = ix, procs, report
        self.folder = Path(ix.storage.folder)
        self.staging = self.folder / STAGING
        self.added = AddReport()
        self.seen: set[str] = set()  # fingerprints written in this run
        self.staged: list[_Chunk] = []  # written by workers, not yet committed
        self.staged_ids: dict[str, tuple[_Chunk, int]] = {}  # id -> its staged document
        self.to_delete: set[str] = set()  # ids whose committed versions are replaced
        self.merges: list[_Merge] = []
        self.committed = None  # a reader of the index as last committed

    def run(self, records: Iterable) -> AddReport:
        import multiprocessing

        from whoosh.util import random_name

        lock = self.ix.lock("WRITELOCK")
        if not lock.acquire():
            from whoosh.index import LockError

            raise LockError(f"another process is writing to the index in {self.folder}/")
        shutil.rmtree(self.staging, ignore_errors=True)  # left over from a crashed run
        self.staging.mkdir()
        pool = multiprocessing.Pool(
            self.procs, initializer=_worker_start,
            initargs=(str(self.folder), self.ix.indexname, str(self.staging), random_name()),
        )
        try:
            self.committed = self.ix.reader()
            self._feed(pool, records)
            while self.merges:  # merges may cascade into bigger ones
                self._wait_merges()
                self._commit(pool)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
            if self.committed is not None:
                self.committed.close()
            shutil.rmtree(self.staging, ignore_errors=True)
            lock.release()
        return self.added

    def _feed(self, pool, records: Iterable) -> None:
        inflight: deque = deque()
        chunk: list = []
        staged_docs = 0

        def collect():
            nonlocal staged_docs
            staged_docs += self._take(inflight.popleft().get())
            if staged_docs >= BATCH_SIZE:
                self._commit(pool)
                staged_docs = 0

        for record in records:
            chunk.append(record)
            if len(chunk) >= CHUNK_SIZE:
                inflight.append(pool.apply_async(_add_chunk, (chunk,)))
                chunk = []
                while len(inflight) > 2 * self.procs or (inflight and inflight[0].ready()):
                    collect()
        if chunk:
            inflight.append(pool.apply_async(_add_chunk, (chunk,)))
        while inflight:
            collect()
        self._commit(pool)

    def _take(self, chunk: _Chunk) -> int:
        """Decide, in reading order, what each document of a finished chunk is; returns how many stay."""
        for where, message in chunk.problems:
            self.report.warn(where, message)
        self.added.unchanged += chunk.unchanged
        kept = 0
        for docnum, (id_, fp) in enumerate(chunk.docs):
            if fp in self.seen:  # the same article twice in this run
                chunk.segment.delete_document(docnum)
                self.added.unchanged += 1
                continue
            self.seen.add(fp)
            kept += 1
            if id_ in self.staged_ids:  # a newer version of an article staged in this batch
                old, old_docnum = self.staged_ids[id_]
                old.segment.delete_document(old_docnum)
                self.added.updated += 1
            elif ("id", id_) in self.committed:
                self.to_delete.add(id_)
                self.added.updated += 1
            else:
                self.added.added += 1
            self.staged_ids[id_] = (chunk, docnum)
        if chunk.segment is not None:
            self.staged.append(chunk)
        return kept

    def _commit(self, pool) -> None:
        """Commit the staged segments and finished merges, then ask for the merges now due."""
        from whoosh.writing import SegmentWriter

        writer = SegmentWriter(self.ix, _lk=False)  # the run holds the lock
        try:
            for id_ in self.to_delete:
                writer.delete_by_term("id", id_)
            segments = self._apply_merges(writer.segments)
            for chunk in self.staged:
                _move_segment(chunk.segment, Path(chunk.staging), self.folder)
                segments.append(chunk.segment)
            writer._close_segment()
            writer._commit_toc(segments)
        finally:
            writer._finish()
        self.staged, self.staged_ids, self.to_delete = [], {}, set()
        self.committed.close()
        self.committed = self.ix.reader()
        self._plan_merges(pool, segments)

    def _apply_merges(self, segments: list) -> list:
        """``segments`` with every finished merge in place of its sources (a merge whose sources changed is dropped)."""
        by_id = {s.segment_id(): s for s in segments}
        waiting = []
        for merge in self.merges:
            if not merge.result.ready():
                waiting.append(merge)
                continue
            merged, staging = merge.result.get()
            current = [by_id.get(sid) for sid in merge.sources]
            if all(s is not None and s.deleted_count() == n for s, n in zip(current, merge.sources.values())):
                for sid in merge.sources:
                    del by_id[sid]
                if merged is not None:
                    _move_segment(merged, Path(staging), self.folder)
                    by_id[merged.segment_id()] = merged
            elif merged is not None:  # deletions arrived meanwhile: keep the sources, drop the merge
                for name in merged.list_files(_storage(staging)):
                    os.remove(Path(staging) / name)
        self.merges = waiting
        return list(by_id.values())

    def _plan_merges(self, pool, segments: list) -> None:
        busy = {sid for m in self.merges for sid in m.sources}
        tiers: dict[int, list] = {}
        for s in segments:
            if s.segment_id() not in busy:
                tiers.setdefault(_tier(s.doc_count_all()), []).append(s)
        for group in tiers.values():
            if len(group) >= MERGE_FACTOR:
                group = sorted(group, key=lambda s: s.doc_count_all())[:MERGE_FACTOR]
                self.merges.append(_Merge(
                    sources={s.segment_id(): s.deleted_count() for s in group},
                    result=pool.apply_async(_merge_segments, (group,)),
                ))

    def _wait_merges(self) -> None:
        for merge in self.merges:
            merge.result.wait()


def _tier(doc_count: int) -> int:
    """Segments of one tier hold within a factor of MERGE_FACTOR as many documents."""
    return 0 if doc_count < CHUNK_SIZE else int(math.log(doc_count / CHUNK_SIZE, MERGE_FACTOR))


def _storage(folder: str):
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(folder)


def _move_segment(segment, staging: Path, folder: Path) -> None:
    for name in segment.list_files(_storage(str(staging))):
        os.replace(staging / name, folder / name)


# ---------------------------------------------------------------- in the worker processes

_worker: dict = {}


def _worker_start(folder: str, indexname: str, staging_root: str, tag: str) -> None:
    """Open the index to read, and make this worker's staging index (same schema, no documents)."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(folder, indexname=indexname)
    staging = Path(staging_root) / f"{tag}-{os.getpid()}"
    staging.mkdir()
    _worker.update(ix=ix, staging=str(staging), reader=None, generation=None,
                   stage_ix=whoosh_index.create_in(str(staging), ix.schema, indexname=indexname))


def _committed_reader():
    """A reader of the index as last committed (reopened when a commit has happened since)."""
    ix = _worker["ix"]
    generation = ix.latest_generation()
    if generation != _worker["generation"]:
        if _worker["reader"] is not None:
            _worker["reader"].close()
        _worker["reader"] = ix.reader()
        _worker["generation"] = generation
    return _worker["reader"]


def _staged_segment(writer):
    """Finish ``writer``'s segment in the staging folder; None if it is empty."""
    if writer.doc_count() == 0:
        writer._close_segment()
        return None
    return writer._finalize_segment()


def _add_chunk(records: list) -> _Chunk:
    from whoosh.writing import SegmentWriter

    from .assemble import assemble

    reader = _committed_reader()
    writer = SegmentWriter(_worker["stage_ix"], _lk=False, limitmb=LIMIT_MB)
    out = _Chunk(None, _worker["staging"], [])
    for record in records:
        try:
            article = assemble(record)
        except Exception as e:  # one bad record must not stop the run
            out.problems.append((record.origin, f"cannot be normalized ({type(e).__name__}: {e}); skipped"))
            continue
        fp = article.fingerprint()
        if ("fingerprint", fp) in reader:
            out.unchanged += 1
            continue
        writer.add_document(**_document(article, fp))
        out.docs.append((article.id, fp))
    out.segment = _staged_segment(writer)
    return out


def _merge_segments(segments: list):
    """Merge committed ``segments`` (leaving out deleted documents) into one new staged segment."""
    from whoosh.reading import SegmentReader
    from whoosh.writing import SegmentWriter

    ix = _worker["ix"]
    writer = SegmentWriter(_worker["stage_ix"], _lk=False, limitmb=LIMIT_MB)
    for segment in segments:
        reader = SegmentReader(ix.storage, ix.schema, segment)
        if reader.doc_count():
            writer.add_reader(reader)
        reader.close()
    return _staged_segment(writer), _worker["staging"]
