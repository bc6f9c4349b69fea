"""A time limit for one call in a test: a hang becomes a failure that says how long was allowed."""

from __future__ import annotations

import signal
from contextlib import contextmanager


class Overtime(AssertionError):
    """The code under test ran past its time limit."""


@contextmanager
def time_limit(seconds: float, what: str = "call"):
    """Fail with :class:`Overtime` if the block runs longer than ``seconds`` (main thread only, POSIX)."""

    def overtime(signum, frame):
        raise Overtime(f"{what} still running after {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
