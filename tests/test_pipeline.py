"""The bulk indexing pipeline (worker processes, staged segments, batch commits, merges)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from searchkit import Index
from searchkit import writer
from searchkit.readers import ReadReport
from searchkit.writer import index_sources

from conftest import CORPUS


@pytest.fixture
def small_batches(monkeypatch):
    """Chunks, segments and batches small enough that a few dozen articles use them all."""
    monkeypatch.setattr(writer, "CHUNK_SIZE", 3)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 6)
    monkeypatch.setattr(writer, "MAX_SEGMENT_DOCS", 12)
    monkeypatch.setattr(writer, "BATCH_SIZE", 8)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def news(n: int, version: str = "first") -> list[dict]:
    return [{"id": f"n{i}", "title": f"Story {i}", "date": f"2020-01-{i % 28 + 1:02d}",
             "body": f"Harbor workers story number w{i} in its {version} version. Mayor Alda Brenn said so."}
            for i in range(n)]


def stored(index_dir: Path) -> dict[str, str]:
    """id -> body of every article in the index."""
    with Index.open(index_dir) as index:
        with index._ix.searcher() as s:
            return {f["id"]: f["record"]["body"] for f in s.all_stored_fields()}


def test_parallel_and_serial_index_the_same_articles(tmp_path, small_batches):
    serial = index_sources([CORPUS], tmp_path / "serial", procs=1)
    parallel = index_sources([CORPUS], tmp_path / "parallel", procs=2)
    assert parallel == serial and serial.added > 30
    assert stored(tmp_path / "parallel") == stored(tmp_path / "serial")
    with Index.open(tmp_path / "serial") as a, Index.open(tmp_path / "parallel") as b:
        for query in ("Lukashenko", '"post-Soviet space"', "people:lavrov"):
            assert {h.id for h in a.search(query, limit=50)} == {h.id for h in b.search(query, limit=50)}


def test_many_segments_lose_nothing(tmp_path, small_batches):
    src = write_jsonl(tmp_path / "news.jsonl", news(60))
    report = index_sources([src], tmp_path / "idx", procs=2)
    assert (report.added, report.updated, report.unchanged) == (60, 0, 0)
    assert set(stored(tmp_path / "idx")) == {f"n{i}" for i in range(60)}
    with Index.open(tmp_path / "idx") as index:
        assert 60 / writer.MAX_SEGMENT_DOCS <= len(index._ix._segments()) <= 60 / writer.SEGMENT_DOCS + 2
        assert index.search("w17").total == 1 and index.search("harbor").total == 60
    assert not (tmp_path / "idx" / writer.STAGING).exists()


def test_rerun_skips_unchanged_and_replaces_changed(tmp_path, small_batches):
    src = write_jsonl(tmp_path / "news.jsonl", news(20))
    index_sources([src], tmp_path / "idx", procs=2)
    again = index_sources([src], tmp_path / "idx", procs=2)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 20)

    changed = news(20)
    changed[3]["body"] = changed[12]["body"] = "Entirely rewritten text about tides."
    write_jsonl(src, changed + news(22)[20:])
    report = index_sources([src], tmp_path / "idx", procs=2)
    assert (report.added, report.updated, report.unchanged) == (2, 2, 18)
    bodies = stored(tmp_path / "idx")
    assert len(bodies) == 22 and bodies["n3"] == bodies["n12"] == "Entirely rewritten text about tides."
    with Index.open(tmp_path / "idx") as index:
        assert index.search("tides").total == 2 and index.search("w3").total == 0


def test_duplicates_in_one_run_keep_the_last_version(tmp_path, small_batches):
    records = news(10) + news(10) + [dict(news(10)[4], body="A later version of story four.")]
    src = write_jsonl(tmp_path / "news.jsonl", records)
    report = index_sources([src], tmp_path / "idx", procs=2)
    assert (report.added, report.updated, report.unchanged) == (10, 1, 10)
    bodies = stored(tmp_path / "idx")
    assert len(bodies) == 10 and bodies["n4"] == "A later version of story four."


def test_bad_records_are_reported_and_the_rest_indexed(tmp_path, small_batches):
    src = tmp_path / "news.jsonl"
    lines = [json.dumps(r) for r in news(9)]
    lines.insert(5, "{not json")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = ReadReport()
    report = index_sources([src, tmp_path / "missing.jsonl"], tmp_path / "idx", procs=2, report=problems)
    assert report.added == 9
    assert any("news.jsonl:6" in p for p in problems.problems)
    assert any("missing.jsonl" in p for p in problems.problems)


def test_an_index_locked_by_another_writer_is_refused(tmp_path):
    from whoosh.index import LockError

    src = write_jsonl(tmp_path / "news.jsonl", news(3))
    index_sources([src], tmp_path / "idx", procs=2)
    with Index.open(tmp_path / "idx") as index:
        other = index._ix.writer()
        try:
            with pytest.raises(LockError):
                index_sources([src], tmp_path / "idx", procs=2)
        finally:
            other.cancel()


def test_segments_are_compound_files_so_old_searchers_survive_commits(tmp_path, small_batches):
    src = write_jsonl(tmp_path / "news.jsonl", news(20))
    index_sources([src], tmp_path / "bulk", procs=2)
    with Index.create(tmp_path / "api") as index:
        index.add(news(20))
    for folder in ("bulk", "api"):
        with Index.open(tmp_path / folder) as index:
            segments = index._ix._segments()
            assert segments and all(s.is_compound() for s in segments)


@pytest.mark.parametrize("procs", [1, 2])
def test_going_back_to_an_earlier_version_indexes_it_again(tmp_path, small_batches, procs, monkeypatch):
    """A replaced version's fingerprint lingers in the index's word list: it must not count as indexed."""
    first = write_jsonl(tmp_path / "first.jsonl", news(10))
    second = write_jsonl(tmp_path / "second.jsonl", news(10, "second"))
    index_sources([first], tmp_path / "idx", procs=procs)
    index_sources([second], tmp_path / "idx", procs=procs)
    report = index_sources([first], tmp_path / "idx", procs=procs)
    assert (report.added, report.updated, report.unchanged) == (0, 10, 0)
    assert all("first version" in body for body in stored(tmp_path / "idx").values())
    # and within one run (no commit in between): first, second, then first again, in one chunk or several
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 100)
    monkeypatch.setattr(writer, "MAX_SEGMENT_DOCS", 100)
    monkeypatch.setattr(writer, "BATCH_SIZE", 100)
    for chunk in (3, 30):
        monkeypatch.setattr(writer, "CHUNK_SIZE", chunk)
        both = write_jsonl(tmp_path / "both.jsonl", news(10) + news(10, "second") + news(10))
        index_sources([both], tmp_path / f"fresh{chunk}", procs=procs)
        assert all("first version" in body for body in stored(tmp_path / f"fresh{chunk}").values())
    # and a run that goes back to the indexed version after a newer one was read
    index_sources([write_jsonl(tmp_path / "back.jsonl", news(10, "third") + news(10))], tmp_path / "idx", procs=procs)
    assert all("first version" in body for body in stored(tmp_path / "idx").values())


def test_an_updated_article_is_never_missing_from_a_commit(tmp_path, monkeypatch):
    """The old version of an article goes in the commit that adds its new version, not before:
    another worker's segment committed in between must not take it out of the index."""
    monkeypatch.setattr(writer, "CHUNK_SIZE", 1)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 2)
    monkeypatch.setattr(writer, "MAX_SEGMENT_DOCS", 2)
    index_sources([write_jsonl(tmp_path / "first.jsonl", news(40))], tmp_path / "idx", procs=2)
    live_after_commits = []
    commit = writer._ParallelWriter._commit

    def counting_commit(self, final=False):
        commit(self, final)
        ids = [fields["id"] for fields in self.committed.all_stored_fields()]
        live_after_commits.append((len(ids), len(set(ids))))

    monkeypatch.setattr(writer._ParallelWriter, "_commit", counting_commit)
    first, second = news(40), news(40, "second")
    records = [r for i in range(0, 40, 4) for r in second[i:i + 4] + first[i:i + 4]]
    index_sources([write_jsonl(tmp_path / "both.jsonl", records)], tmp_path / "idx", procs=2)
    assert len(live_after_commits) > 5 and set(live_after_commits) == {(40, 40)}  # each id once, every time
    assert sorted(stored(tmp_path / "idx")) == sorted(f"n{i}" for i in range(40))


def test_going_back_to_the_indexed_version_while_the_newer_one_is_committed_indexes_it(tmp_path, monkeypatch):
    """A worker that matched an article with the indexed version cannot see a commit made since
    that replaced it; the version read last must still be the one indexed."""
    monkeypatch.setattr(writer, "CHUNK_SIZE", 1)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 2)
    monkeypatch.setattr(writer, "MAX_SEGMENT_DOCS", 2)
    index_sources([write_jsonl(tmp_path / "first.jsonl", news(40))], tmp_path / "idx", procs=2)
    first, second = news(40), news(40, "second")
    both = write_jsonl(tmp_path / "both.jsonl", [r for i in range(0, 40, 4) for r in second[i:i + 4] + first[i:i + 4]])
    read = ReadReport()
    revived = []
    revive = writer._ParallelWriter._revive
    monkeypatch.setattr(writer._ParallelWriter, "_revive", lambda *args: revived.append(args[1]) or revive(*args))
    index_sources([both], tmp_path / "idx", procs=2, report=read)
    assert revived  # the race happened (with segments of two articles, it does every time)
    assert not read.problems
    bodies = stored(tmp_path / "idx")
    assert len(bodies) == 40 and all("first version" in body for body in bodies.values())


class _Failure(Exception):
    pass


def _fail_in_a_worker(monkeypatch):
    document = writer._document  # workers are forked after the patch, so they fail too

    def failing(article, *args):
        if article.id == "n40":
            raise OSError(28, "No space left on device")
        return document(article, *args)

    monkeypatch.setattr(writer, "_document", failing)
    return {}


def _fail_in_this_process(exception):
    def progress(n):
        if n >= 40:
            raise exception
    return lambda monkeypatch: {"progress": progress}


@pytest.mark.parametrize("fail, raised", [
    (_fail_in_a_worker, OSError),
    (_fail_in_this_process(_Failure()), _Failure),
    (_fail_in_this_process(KeyboardInterrupt()), KeyboardInterrupt),
], ids=["a worker fails", "this process fails", "Ctrl-C"])
def test_a_failed_run_stops_its_workers_without_killing_them(tmp_path, monkeypatch, fail, raised):
    """After a failure the workers end their task and exit; none is killed, none is left. (A
    multiprocessing.Pool killed its workers here, one of them once while it held the result
    queue's lock, and the run hung: seen on CI with a full disk.)"""
    import multiprocessing
    from multiprocessing.process import BaseProcess

    monkeypatch.setattr(writer, "CHUNK_SIZE", 5)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 10)
    killed, terminate, kill = [], BaseProcess.terminate, BaseProcess.kill
    monkeypatch.setattr(BaseProcess, "terminate", lambda process: killed.append(process) or terminate(process))
    monkeypatch.setattr(BaseProcess, "kill", lambda process: killed.append(process) or kill(process))
    src = write_jsonl(tmp_path / "news.jsonl", news(200))
    with Index.create(tmp_path / "idx") as index:
        with pytest.raises(raised):
            writer.write_records(index._ix, _records(src), procs=2, **fail(monkeypatch))
    assert killed == [] and multiprocessing.active_children() == []
    monkeypatch.undo()
    committed = len(stored(tmp_path / "idx"))
    assert committed % 10 == 0 and committed < 200  # whole segments (of 10 articles) were committed
    assert index_sources([src], tmp_path / "idx", procs=2).added == 200 - committed
    assert len(stored(tmp_path / "idx")) == 200


def test_a_failed_run_does_not_work_through_the_chunks_already_sent(tmp_path, monkeypatch):
    """Each worker holds chunks sent ahead of the one it works on: after a failure it drops them
    at once instead of taking seconds to finish them."""
    import time

    monkeypatch.setattr(writer, "CHUNK_SIZE", 10)
    document = writer._document

    def slow(article, *args):  # a chunk takes a worker two seconds
        time.sleep(0.2)
        return document(article, *args)

    raised = []

    def progress(n):  # the first chunk taken: several more are sent, none done
        raised.append(time.monotonic())
        raise _Failure()

    monkeypatch.setattr(writer, "_document", slow)
    src = write_jsonl(tmp_path / "news.jsonl", news(200))
    with Index.create(tmp_path / "idx") as index:
        with pytest.raises(_Failure):
            writer.write_records(index._ix, _records(src), procs=2, progress=progress)
    assert time.monotonic() - raised[0] < 1.0  # the article in hand, not the chunks queued (seconds)


def _die_while_adding(monkeypatch):
    document = writer._document

    def dying(article, *args):
        if article.id == "n40":
            os.kill(os.getpid(), signal.SIGKILL)
        return document(article, *args)

    monkeypatch.setattr(writer, "_document", dying)


def _die_after_sending_its_result(monkeypatch):
    """Its open segment, with the articles the result announced, dies with it."""
    take = writer._ParallelWriter._take

    def take_and_kill(self, chunk):
        if any(doc[0] == "n40" for doc in chunk.docs):
            os.kill(int(chunk.worker.rsplit("-", 1)[1]), signal.SIGKILL)
        take(self, chunk)

    monkeypatch.setattr(writer._ParallelWriter, "_take", take_and_kill)


@pytest.mark.parametrize("die", [_die_while_adding, _die_after_sending_its_result],
                         ids=["while adding", "after sending its result"])
def test_a_worker_that_dies_ends_the_run_with_a_message_and_keeps_the_commits(tmp_path, monkeypatch, die):
    """A worker killed (by the kernel when memory runs out, say) never finishes its task, and its
    open segment is lost: the run must neither wait for ever nor report success."""
    import multiprocessing
    import time

    from searchkit import WorkerDiedError

    monkeypatch.setattr(writer, "CHUNK_SIZE", 5)
    monkeypatch.setattr(writer, "SEGMENT_DOCS", 10)
    die(monkeypatch)
    src = write_jsonl(tmp_path / "news.jsonl", news(200))
    started = time.monotonic()
    with Index.create(tmp_path / "idx") as index:
        with pytest.raises(WorkerDiedError, match="a worker process died"):
            writer.write_records(index._ix, _records(src), procs=2)
    assert time.monotonic() - started < 20 and multiprocessing.active_children() == []
    monkeypatch.undo()
    committed = len(stored(tmp_path / "idx"))
    assert committed % 10 == 0 and committed < 200
    assert index_sources([src], tmp_path / "idx", procs=2).added == 200 - committed


def _records(src: Path):
    from searchkit.readers import read_records

    return read_records(src)


_SEGMENTS = [("w-1", 0), ("w-1", 1), ("w-22", 0), ("w-22", 5)]
_OPERATIONS = st.one_of(
    st.tuples(st.just("put"), st.integers(0, 300), st.sampled_from(_SEGMENTS), st.integers(0, 2**31 - 1),
              st.binary(min_size=20, max_size=20)),
    st.tuples(st.just("drop"), st.integers(0, 300)),
    st.tuples(st.just("forget"), st.lists(st.sampled_from(_SEGMENTS), max_size=2)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_OPERATIONS, max_size=400))
def test_pending_articles_are_kept_as_a_dict_would_keep_them(operations):
    """The main process keeps where each pending article went and its fingerprint in compact
    per-segment tables; whatever happens to them, they answer as a plain dict does."""
    pending, model = writer._Pending(), {}
    for operation in operations:
        if operation[0] == "put":
            _, i, (worker, serial), docnum, digest = operation
            pending.put(f"n{i}", worker, serial, docnum, digest.hex())
            model[f"n{i}"] = (worker, serial, docnum, digest.hex())
        elif operation[0] == "drop":
            pending.drop(f"n{operation[1]}")
            model.pop(f"n{operation[1]}", None)
        else:
            pending.forget(operation[1])
            model = {k: v for k, v in model.items() if v[:2] not in operation[1]}
        assert len(pending) == len(model)
    assert all(pending.get(f"n{i}") == model.get(f"n{i}") for i in range(302))


def test_pending_tables_grow_and_take_far_less_than_a_dict():
    pending = writer._Pending()
    for i in range(20_000):
        pending.put(f"article-{i}", "w-1", i % 3, i, f"{i:040x}")
    assert len(pending) == 20_000 and pending.get("article-19999") == ("w-1", 1, 19999, f"{19999:040x}")
    size = sum(len(t.digests) + len(t.fingerprints) + t.docnums.itemsize * len(t.docnums)
               + t.slots.itemsize * len(t.slots) for t in pending._tables.values())
    assert size < 80 * 20_000  # a dict of id -> packed int took 155 bytes an article
    with pytest.raises(ValueError):
        pending.put("x", "w-1", 0, 1, "abc")
