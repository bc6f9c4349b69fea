"""Helpers for the crash and concurrency tests: a numbered corpus, the CLI in a subprocess, what an index holds.

The corpus is JSON Lines of ``n`` articles in a known order, each with the word
"harbour" (so one query finds them all) and an id ``a00000``... With a batch size of
``b``, every commit adds whole batches of ``b`` articles in reading order, so a committed
state never holds part of a batch: that is what the tests check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# How many kills (and how long the searchers run): SEARCHKIT_STRESS_RUNS, else a smoke count on CI, else 20.
RUNS = int(os.environ.get("SEARCHKIT_STRESS_RUNS") or (4 if os.environ.get("CI") else 20))
slow = pytest.mark.slow


def ids(n: int) -> list[str]:
    return [f"a{i:05d}" for i in range(n)]


def write_corpus(path: Path, n: int) -> Path:
    with open(path, "w") as f:
        for i, id_ in enumerate(ids(n)):
            record = {
                "id": id_, "title": f"Harbour notice {i}",
                "body": f"The harbour office posted notice {i} about berth w{i} and crane c{i % 97} on the quay.",
                "date": f"2020-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            }
            f.write(json.dumps(record) + "\n")
    return path


def index_command(corpus: Path, index_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index_dir), *extra]


def run_cli(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


def indexed_ids(index_dir: Path) -> list[str]:
    """Every id the index holds (duplicates included), read through searchkit's own Index."""
    from searchkit import Index

    with Index.open(index_dir) as index:  # one search: one committed state, even while a writer commits
        results = index.search("harbour", limit=1_000_000, snippets=False)
        assert results.total == len(results.hits)
        return [hit.id for hit in results.hits]


def committed_state_problem(found: list[str], n: int, batch: int) -> str | None:
    """Why ``found`` is not what a commit can leave (whole batches of ``batch`` articles, in reading order), or None.

    One process commits the first k batches; worker processes commit whole segments of
    at most a batch each, so either way no batch may be there in part.
    """
    if len(found) != len(set(found)):
        return f"duplicate ids among {len(found)}"
    present = set(found)
    if present - set(ids(n)):
        return f"ids that are not in the corpus: {sorted(present - set(ids(n)))[:3]}"
    everything = ids(n)
    for start in range(0, n, batch):
        block = everything[start: start + batch]
        held = sum(id_ in present for id_ in block)
        if 0 < held < len(block):
            return f"{held} of the {len(block)} articles of the batch starting at {block[0]}: a batch in part"
    return None
