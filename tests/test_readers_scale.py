"""Reading at the size of the Reuters-21578 corpus (22 files, 21,578 records) and of big JSON files, in flat memory."""

import json
import tracemalloc
from datetime import date

import pytest

from searchkit.readers import ReadReport, read_articles, read_records
from sgml_maker import write_corpus


@pytest.fixture(scope="module")
def reuters_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reuters")
    write_corpus(folder)
    return folder


def peak_memory_while(iterator) -> tuple[int, int]:
    """``(items, peak bytes allocated)`` while consuming ``iterator`` without keeping its items."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in iterator)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_whole_corpus_reads_and_normalizes(reuters_corpus):
    report = ReadReport()
    articles = list(read_articles(reuters_corpus, report=report))
    assert len(articles) == 21578 and report.files == 22 and not report.problems
    assert len({a.id for a in articles}) == 21578
    briefs = [a for a in articles if not a.body]
    assert len(briefs) == 21578 // 20 and all(a.title for a in briefs)
    last = articles[-1]
    assert last.id == "reuters-21578-21578" and last.date == date(1987, 4, 19)
    assert "<Harrow Mills Inc>" in last.body and "Reuter" not in last.body and len(last.body.split("\n\n")) == 3


def test_reading_streams_record_by_record(reuters_corpus):
    files = sorted(reuters_corpus.iterdir())[:4]
    count, peak = peak_memory_while(r for f in files for r in read_records(f))
    assert count == 4000
    assert peak < sum(f.stat().st_size for f in files) / 10  # ~3.2 MB of files, a few hundred KB held at most


def test_big_json_array_streams(tmp_path):
    path = tmp_path / "dump.json"
    with path.open("w") as f:  # one line, no newlines: streaming must not depend on lines
        f.write("[" + ",".join(json.dumps({"id": str(i), "title": f"Story {i}", "body": "word " * 200}) for i in range(5000)) + "]")
    count, peak = peak_memory_while(read_records(path))
    assert count == 5000
    assert peak < path.stat().st_size / 3  # 5 MB of JSON, a few 256 KB chunks held at most
