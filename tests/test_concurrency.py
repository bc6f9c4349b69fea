"""Concurrent use: searches while an index is written, a second writer, a lock left by a killed writer.

Whoosh's write lock is an fcntl ``flock`` on ``MAIN_WRITELOCK``: the kernel drops it
when the process holding it dies, however it dies. The file itself stays behind, and
holds no lock: the next writer takes it at once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from stress import RUNS, committed_state_problem, ids, index_command, indexed_ids, run_cli, slow, write_corpus

from searchkit import Index

N, BATCH = 1200, 60
SEARCHERS = 4


def _searcher(index_dir: str, stop: str, out: str) -> None:
    """Search continuously until ``stop`` exists; write one line per problem, then the counts seen, to ``out``."""
    problems, counts = [], []
    index = None
    while True:
        stopping = os.path.exists(stop)  # the writer is done: one more search, which must see everything
        try:
            if index is None:
                if not Index.exists(index_dir):
                    time.sleep(0.01)
                    continue
                index = Index.open(index_dir)  # opened once, searched many times, as an app would
            results = index.search("harbour", limit=N, snippets=False)
            found = [hit.id for hit in results.hits]
            problem = committed_state_problem(found, N, BATCH) if results.total == len(found) else (
                f"total {results.total} but {len(found)} hits")
            if problem:
                problems.append(problem)
            if counts and len(found) < counts[-1]:
                problems.append(f"went back from {counts[-1]} to {len(found)} articles")
            counts.append(len(found))
        except Exception as e:  # any error at all is a failure of the test
            problems.append(f"{type(e).__name__}: {e}")
        if stopping and counts:
            break
    index.close()
    Path(out).write_text("\n".join(problems + [" ".join(map(str, counts))]))


@slow
def test_searches_see_one_committed_state_while_an_index_is_written(tmp_path):
    corpus = write_corpus(tmp_path / "wire.jsonl", N)
    index_dir, stop = tmp_path / "idx", tmp_path / "stop"
    context = multiprocessing.get_context("spawn")
    searchers = [
        context.Process(target=_searcher, args=(str(index_dir), str(stop), str(tmp_path / f"searcher{i}.txt")))
        for i in range(SEARCHERS)
    ]
    for process in searchers:
        process.start()
    for round_ in range(max(RUNS // 10, 1)):  # each round adds the corpus again, changed: updates, not just adds
        if round_:
            corpus.write_text(corpus.read_text().replace("posted notice", f"posted notice (round {round_})"))
        writer = run_cli(index_command(corpus, index_dir, "--batch-size", str(BATCH)))
        assert writer.returncode == 0, writer.stderr
    stop.touch()
    for process in searchers:
        process.join(timeout=120)
        assert process.exitcode == 0
    for i in range(SEARCHERS):
        *problems, counts = (tmp_path / f"searcher{i}.txt").read_text().split("\n")
        assert not problems, problems[:5]
        seen = [int(c) for c in counts.split()]
        assert seen and seen[-1] == N
        assert len(set(seen)) >= 2  # it searched while the index grew, not only before or after
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(N)]


def _hold_write_lock(index_dir: Path, seconds: float) -> threading.Thread:
    """Hold the index's write lock (as a writing process would) in a thread, for ``seconds``."""
    index = Index.open(index_dir)
    lock = index._ix.lock("WRITELOCK")
    assert lock.acquire()

    def release():
        time.sleep(seconds)
        lock.release()
        index.close()

    holder = threading.Thread(target=release)
    holder.start()
    return holder


def test_second_writer_waits_for_the_lock_timeout_then_fails_in_one_line(tmp_path):
    corpus = write_corpus(tmp_path / "wire.jsonl", 50)
    index_dir = tmp_path / "idx"
    assert run_cli(index_command(corpus, index_dir)).returncode == 0
    more = write_corpus(tmp_path / "more.jsonl", 80)
    holder = _hold_write_lock(index_dir, 4)
    started = time.monotonic()
    second = run_cli(index_command(more, index_dir, "--lock-timeout", "1"))
    waited = time.monotonic() - started
    holder.join()
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"Error: {index_dir}/ is being written by another process (waited 1s): try again when it has finished"]
    assert 1 <= waited < 4
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(50)]  # untouched


def test_second_writer_gets_the_lock_when_the_first_finishes_in_time(tmp_path):
    index_dir = tmp_path / "idx"
    assert run_cli(index_command(write_corpus(tmp_path / "wire.jsonl", 50), index_dir)).returncode == 0
    holder = _hold_write_lock(index_dir, 1)
    second = run_cli(index_command(write_corpus(tmp_path / "more.jsonl", 80), index_dir, "--lock-timeout", "20"))
    holder.join()
    assert second.returncode == 0, second.stderr
    assert len(indexed_ids(index_dir)) == 80


def test_python_api_raises_index_busy_error(tmp_path):
    from searchkit import IndexBusyError

    index_dir = tmp_path / "idx"
    Index.create(index_dir).close()
    holder = _hold_write_lock(index_dir, 1)
    with Index.open(index_dir) as index:
        try:
            index.add([{"id": "x", "title": "Harbour", "body": "The harbour."}], lock_timeout=0)
        except IndexBusyError as e:
            assert "being written by another process" in str(e)
        else:
            raise AssertionError("no IndexBusyError")
    holder.join()


def test_lock_left_by_a_killed_writer_is_taken_at_once(tmp_path):
    corpus = write_corpus(tmp_path / "wire.jsonl", 3000)
    index_dir = tmp_path / "idx"
    writer = subprocess.Popen(index_command(corpus, index_dir, "--batch-size", "20"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (Index.exists(index_dir) and len(indexed_ids(index_dir)) >= 40):  # it is writing (and holds the lock)
        assert writer.poll() is None and time.monotonic() < deadline, "the writer ended before it could be killed"
        time.sleep(0.02)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert (index_dir / "MAIN_WRITELOCK").exists()  # the file stays behind ...
    started = time.monotonic()
    again = run_cli(index_command(corpus, index_dir, "--lock-timeout", "0"))  # ... but no lock: no waiting
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 60
    assert sorted(indexed_ids(index_dir)) == [f"a{i:05d}" for i in range(3000)]


def test_ctrl_c_while_indexing_stops_at_once_and_keeps_the_commits(tmp_path):
    corpus = write_corpus(tmp_path / "wire.jsonl", 3000)
    index_dir = tmp_path / "idx"
    writer = subprocess.Popen(index_command(corpus, index_dir, "--batch-size", "20"), start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (Index.exists(index_dir) and len(indexed_ids(index_dir)) >= 40):
        assert writer.poll() is None and time.monotonic() < deadline, "the writer ended before Ctrl-C"
        time.sleep(0.02)
    os.killpg(writer.pid, signal.SIGINT)  # as a terminal does: the whole process group, workers too
    started = time.monotonic()
    _, err = writer.communicate(timeout=120)
    assert time.monotonic() - started < 10
    assert writer.returncode == 1 and err.strip() == "Aborted!"  # no worker's traceback
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(writer.pid, 0)
    assert committed_state_problem(indexed_ids(index_dir), 3000, 20) is None
    assert run_cli(index_command(corpus, index_dir)).returncode == 0
    assert sorted(indexed_ids(index_dir)) == ids(3000)
