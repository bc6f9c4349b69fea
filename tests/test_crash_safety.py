"""Crash safety: ``searchkit index`` killed with SIGKILL (or stopped with Ctrl-C) at random moments loses at most the batch being written.

Each run starts the index command on a fresh folder, kills it at a different moment,
then checks that the index opens and holds exactly the articles of its last commit,
and that running the same command again completes to the exact full count with no
duplicate ids (without waiting for the dead process's lock). SEARCHKIT_STRESS_RUNS
sets the number of kills (20 by default, 4 on CI); SEARCHKIT_STRESS_SEED replays one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from stress import RUNS, committed_state_problem, index_command, indexed_ids, run_cli, slow, write_corpus

from searchkit import Index

N, BATCH = 600, 40
SEED = int(os.environ.get("SEARCHKIT_STRESS_SEED") or time.time())


def _kill_at(args: list[str], moment: float) -> bool:
    """Start ``args``, SIGKILL it ``moment`` seconds later; True if it was still running then."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=moment)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _interrupt_at(args: list[str], moment: float) -> tuple[int, str] | None:
    """Start ``args`` in a process group of its own and send the group SIGINT ``moment`` seconds
    later, as a terminal's Ctrl-C does; its exit status and what it printed on stderr (None if it had ended).

    Not before the command has made its index folder: Ctrl-C while Python itself starts prints
    Python's own traceback, whatever searchkit does.
    """
    started = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    index_dir = Path(args[args.index("--index") + 1])
    while not index_dir.exists() and process.poll() is None:
        time.sleep(0.01)
    try:
        process.wait(timeout=max(0.0, started + moment - time.monotonic()))
        process.communicate()
        return None
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return process.returncode, err
        raise AssertionError("a process of the interrupted run is still running")


def _check_after_kill(index_dir, label: str) -> int:
    if not Index.exists(index_dir):  # killed before the index was first written: nothing to lose
        return 0
    found = indexed_ids(index_dir)
    problem = committed_state_problem(found, N, BATCH)
    assert problem is None, f"{label}: {problem}"
    return len(found)


def _complete(corpus, index_dir, label: str) -> None:
    done = run_cli(index_command(corpus, index_dir, "--batch-size", str(BATCH), "--lock-timeout", "0"))
    assert done.returncode == 0, f"{label}: {done.stderr}"
    found = indexed_ids(index_dir)
    assert sorted(found) == [f"a{i:05d}" for i in range(N)], f"{label}: {len(found)} articles after the re-run"


@slow
def test_index_killed_at_random_moments_keeps_its_last_commit_and_resumes(tmp_path):
    _stop_at_random_moments(tmp_path, _kill_at)


@slow
def test_ctrl_c_at_random_moments_says_aborted_keeps_the_last_commit_and_resumes(tmp_path):
    """Ctrl-C in the middle of a commit, too: one line, no traceback, no process left."""
    def interrupt(args, moment):
        stopped = _interrupt_at(args, moment)
        if stopped is not None:  # stopped, or it had just finished (Ctrl-C as Python exits)
            status, err = stopped
            assert "Traceback" not in err and "Exception" not in err, stopped
            assert (status, err.strip()) == (1, "Aborted!") or err.strip().endswith(" articles in all."), stopped
        return stopped is not None

    _stop_at_random_moments(tmp_path, interrupt)


def _stop_at_random_moments(tmp_path, stop) -> None:
    corpus = write_corpus(tmp_path / "wire.jsonl", N)
    command = lambda index_dir: index_command(corpus, index_dir, "--batch-size", str(BATCH))  # noqa: E731
    started = time.monotonic()
    reference = run_cli(command(tmp_path / "reference"))
    duration = time.monotonic() - started
    assert reference.returncode == 0, reference.stderr
    rng = random.Random(SEED)
    # One moment in each of RUNS equal slices of the run, so the kills spread over all of it.
    moments = [duration * (i + rng.random()) / RUNS for i in range(RUNS)]
    states = []
    for run, moment in enumerate(moments):
        index_dir = tmp_path / f"run{run}"
        label = f"seed {SEED}, run {run}, stopped after {moment:.2f}s of {duration:.2f}s"
        stop(command(index_dir), moment)
        states.append(_check_after_kill(index_dir, label))
        _complete(corpus, index_dir, label)
    if RUNS >= 10:  # the moments did land at different points of the run
        assert len(set(states)) >= 3, f"seed {SEED}: committed counts after the kills: {states}"


@slow
def test_repeated_kills_on_one_index_then_completion(tmp_path):
    """Kill the command again and again on the same index (each run resuming the last): nothing is lost or doubled."""
    corpus = write_corpus(tmp_path / "wire.jsonl", N)
    index_dir = tmp_path / "idx"
    rng = random.Random(SEED + 1)
    counts = []
    for run in range(max(RUNS // 2, 2)):
        _kill_at(index_command(corpus, index_dir, "--batch-size", str(BATCH), "--lock-timeout", "0"),
                 rng.uniform(0.3, 1.5))
        counts.append(_check_after_kill(index_dir, f"seed {SEED + 1}, kill {run}"))
    assert counts == sorted(counts)  # each run kept what the one before committed
    _complete(corpus, index_dir, f"seed {SEED + 1}, completion")
