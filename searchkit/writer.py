"""Index stage, part 2: writing articles into a Whoosh index.

Writing is incremental and idempotent: an article whose content is already
indexed is skipped, a changed one replaces its old version (the last version
read wins).

Two ways in. :func:`write_articles` writes Article objects in this process.
:func:`index_sources` is the bulk pipeline the CLI uses: this process only reads
files into raw records and sends them, in chunks, to worker processes (one per
core). Each worker normalizes its records, finds people and dates, and adds the
articles to a Whoosh segment of its own in a staging folder; this process decides,
in reading order, what is new, changed or unchanged, and commits each segment a
worker finishes, so a crash loses at most the segments being written. (A worker
skips an article already indexed and sends it back; if a commit replaced that version
after the worker looked, this process indexes the article itself in its next commit.)

Merging segments costs Whoosh nearly as much as indexing them again, so the
pipeline avoids it: a worker's segment grows with the index (a quarter of it,
between SEGMENT_DOCS and MAX_SEGMENT_DOCS articles), which keeps the number of
segments logarithmic in the size of the index; only the few small segments left
at the end of a run are merged. Memory stays bounded because a writer keeps at
most about LIMIT_MB of postings in memory and writes the rest to disk in sorted
runs (:mod:`searchkit.segments`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .article import Article
from .schema import name_runs

BATCH_SIZE = 2000  # articles per commit in write_articles: a crash loses at most one batch
CHUNK_SIZE = 500  # records sent to a worker at a time
# Articles in a worker's segment, at least (the pipeline commits per segment) ... Each segment
# adds to every search (its matchers, its statistics): 100k articles in 4 segments instead of 10
# searched 20-40% faster at the median (BENCHMARKS.md, fourth round).
SEGMENT_DOCS = 25_000
MAX_SEGMENT_DOCS = 100_000  # ... and at most
# Memory for a writer's postings before it writes a sorted run of them to disk: this
# bounds a worker's memory whatever the size of its segment. The pool's count is about 1.6
# times what the postings take (3,000 synthetic articles: 154 against 95 MB, tracemalloc).
# Writing and merging runs cost 8% of the CPU at 10k articles with 128 (BENCHMARKS.md, third
# round), 15% at 100k with 256 (sixth round); written in packed chunks, 7% at 50k (eighth round).
LIMIT_MB = 256
# Segments are written as one compound file each. Separate files would be memory-mapped
# instead of copied into each reader, but a commit deletes the files of merged-away
# segments, and a searcher still open on the older generation opens some of its files
# lazily: under concurrent writes it then fails or reads columns as missing (seen as
# date ties broken wrongly in tests/test_api.py). One file, opened with the reader, is safe.
WRITER_OPTIONS = {"limitmb": LIMIT_MB, "compound": True}
STOP_TIMEOUT = 60.0  # seconds a run waits for its workers to exit (after a failure: to end their task)
WORKER_GC_THRESHOLDS = (20_000, 50, 100)  # the cycle collector's, in worker processes (default 700, 10, 10)
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


def _document(article: Article, fingerprint: str, schema) -> dict:
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
    if "body_counts" in schema:  # not in indexes of format 1
        doc["body_counts"] = article.body
    if "body_pairs" in schema:  # not in indexes of formats 1-3
        doc["body_pairs"] = article.body
    if "person_words" in schema:  # not in indexes of formats 1 and 2
        runs = {run for name in article.people for run in name_runs(schema["people"], name)}
        doc["person_words"] = ",".join(sorted(runs))
    if article.date:
        doc["date"] = datetime(article.date.year, article.date.month, article.date.day)
    return doc


def _indexed(reader, fieldname: str, text: str) -> bool:
    """Whether a live document has ``text`` in ``fieldname``.

    Not just ``(fieldname, text) in reader``: the words of a replaced (deleted) version stay
    in a segment's word list until the segment is merged away.
    """
    return (fieldname, text) in reader and reader.postings(fieldname, text).is_active()


class Lookup:
    """Whether a live document of an index (as a reader sees it) has ``text`` in one field: an id or a fingerprint.

    The answer is :func:`_indexed`'s, but cheaper where it counts. Looking a term up probes
    every segment's word list (4-6 us a segment), and the pipeline asks once or twice per
    article. Once a segment has been asked about a quarter as many terms as it has
    documents (building costs about a quarter of a probe per term), a sorted array of the
    low 32 bits of the hashes of the field's terms in it (4 bytes each) answers "not there"
    without reading the segment. A term whose bits are there is looked up as before, so a
    collision costs only time.
    """

    def __init__(self, fieldname: str):
        self.fieldname = fieldname
        self._segments: dict[str, list] = {}  # segment id -> [lookups so far, hashes or None]

    def __call__(self, reader, text: str) -> bool:
        fieldname, key = self.fieldname, None
        for sub, _ in reader.leaf_readers():
            segment = sub.segment()
            if segment is not None:
                state = self._segments.setdefault(segment.segment_id(), [0, None])
                hashes = state[1]
                if hashes is None:
                    state[0] += 1
                    if state[0] * 4 >= sub.doc_count_all():
                        hashes = state[1] = array("I", sorted(hash(t) & 0xFFFFFFFF for t in sub.lexicon(fieldname)))
                if hashes is not None:
                    if key is None:
                        key = hash(sub.schema[fieldname].to_bytes(text)) & 0xFFFFFFFF
                    i = bisect_left(hashes, key)
                    if i == len(hashes) or hashes[i] != key:
                        continue
            if _indexed(sub, fieldname, text):
                return True
        return False


def for_lookups(ix):
    """``ix``, opened so that its readers read segments through a file handle.

    Writers look ids and fingerprints up in a reader of the committed index, reopened after
    each commit (in the pipeline, in every process). Whoosh's FileStorage maps a compound
    segment and copies each file inside it into a ``BytesIO`` (a copy of the whole index in
    each reader). A segment read in place from a map (:mod:`searchkit.mapped`) copies
    nothing, but every page a lookup touches then counts in the process's memory, and the
    kernel maps 64 kB around each page read: 2,000 lookups in a 1M-article index brought in
    150 MB. Through a file handle a lookup costs 6 us a segment instead of 3-4, and nothing
    stays. Any other storage (in memory) is kept.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import FileIndex

    storage = ix.storage
    if not isinstance(storage, FileStorage) or (type(storage) is FileStorage and not storage.supports_mmap):
        return ix
    return FileIndex(FileStorage(storage.folder, supports_mmap=False), indexname=ix.indexname)


def segment_writer(ix):
    """A writer of a new segment of ``ix``, for a caller that holds the index's write lock."""
    from .segments import FastSegmentWriter

    return FastSegmentWriter(ix, _lk=False, **WRITER_OPTIONS)


def _take_write_lock(ix, timeout: float):
    """The index's write lock, waiting up to ``timeout`` seconds for another writer; Whoosh's LockError after that."""
    from whoosh.index import LockError
    from whoosh.util.filelock import try_for

    lock = ix.lock("WRITELOCK")
    if not try_for(lock.acquire, timeout=timeout, delay=0.1):
        raise LockError("another process is writing to the index")
    return lock


def write_articles(ix, articles: Iterable[Article | dict], *, batch_size: int | None = None,
                   lock_timeout: float = 0.0) -> AddReport:
    """Add or replace ``articles`` in the Whoosh index ``ix``, committing every ``batch_size`` (BATCH_SIZE) articles.

    The index's write lock is held for the whole run (not only each batch), so another
    writer cannot slip in between two batches; it waits up to ``lock_timeout`` seconds
    for a writer that holds it, then raises Whoosh's LockError.
    """
    batch_size = batch_size or BATCH_SIZE
    lookups = for_lookups(ix)
    lock = _take_write_lock(ix, lock_timeout)
    report = AddReport()
    batch: dict[str, str] = {}  # id -> fingerprint of each article written since the last commit
    has_fingerprint, has_id = Lookup("fingerprint"), Lookup("id")
    writer = reader = None
    try:
        writer, reader = segment_writer(ix), lookups.reader()
        for item in articles:
            article = item if isinstance(item, Article) else Article.from_dict(item)
            fp = article.fingerprint()
            if article.id in batch:
                if batch[article.id] == fp:
                    report.unchanged += 1
                    continue
                # Another version of an article in this batch: a document not yet committed cannot
                # be deleted, so commit it first; the version read last then replaces it.
                writer, reader = _next_batch(writer, ix, reader, lookups)
                batch = {}
            if has_fingerprint(reader, fp):
                report.unchanged += 1
                continue
            if has_id(reader, article.id):
                writer.delete_by_term("id", article.id)
                report.updated += 1
            else:
                report.added += 1
            writer.add_document(**_document(article, fp, writer.schema))
            batch[article.id] = fp
            if len(batch) >= batch_size:
                writer, reader = _next_batch(writer, ix, reader, lookups)
                batch = {}
        if batch:
            writer.commit()
        else:
            writer.cancel()
        writer = None
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    finally:
        if reader is not None:
            reader.close()
        lock.release()
    return report


def _next_batch(writer, ix, reader, lookups):
    """Commit ``writer``'s batch: a writer of the next one and a reader that sees this one."""
    writer.commit()
    reader.close()
    return segment_writer(ix), lookups.reader()


# ---------------------------------------------------------------- the bulk pipeline


def index_sources(sources: Iterable[str | Path], index_dir: str | Path, *, procs: int | None = None,
                  report=None, format: str | None = None, fields: dict[str, str] | None = None) -> AddReport:
    """Index every article in ``sources`` (files or folders) into ``index_dir``, creating it if needed.

    Reading happens here; normalizing and indexing in ``procs`` worker processes
    (default: one per core; ``procs=1`` does it all in this process). Problems with
    the input go to ``report`` (a :class:`searchkit.readers.ReadReport`) and the run goes on.
    """
    from .readers import ReadReport, read_records
    from .storage import create_index, has_index, open_index

    report = report if report is not None else ReadReport()
    ix = open_index(index_dir) if has_index(index_dir) else create_index(index_dir)
    records = (r for src in sources for r in read_records(src, format=format, fields=fields, report=report))
    try:
        return write_records(ix, records, procs=procs, report=report)
    finally:
        ix.close()


def write_records(ix, records: Iterable, *, procs: int | None = None, report=None, admit=None,
                  progress=None, batch_size: int | None = None, lock_timeout: float = 0.0) -> AddReport:
    """Assemble reader records into articles and index them, in ``procs`` worker processes.

    Articles with nothing to index are skipped (and reported). ``admit(id, content_key, origin)``,
    called in reading order, may refuse an article (a duplicate, say); ``progress(n)`` hears how
    many articles have been handled so far. ``batch_size`` caps the articles per commit (in one
    process) or per segment of a worker (several): a crash loses at most that many per process.
    """
    from .readers import ReadReport

    report = report if report is not None else ReadReport()
    procs = procs or os.cpu_count() or 1
    if procs <= 1:
        articles = _admitted(_assembled(records, report), report, admit)
        if progress is not None:
            articles = _counted(articles, progress)
        return write_articles(ix, articles, batch_size=batch_size, lock_timeout=lock_timeout)
    return _ParallelWriter(ix, procs, report, admit, progress, batch_size).run(records, lock_timeout)


def _assembled(records: Iterable, report) -> Iterator[Article]:
    from .assemble import assemble
    from .readers import usable

    for record in records:
        try:
            article = assemble(record)
        except Exception as e:  # one bad record must not stop the run
            report.skip(record.origin, "cannot be normalized", f"cannot be normalized ({type(e).__name__}: {e})")
            continue
        if usable(article, report):
            yield article


def _admitted(articles: Iterable[Article], report, admit) -> Iterator[Article]:
    for article in articles:
        if admit is None or admit(article.id, article.content_key(), article.origin):
            yield article


def _counted(articles: Iterable[Article], progress) -> Iterator[Article]:
    for n, article in enumerate(articles, start=1):
        yield article
        progress(n)


@dataclass
class _Chunk:
    """What a worker made of one chunk of records."""

    worker: str  # which worker wrote it
    serial: int  # which of that worker's segments the documents went into
    first: int  # the document number of the first document in that segment
    # (id, fingerprint, content key, origin, written) of each article, in reading order; not written:
    # the worker found that version already indexed
    docs: list[tuple[str, str, bytes, str, bool]]
    report: object  # a ReadReport of what the worker met in this chunk
    finished: _Staged | None = None  # the segment, if this chunk completed it
    seen: int = -1  # the generation of the index in which the worker looked fingerprints up
    # index in docs -> the article, for those not written: if a commit replaced their indexed
    # version after the worker looked, the main process indexes them itself
    skipped: dict = field(default_factory=dict)


@dataclass
class _Staged:
    """A finished segment in a worker's staging folder."""

    worker: str
    serial: int
    segment: object  # a Whoosh segment
    staging: str


def segment_target(committed_docs: int) -> int:
    """How many articles a worker puts in a segment: more as the index grows, so segments stay few."""
    return max(SEGMENT_DOCS, min(MAX_SEGMENT_DOCS, committed_docs // 4))


class _ParallelWriter:
    """Feeds chunks of records to worker processes and commits the segments they finish."""

    def __init__(self, ix, procs: int, report, admit=None, progress=None, batch_size: int | None = None):
        self.ix, self.procs, self.report, self.batch_size = ix, procs, report, batch_size
        self.lookups = for_lookups(ix)
        self.admit, self.progress, self.handled = admit, progress, 0
        self.folder = Path(ix.storage.folder)
        self.staging = self.folder / STAGING
        self.added = AddReport()
        self.pending = _Pending()  # where the last version of each id read was written, until committed
        self.doomed: dict[tuple[str, int], set[int]] = {}  # documents to delete from segments still in workers
        # (worker, serial) -> ids whose committed versions an article of that segment replaces: they
        # are deleted in the commit that adds the segment, so that an article is never missing.
        self.to_delete: dict[tuple[str, int], set[str]] = {}
        self.finished: list[_Staged] = []
        self.inflight: deque = deque()  # the workers' tasks whose results are not taken yet, in reading order
        self.revived: list[Article] = []  # articles this process adds itself in its next commit (_revive)
        self.commits = 0
        self.committed = None  # a reader of the index as last committed
        self.has_fingerprint, self.has_id = Lookup("fingerprint"), Lookup("id")

    def run(self, records: Iterable, lock_timeout: float = 0.0) -> AddReport:
        import multiprocessing

        from whoosh.util import random_name

        from .workers import Workers

        lock = _take_write_lock(self.ix, lock_timeout)
        shutil.rmtree(self.staging, ignore_errors=True)  # left over from a crashed run
        self.staging.mkdir()
        stop = multiprocessing.Event()
        # A forked worker shares the lock's open file, and a flock lasts while any process has it
        # open: workers orphaned by a killed run would keep the index locked until they exit.
        lock_fd = getattr(lock, "fd", None) if multiprocessing.get_start_method() == "fork" else None
        workers = None
        try:
            workers = Workers(self.procs, _worker_start, (str(self.folder), self.ix.indexname, str(self.staging),
                                                          random_name(), stop, lock_fd, type(self.ix.storage)))
            self.committed = self.lookups.reader()
            self._feed(workers, records)
            for worker in range(self.procs):  # each finishes its last segment
                self._submit(workers, worker, _finish_at_end)
            self._take_results(workers, 0)
            self._commit(final=True)
        except BaseException:
            stop.set()  # the tasks still queued return at once
            raise
        finally:
            if workers is not None:
                workers.close(STOP_TIMEOUT)
            if self.committed is not None:
                self.committed.close()
            shutil.rmtree(self.staging, ignore_errors=True)
            lock.release()
        return self.added

    def _feed(self, workers, records: Iterable) -> None:
        chunk_size = min(CHUNK_SIZE, self.batch_size or CHUNK_SIZE)
        chunk: list = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= chunk_size:
                self._submit_chunk(workers, chunk)
                chunk = []
                self._take_results(workers, 2 * self.procs)
        if chunk:
            self._submit_chunk(workers, chunk)
        self._take_results(workers, 0)

    def _submit_chunk(self, workers, chunk: list) -> None:
        target = min(segment_target(self.committed.doc_count_all()), self.batch_size or MAX_SEGMENT_DOCS)
        self._submit(workers, workers.least_busy(), _add_chunk, chunk, target)

    def _submit(self, workers, worker: int, func, *args) -> None:
        self.inflight.append(workers.submit(worker, func, *args))

    def _take_results(self, workers, window: int) -> None:
        """Take the results in reading order, as they are ready, until at most ``window`` tasks are in flight."""
        while self.inflight:
            while workers.receive(0) is not None:  # whatever has come back
                pass
            task = self.inflight[0]
            if not task.done:
                if len(self.inflight) <= window:
                    return
                while not task.done:
                    workers.receive(None)
            self.inflight.popleft()
            if task.failed:  # raised in reading order, after the results read before it
                raise task.value
            if isinstance(task.value, _Chunk):
                self._take(task.value)
            elif task.value is not None:  # the segment a worker finished at the end
                self.finished.append(task.value)

    def _take(self, chunk: _Chunk) -> None:
        """Decide, in reading order, what each document of a chunk is; commit the segment it finished."""
        self.report.merge(chunk.report)
        docnum, fresh = chunk.first, chunk.seen == self.committed.generation()  # fresh: nothing committed since
        for i, (id_, fp, key, origin, written) in enumerate(chunk.docs):
            here = (chunk.worker, chunk.serial, docnum) if written else None
            docnum += written
            # Screened even when already indexed, so a duplicate counts as one every run.
            if self.admit is not None and not self.admit(id_, key, origin):
                self._doom(here)
                continue
            last = self.pending.get(id_)  # (worker, serial, docnum, fingerprint)
            if not written and last is not None:  # back to the indexed version: the pending newer one is dropped
                self._doom(last[:3])
                self.pending.drop(id_)
                self.to_delete.get(last[:2], set()).discard(id_)
            if not written and last is None and not fresh and not self.has_fingerprint(self.committed, fp):
                # The worker matched a version that a commit since its view of the index replaced:
                # this process indexes it itself, in its next commit.
                here, written = self._revive(chunk.skipped[i]), True
            if not written or (last[3] == fp if last is not None else self.has_fingerprint(self.committed, fp)):
                self._doom(here)  # the same article twice in this run
                self.added.unchanged += 1
                continue
            if last is not None:  # a newer version of an article not yet committed
                self._doom(last[:3])
                replaced = self.to_delete.get(last[:2], set())
                if id_ in replaced:  # the committed version goes when this one comes
                    replaced.discard(id_)
                    self.to_delete.setdefault(here[:2], set()).add(id_)
                self.added.updated += 1
            elif self.has_id(self.committed, id_):
                self.to_delete.setdefault(here[:2], set()).add(id_)
                self.added.updated += 1
            else:
                self.added.added += 1
            self.pending.put(id_, *here, fp)
        if self.progress is not None:
            self.handled += len(chunk.docs)
            self.progress(self.handled)
        if chunk.finished is not None:
            self.finished.append(chunk.finished)
            self._commit()

    def _revive(self, article: Article) -> tuple[str, int, int]:
        """Keep an article a worker skipped for this process's next commit; where it will be."""
        self.revived.append(article)
        return (*self._revived_segment(), len(self.revived) - 1)

    def _revived_segment(self) -> tuple[str, int]:
        """Articles this process adds in its next commit count as a segment of their own."""
        return ("", self.commits)

    def _doom(self, where: tuple[str, int, int] | None) -> None:
        if where is None:  # not written
            return
        worker, serial, docnum = where
        self.doomed.setdefault((worker, serial), set()).add(docnum)

    def _commit(self, final: bool = False) -> None:
        """Commit the finished segments (and, at the end of the run, merge the smallest ones)."""
        from whoosh.writing import MERGE_SMALL, NO_MERGE

        writer = segment_writer(self.ix)  # the run holds the lock
        try:
            revived = self._revived_segment()
            for key in [(s.worker, s.serial) for s in self.finished] + [revived]:
                for id_ in self.to_delete.pop(key, ()):
                    writer.delete_by_term("id", id_)
            segments = writer._merge_segments(MERGE_SMALL if final else NO_MERGE, False, True)
            for staged in self.finished:
                for docnum in self.doomed.pop((staged.worker, staged.serial), ()):
                    staged.segment.delete_document(docnum)
                for name in staged.segment.list_files(_storage(staged.staging)):
                    os.replace(Path(staged.staging) / name, self.folder / name)
                segments.append(staged.segment)
            dropped = self.doomed.pop(revived, ())
            for i, article in enumerate(self.revived):
                if i not in dropped:
                    writer.add_document(**_document(article, article.fingerprint(), writer.schema))
            if writer._added:  # small segments merged into this writer's, or revived articles
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(segments)
        finally:
            writer._finish()
        self.pending.forget([(s.worker, s.serial) for s in self.finished] + [revived])
        self.finished, self.revived = [], []
        self.commits += 1
        # The new reader first: interrupted (Ctrl-C) at any point, self.committed is an open reader.
        committed, self.committed = self.committed, self.lookups.reader()
        committed.close()


class _Pending:
    """Articles read in this run whose segments are not committed yet: for each id, where its
    last version was written (a worker's segment, a document number) and its fingerprint.

    An open segment can hold 100,000 articles per worker, so this is kept compact: one
    :class:`_SegmentTable` per segment, dropped whole when the segment is committed. An id
    stands as its 128-bit BLAKE2 digest, as an article's content stands as its SHA-1. A dict
    of id -> packed int took 155 bytes an article (200,000: 30.2 MB, tracemalloc); this, 52 (9.9 MB).
    """

    def __init__(self):
        self._tables: dict[tuple[str, int], _SegmentTable] = {}

    @staticmethod
    def _digest(id_: str) -> bytes:
        return hashlib.blake2b(id_.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, id_: str) -> tuple[str, int, int, str] | None:
        """(worker, serial, docnum, fingerprint) of the id's pending version, or None."""
        digest = self._digest(id_)
        for (worker, serial), table in self._tables.items():
            entry = table.live(digest)
            if entry >= 0:
                return worker, serial, table.docnums[entry], table.fingerprint(entry)
        return None

    def put(self, id_: str, worker: str, serial: int, docnum: int, fingerprint: str) -> None:
        """Make this the id's pending version (any other one is dropped)."""
        packed = bytes.fromhex(fingerprint)
        if len(packed) != 20:
            raise ValueError(f"not a SHA-1 fingerprint: {fingerprint!r}")
        digest = self._digest(id_)
        for key, table in self._tables.items():
            if key != (worker, serial):
                table.drop(digest)
        table = self._tables.get((worker, serial))
        if table is None:
            table = self._tables[(worker, serial)] = _SegmentTable()
        table.put(digest, docnum, packed)

    def drop(self, id_: str) -> None:
        digest = self._digest(id_)
        for table in self._tables.values():
            table.drop(digest)

    def forget(self, segments: Iterable[tuple[str, int]]) -> None:
        """Drop the entries of these (worker, serial) segments: they are committed."""
        for segment in segments:
            self._tables.pop(segment, None)

    def __len__(self) -> int:
        return sum(table.count() for table in self._tables.values())


class _SegmentTable:
    """One segment's pending entries in arrays (digest, fingerprint, document number: 40 bytes),
    found by open addressing on the digests (a slot of 4 bytes, at most half of them used)."""

    __slots__ = ("digests", "fingerprints", "docnums", "slots")

    def __init__(self):
        self.digests = bytearray()  # 16 bytes an entry
        self.fingerprints = bytearray()  # 20 bytes an entry
        self.docnums = array("i")  # -1: dropped
        self.slots = array("i", [-1]) * 16  # an entry's number, or -1

    def _slot(self, digest: bytes) -> int:
        """The slot that holds ``digest``'s entry, or the empty one where it would go."""
        slots, digests = self.slots, self.digests
        mask = len(slots) - 1
        i = int.from_bytes(digest[:8], "little") & mask
        while True:
            entry = slots[i]
            if entry < 0 or digests[16 * entry:16 * entry + 16] == digest:
                return i
            i = (i + 1) & mask

    def live(self, digest: bytes) -> int:
        """The entry of ``digest`` if it is there and not dropped, else -1."""
        entry = self.slots[self._slot(digest)]
        return entry if entry >= 0 and self.docnums[entry] >= 0 else -1

    def fingerprint(self, entry: int) -> str:
        return self.fingerprints[20 * entry:20 * entry + 20].hex()

    def put(self, digest: bytes, docnum: int, fingerprint: bytes) -> None:
        i = self._slot(digest)
        entry = self.slots[i]
        if entry >= 0:  # a dropped or replaced version in this segment
            self.docnums[entry] = docnum
            self.fingerprints[20 * entry:20 * entry + 20] = fingerprint
            return
        self.slots[i] = len(self.docnums)
        self.digests += digest
        self.fingerprints += fingerprint
        self.docnums.append(docnum)
        if 2 * len(self.docnums) > len(self.slots):
            self._grow()

    def drop(self, digest: bytes) -> None:
        entry = self.slots[self._slot(digest)]
        if entry >= 0:
            self.docnums[entry] = -1

    def count(self) -> int:
        return sum(1 for docnum in self.docnums if docnum >= 0)

    def _grow(self) -> None:
        slots = array("i", [-1]) * (2 * len(self.slots))
        mask, digests = len(slots) - 1, self.digests
        for entry in range(len(self.docnums)):
            i = int.from_bytes(digests[16 * entry:16 * entry + 8], "little") & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = entry
        self.slots = slots


def _storage(folder: str):
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(folder)


# ---------------------------------------------------------------- in the worker processes

_worker: dict = {}


def _worker_start(folder: str, indexname: str, staging_root: str, tag: str, stop, lock_fd: int | None,
                  storage_class=None) -> None:
    """Open the index to read, and make this worker's staging index (same schema, no documents).

    The index is opened with the same kind of Whoosh storage as the main process's (by default
    Whoosh's FileStorage), so workers read segments the way searchkit's own storage does.

    ``lock_fd`` is the run's write lock as inherited by fork: closed here (not unlocked), so
    the lock is the main process's alone. Once ``stop`` is set, tasks return at once. A failure
    (a full disk, say) is kept for the first task to raise, which reports it as any task's error.
    """
    import gc

    from whoosh import index as whoosh_index

    if lock_fd is not None:
        os.close(lock_fd)
    # A segment's posting pool is hundreds of thousands of lists, which the cycle collector's
    # default thresholds walk over and over: 10-15% of the time spent adding documents. Objects
    # from before the fork are left out of its walks too (and their pages unwritten).
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    _worker.update(stop=stop, failed=None)
    try:
        if storage_class is None:
            from whoosh.filedb.filestore import FileStorage as storage_class
        ix = for_lookups(whoosh_index.FileIndex(storage_class(folder), indexname=indexname))
        name = f"{tag}-{os.getpid()}"
        staging = Path(staging_root) / name
        staging.mkdir()
        _worker.update(ix=ix, name=name, staging=str(staging), reader=None, generation=None, writer=None,
                       has_fingerprint=Lookup("fingerprint"),
                       serial=0, stage_ix=whoosh_index.create_in(str(staging), ix.schema, indexname=indexname))
    except Exception as e:
        _worker["failed"] = e


def _check_started() -> None:
    if _worker["failed"] is not None:
        raise _worker["failed"]


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


def _add_chunk(records: list, target: int) -> _Chunk | None:
    """Assemble ``records`` and add the new ones to this worker's open segment, finishing it at ``target`` articles.

    None if the run is stopping.
    """
    from .readers import ReadReport

    _check_started()
    stop = _worker["stop"]
    if stop.is_set():
        return None
    reader = _committed_reader()
    if _worker["writer"] is None:
        _worker["writer"] = segment_writer(_worker["stage_ix"])
    writer = _worker["writer"]
    out = _Chunk(_worker["name"], _worker["serial"], writer.doc_count(), [], ReadReport(), seen=reader.generation())
    for article in _assembled(records, out.report):
        if stop.is_set():
            return None
        fp = article.fingerprint()
        if _worker["has_fingerprint"](reader, fp):
            out.skipped[len(out.docs)] = article
            out.docs.append((article.id, fp, article.content_key(), article.origin, False))
            continue
        writer.add_document(**_document(article, fp, writer.schema))
        out.docs.append((article.id, fp, article.content_key(), article.origin, True))
    if stop.is_set():
        return None
    if writer.doc_count() >= target:
        out.finished = _finish_segment()
    return out


def _finish_at_end() -> _Staged | None:
    """The end of the run: finish this worker's open segment."""
    _check_started()
    return None if _worker["stop"].is_set() else _finish_segment()


def _finish_segment() -> _Staged | None:
    """Finish this worker's open segment in its staging folder (None if it has no documents)."""
    writer, _worker["writer"] = _worker["writer"], None
    if writer is None:
        return None
    serial = _worker["serial"]
    _worker["serial"] += 1
    if writer.doc_count() == 0:
        writer._close_segment()
        return None
    return _Staged(_worker["name"], serial, writer._finalize_segment(), _worker["staging"])
