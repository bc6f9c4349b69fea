"""Shared fixtures: the bundled corpus, the user's seed article, and a fresh index folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEED = CORPUS / "000_6821945268890055.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "idx"


@pytest.fixture
def seed_index(index_dir: Path):
    from searchkit import Index, read_articles

    index = Index.create(index_dir)
    index.add(read_articles(SEED))
    yield index
    index.close()
