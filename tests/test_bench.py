"""The benchmark harness at smoke size: its corpus generator, and that it runs and prints numbers."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from searchkit import Index, read_articles
from searchkit.bench.__main__ import main as bench_main
from searchkit.bench.synth import NewsGenerator, write_corpus
from searchkit.writer import index_sources


def test_generator_is_deterministic_and_news_like():
    gen = NewsGenerator(seed=3)
    articles = list(gen.articles(300))
    assert NewsGenerator(seed=3).article(123) == articles[123]
    assert NewsGenerator(seed=4).article(123) != articles[123]
    lengths = [len(a.body.split()) for a in articles]
    assert 300 <= statistics.median(lengths) <= 500
    assert max(lengths) > 2.5 * statistics.median(lengths)  # a long tail
    assert all(date(2015, 1, 1) <= a.date < date(2025, 1, 2) for a in articles)
    assert len({a.date.year for a in articles}) == 10
    counts = sorted(Counter(w for a in articles for w in a.body.lower().split()).values(), reverse=True)
    assert counts[0] > 5 * counts[20] and counts[20] > 20 * counts[len(counts) // 2]  # Zipf: a few words dominate
    assert sum(bool(a.people) for a in articles) > 250
    assert all(name in a.body for a in articles for name in a.people)


def test_generated_files_read_back_as_the_same_articles(tmp_path):
    gen = NewsGenerator()
    for fmt in ("jsonl", "text"):
        write_corpus(tmp_path / fmt, 25, format=fmt)
        read = sorted(read_articles(tmp_path / fmt), key=lambda a: a.url)
        assert len(read) == 25
        named = found = 0
        for got, want in zip(read, gen.articles(25)):
            assert got.title == want.title and got.date == want.date
            assert got.body.split() == want.body.split()
            named += len(want.people)
            found += len(set(want.people) & set(got.people))
        # Most names said the news way are found (invented surnames make a few sentence-initial ones unsure).
        assert found >= 0.8 * named


def test_parallel_pipeline_indexes_what_the_serial_one_does(tmp_path):
    write_corpus(tmp_path / "corpus", 80)
    reports = [index_sources([tmp_path / "corpus"], tmp_path / name, procs=procs)
               for name, procs in (("serial", 1), ("parallel", 2))]
    assert reports[0] == reports[1] and reports[0].added == 80
    contents = []
    for name in ("serial", "parallel"):
        with Index.open(tmp_path / name) as index, index._ix.searcher() as s:
            contents.append(sorted((f["id"], f["record"]["body"]) for f in s.all_stored_fields()))
    assert contents[0] == contents[1] and len(contents[0]) == 80


def test_harness_runs_at_smoke_size_and_prints_the_numbers(tmp_path, capsys):
    bench_main(["run", "--size", "60", "--work", str(tmp_path), "--repeat", "1", "--queries", "2", "--rounds", "1"])
    out = capsys.readouterr().out
    for system in ("searchkit", "naive", "fts5"):
        assert system in out
    assert "searchkit whole pipeline / naive Whoosh throughput:" in out
    for category in ("term", "and2", "and3", "phrase", "person", "daterange", "datesorted"):
        assert f"  {category} " in out
    assert "--help" in out and "one search" in out


def test_an_indexing_run_reports_its_own_peak_memory_not_the_harness(tmp_path):
    """Each indexing run is a new program started by the harness; a large harness must not show up in it."""
    import sys

    import pytest

    from searchkit.bench import harness

    if not sys.platform.startswith("linux"):
        pytest.skip("the carried-over peak is Linux's")
    write_corpus(tmp_path / "corpus", 30, seed=5)
    ballast = bytearray(400 * 2**20)  # the harness after searching a big index
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])
    run = harness.index_in_child("searchkit", [tmp_path / "corpus"], tmp_path / "idx", procs=1, schema="current")
    del ballast
    assert run["articles"] == 30 and run["rss_main_mb"] < 300
