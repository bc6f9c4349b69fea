"""The pipeline's worker processes (searchkit.workers): results, errors, deaths, stopping."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from searchkit.errors import WorkerDiedError
from searchkit.workers import Workers

_state: dict = {}


def _start(tag: str) -> None:
    _state["tag"] = tag


def _echo(x):
    return (_state["tag"], os.getpid(), x)


def _fail(message: str):
    raise ValueError(message)


def _unpicklable():
    return threading.Lock()


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _hang():
    time.sleep(3600)


def _results(workers: Workers, n: int) -> list:
    """The next ``n`` tasks to come back, in the order they came."""
    got = []
    while len(got) < n:
        task = workers.receive(10)
        assert task is not None, "no result within 10 s"
        got.append(task)
    return got


def test_each_worker_runs_its_tasks_in_order_after_its_initializer():
    workers = Workers(2, _start, ("ready",))
    try:
        sent = [workers.submit(i % 2, _echo, i) for i in range(20)]
        assert workers.least_busy() == 0 and not any(task.done for task in sent)
        got = _results(workers, 20)
        assert sorted(got, key=sent.index) == sent and all(task.done and not task.failed for task in got)
        for worker in (0, 1):
            values = [task.value for task in got if task.worker == worker]
            assert [x for _, _, x in values] == list(range(worker, 20, 2))  # in the order sent
            assert {tag for tag, _, _ in values} == {"ready"} and len({pid for _, pid, _ in values}) == 1
        assert workers.receive(0) is None
    finally:
        workers.close(5)


def test_a_failed_task_comes_back_as_its_exception_and_the_worker_goes_on():
    workers = Workers(1, _start, ("x",))
    try:
        workers.submit(0, _fail, "bad record")
        workers.submit(0, _unpicklable)
        workers.submit(0, _echo, 1)
        failed, unsent, fine = _results(workers, 3)
        assert failed.failed and isinstance(failed.value, ValueError) and str(failed.value) == "bad record"
        assert unsent.failed and "could not be sent back" in str(unsent.value)
        assert not fine.failed and fine.value[2] == 1
    finally:
        workers.close(5)


def test_a_worker_that_dies_is_reported_at_once():
    workers = Workers(2, _start, ("x",))
    try:
        workers.submit(1, _hang)
        workers.submit(0, _die)
        started = time.monotonic()
        with pytest.raises(WorkerDiedError, match="killed by signal 9"):
            workers.receive(30)
        assert time.monotonic() - started < 5
    finally:
        started = time.monotonic()
        workers.close(1)  # the hanging worker is killed once the time is up
    assert time.monotonic() - started < 5
    assert all(not p.is_alive() for p in workers.processes)
