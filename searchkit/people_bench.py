"""Benchmark of the people stage: words per second of :func:`extract_people` on one core.

Run ``python -m searchkit.people_bench [FILES...]`` (default: the people gold set, else the
bundled corpus). Each run passes every article to :func:`extract_people`, as assembling an
archive does, until about ``--words`` words have gone through; the median of ``--runs`` runs is
reported next to a baseline timed the same way in the same process: one regex tokenization pass
(``re.findall(r"\\w+", text)``) over the same articles. Times are CPU time of the process
(``time.process_time``), so other jobs on a shared machine do not count against it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import names
from .people import extract_people

DEFAULT_SOURCES = (Path("tests/data/people_gold.jsonl"), Path("corpus"))
_WORD = re.compile(r"\w+")


@dataclass
class BenchResult:
    words_per_run: int
    runs: int
    load_seconds: float  # reading the shipped word lists, once per process
    people_seconds: list[float]
    baseline_seconds: list[float]

    @property
    def people_wps(self) -> float:
        return self.words_per_run / statistics.median(self.people_seconds)

    @property
    def baseline_wps(self) -> float:
        return self.words_per_run / statistics.median(self.baseline_seconds)

    def report(self) -> str:
        return "\n".join([
            f"articles' words per run: {self.words_per_run:,}; runs: {self.runs} (medians below)",
            f"loading the word lists (once per process): {self.load_seconds * 1000:.0f} ms",
            f"extract_people:        {self.people_wps:>12,.0f} words/s",
            f"baseline (regex \\w+):  {self.baseline_wps:>12,.0f} words/s",
            f"ratio extract_people / baseline: {self.people_wps / self.baseline_wps:.3f}",
        ])


def load_texts(sources: list[Path]) -> list[str]:
    """Article texts from gold JSON Lines files (``text``) or anything :func:`read_articles` reads."""
    from .readers import read_articles

    texts: list[str] = []
    for src in sources:
        if src.suffix == ".jsonl" and src.is_file():
            with src.open(encoding="utf-8") as f:
                records = [json.loads(line) for line in f if line.strip()]
            if records and all("text" in r for r in records):
                texts += [r["text"] for r in records]
                continue
        texts += [a.body for a in read_articles(src)]
    return texts


def _time(fn: Callable[[str], object], texts: list[str], repeat: int) -> float:
    # CPU time of this process: on a shared machine, time spent waiting for a core is not ours.
    started = time.process_time()
    for _ in range(repeat):
        for t in texts:
            fn(t)
    return time.process_time() - started


def bench_people(texts: list[str], *, words: int = 300_000, runs: int = 5) -> BenchResult:
    """Time :func:`extract_people` and the regex baseline over ``texts`` (repeated to ``words``)."""
    if not texts:
        raise ValueError("no texts to benchmark")
    lists = (names.given_names, names.common_words, names.not_people)
    for read in lists:
        read.cache_clear()
    started = time.perf_counter()
    for read in lists:
        read()
    load = time.perf_counter() - started
    per_pass = sum(len(t.split()) for t in texts)
    repeat = max(1, round(words / max(per_pass, 1)))
    _time(extract_people, texts, 1)  # warm the caches, as a long indexing run would be
    people, baseline = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        people.append(_time(extract_people, texts, repeat))
        baseline.append(_time(_WORD.findall, texts, repeat))
    return BenchResult(per_pass * repeat, runs, load, people, baseline)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Words per second of searchkit.extract_people.")
    parser.add_argument("sources", nargs="*", type=Path, help="gold JSONL files or article files/folders")
    parser.add_argument("--words", type=int, default=300_000, help="words per timed run (default 300,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs; the median is reported (default 5)")
    args = parser.parse_args(argv)
    sources = args.sources or [next((p for p in DEFAULT_SOURCES if p.exists()), DEFAULT_SOURCES[0])]
    texts = load_texts(sources)
    print(f"sources: {', '.join(map(str, sources))} ({len(texts)} articles)")
    print(bench_people(texts, words=args.words, runs=args.runs).report())


if __name__ == "__main__":
    main()
