"""Helpers for the crash and concurrency tests: a numbered corpus, the CLI in a subprocess, what an index holds.

The corpus is JSON Lines of ``n`` articles in a known order, each with the word
"harbour" (so one query finds them all) and an id ``a00000``... With a batch size of
``b``, the index commits after every ``b`` articles in reading order, so any committed
state holds exactly the first ``k * b`` ids (or all ``n``): that is what the tests check.
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

    with Index.open(index_dir) as index:
        results = index.search("harbour", limit=max(len(index), 1), snippets=False)
        assert results.total == len(index) == len(results.hits)
        return [hit.id for hit in results.hits]


def committed_state_problem(found: list[str], n: int, batch: int) -> str | None:
    """Why ``found`` is not exactly the articles of some commit (the first k*batch of n), or None."""
    if len(found) != len(set(found)):
        return f"duplicate ids among {len(found)}"
    if len(found) % batch and len(found) != n:
        return f"{len(found)} articles is not a whole number of batches of {batch}"
    if set(found) != set(ids(n)[: len(found)]):
        return f"the {len(found)} articles are not the first {len(found)} of the corpus"
    return None
