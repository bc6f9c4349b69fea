"""Worker processes for the indexing pipeline, each with a pipe of its own.

Not a ``multiprocessing.Pool``: its workers share a task queue and a result queue, each guarded
by a lock between processes. A worker that dies holding one (an idle worker holds the task
queue's; ``Pool.terminate`` can kill one that is sending a result) blocks the other workers and
the pool's own ``terminate`` for ever: CI ran into its time limit on such a hang. Here nothing is
shared: a worker that dies is noticed at once (:class:`~searchkit.errors.WorkerDiedError`), and
stopping or killing one never blocks another.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass


@dataclass
class Task:
    """A task sent to a worker, and its result once it has come back."""

    worker: int
    value: object = None  # what the task returned, or the exception it raised
    failed: bool = False
    done: bool = False


class Workers:
    """``procs`` processes that run ``initializer(*initargs)``, then the tasks sent to each, in order."""

    def __init__(self, procs: int, initializer, initargs: tuple):
        import multiprocessing
        import signal

        self.conns: list = []
        self.processes: list = []
        self.sent: list[deque[Task]] = [deque() for _ in range(procs)]  # each worker's tasks not come back yet
        # Ctrl-C during a fork lands in Python's after-fork handlers, which print it and go on (the
        # run would not stop): it waits until the workers are started.
        masked = _mask(signal.SIG_BLOCK)
        try:
            for _ in range(procs):
                ours, theirs = multiprocessing.Pipe()
                # A forked worker inherits the pipes made before its own: it closes them, so that
                # each worker sees the end of its pipe when the main process dies.
                process = multiprocessing.Process(
                    target=_serve, args=(theirs, [*self.conns, ours], initializer, initargs), daemon=True)
                process.start()
                theirs.close()
                self.conns.append(ours)
                self.processes.append(process)
            if masked:
                _mask(signal.SIG_UNBLOCK)  # a Ctrl-C that came meanwhile is raised here
        except BaseException:
            self.close(0)  # they have done nothing yet
            if masked:
                _mask(signal.SIG_UNBLOCK)
            raise

    def submit(self, worker: int, func, *args) -> Task:
        """Send ``func(*args)`` to ``worker``: its Task, done once :meth:`receive` has its result."""
        try:
            self.conns[worker].send((func, args))
        except OSError:  # a broken pipe: the worker is gone
            raise self._died(worker) from None
        task = Task(worker)
        self.sent[worker].append(task)
        return task

    def least_busy(self) -> int:
        return min(range(len(self.sent)), key=lambda worker: len(self.sent[worker]))

    def receive(self, timeout: float | None = None) -> Task | None:
        """The task whose result comes back next (from any worker), or None if none came within
        ``timeout``. WorkerDiedError if a worker died.
        """
        from multiprocessing.connection import wait

        ready = wait([*self.conns, *(p.sentinel for p in self.processes)], timeout)
        for worker, conn in enumerate(self.conns):
            if conn in ready:
                try:
                    ok, value = conn.recv()
                except (EOFError, OSError):  # its end of the pipe closed: it is gone
                    raise self._died(worker) from None
                task = self.sent[worker].popleft()  # each worker's results come back in the order sent
                task.value, task.failed, task.done = value, not ok, True
                return task
        for worker, process in enumerate(self.processes):
            if process.sentinel in ready:
                raise self._died(worker)
        return None

    def close(self, timeout: float) -> None:
        """Tell each worker to exit once its tasks are done, and wait; kill any still there after ``timeout`` s.

        Results not received yet are dropped: a worker that would send one finds its pipe closed
        and exits. (Closing the pipes at once also ends a worker whose task was being sent when
        this process was interrupted, and who waits for the rest of it.)
        """
        import time

        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process.is_alive():  # it hangs: nothing else waits on it, so it is safe to kill
                process.kill()
                process.join()

    def _died(self, worker: int) -> Exception:
        from .errors import WorkerDiedError

        process = self.processes[worker]
        process.join(5)  # its pipe is closed: it is exiting, if it has not yet
        code = process.exitcode
        how = ("its pipe closed" if code is None else f"killed by signal {-code}" if code < 0 else f"exit status {code}")
        return WorkerDiedError(
            f"a worker process died ({how}; out of memory?); the articles committed before are kept: "
            "run the same command again to index the rest")


def _mask(how) -> bool:
    """Block or unblock SIGINT in this thread, where signal masks exist (not on Windows)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        return False
    signal.pthread_sigmask(how, {signal.SIGINT})
    return True


def _serve(conn, inherited: list, initializer, initargs: tuple) -> None:
    """A worker: run each task sent, send back (True, result) or (False, exception), until told to stop.

    A thread reads the tasks as they come, so that the main process never waits to send one
    while this process waits to send a result.
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it stops us
    _mask(signal.SIG_UNBLOCK)  # blocked while the main process forked us
    for other in inherited:
        other.close()
    initializer(*initargs)
    tasks: deque = deque()
    arrived = threading.Semaphore(0)

    def read() -> None:
        while True:
            try:
                task = conn.recv()
            except Exception:  # the main process is gone, or closed the pipe in the middle of a task
                task = None
            tasks.append(task)
            arrived.release()
            if task is None:
                return

    threading.Thread(target=read, daemon=True).start()
    while True:
        arrived.acquire()
        task = tasks.popleft()
        if task is None:
            return
        func, args = task
        try:
            result = (True, func(*args))
        except Exception as e:  # sent back, raised in the main process
            result = (False, e)
        try:
            conn.send(result)
        except OSError:  # the main process is gone
            os._exit(1)
        except Exception as e:  # the result or the exception would not pickle
            conn.send((False, RuntimeError(f"a worker's result could not be sent back: {type(e).__name__}: {e}")))
