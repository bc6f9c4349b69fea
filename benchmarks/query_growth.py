"""Query latency of searchkit and naive Whoosh at two index sizes, in one run: the p95 ratio and its growth.

    python benchmarks/query_growth.py --sizes 10000,100000 --work /tmp/query-growth \
        [--reuse 100000=/tmp/analyses-bench/analyses-100000] [--rounds 5] [--queries 20]

The articles are those of ``analyses.py`` (the bundled corpus's sentences reshuffled,
people from a Zipf-weighted pool, dates over ten years), written once as JSON Lines in
``--work``. Each size gets a searchkit index (``Index.add``, as ``analyses.py`` builds
it; ``--reuse N=DIR`` takes an index already built that way) and a naive Whoosh index
(the harness's baseline). The queries and the timing are the harness's
(``searchkit.bench.harness``): every category of issue 7, snippets included, each
query run once to warm up, then ``--rounds`` times; the two systems alternate rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import analyses  # noqa: E402
from search_latency import REPO  # noqa: E402

sys.path.insert(0, str(REPO))

from searchkit.bench import baselines, harness  # noqa: E402


def corpus(work: Path, n: int) -> Path:
    """The ``n`` articles as one JSON Lines file (written once)."""
    path = work / f"news-{n}.jsonl"
    if not path.exists():
        temp = path.with_suffix(".tmp")
        with temp.open("w", encoding="utf-8") as f:
            for article in analyses.make_news(n):
                f.write(json.dumps(article, ensure_ascii=False) + "\n")
        os.replace(temp, path)
    return path


def naive_index(work: Path, n: int, source: Path) -> Path:
    path = work / f"naive-{n}"
    if not (path / ".complete").exists():
        started = time.perf_counter()
        baselines.build_naive_whoosh([source], path)
        (path / ".complete").touch()
        print(f"built naive Whoosh's index of {n} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


class NoFeedbackRunner(harness.SearchkitRunner):
    """searchkit without feedback re-ranking (``ranking.FEEDBACK_DOCS = 0`` while it searches): what feedback costs."""

    def run(self, q):
        from searchkit import ranking

        kept, ranking.FEEDBACK_DOCS = ranking.FEEDBACK_DOCS, 0
        try:
            return super().run(q)
        finally:
            ranking.FEEDBACK_DOCS = kept


def latencies(indexes: dict[str, Path], queries, rounds: int) -> dict[str, dict[str, dict]]:
    """Per system and category, p50/p95/p99 ms; one warm-up pass, then the systems alternate rounds."""
    runners = {system: (NoFeedbackRunner if system == "no feedback" else harness.RUNNERS[system])(path)
               for system, path in indexes.items()}
    times: dict[str, dict[str, list[float]]] = {system: {} for system in runners}
    try:
        for runner in runners.values():
            for q in queries:
                runner.run(q)
        for _ in range(rounds):
            for system, runner in runners.items():
                for q in queries:
                    started = time.perf_counter()
                    runner.run(q)
                    times[system].setdefault(q.category, []).append((time.perf_counter() - started) * 1000)
    finally:
        for runner in runners.values():
            runner.close()
    return {system: {cat: {f"p{p}": harness.percentile(ts, p) for p in (50, 95, 99)} for cat, ts in by_cat.items()}
            for system, by_cat in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--work", type=Path, required=True, help="keep the corpora and indexes here, reused next time")
    parser.add_argument("--reuse", action="append", default=[], metavar="N=DIR",
                        help="a searchkit index of N articles already built by analyses.py")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--queries", type=int, default=20, help="queries per category")
    parser.add_argument("--categories", default=",".join(harness.CATEGORIES), help="comma-separated query categories")
    parser.add_argument("--harness", type=Path, metavar="WORK",
                        help="instead: the corpus and indexes a `python -m searchkit.bench run --size 10k --work WORK` left")
    parser.add_argument("--no-feedback", action="store_true", help="also time searchkit without feedback re-ranking")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    reuse = {int(n): Path(d) for n, _, d in (r.partition("=") for r in args.reuse)}
    sizes = [int(s) for s in args.sizes.split(",")] if not args.harness else [args.sizes]
    categories = [c for c in harness.CATEGORIES if c in args.categories.split(",")]
    results = {}
    for n in sizes:
        if args.harness:
            source = args.harness / f"corpus-{args.sizes}-jsonl-7"
            indexes = {system: args.harness / f"index-{args.sizes}-{system}" for system in ("searchkit", "naive")}
        else:
            source = corpus(args.work, n)
            indexes = {"searchkit": reuse.get(n) or analyses.build(args.work, n), "naive": naive_index(args.work, n, source)}
        if args.no_feedback:
            indexes["no feedback"] = indexes["searchkit"]
        if args.build_only:
            continue
        queries = [q for q in harness.make_queries([source], args.queries) if q.category in categories]
        results[n] = latencies(indexes, queries, args.rounds)
    if args.build_only:
        return
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}; ms p50 / p95 / p99; {args.rounds} rounds")
    for n, res in results.items():
        extra = "no feedback" in res
        print(f"\n{n} articles        searchkit                 naive   p95 ratio"
              + ("    no feedback    ratio" if extra else ""))
        for cat in categories:
            sk, nv = res["searchkit"][cat], res["naive"][cat]
            line = (f"  {cat:<11} {sk['p50']:7.1f} {sk['p95']:7.1f} {sk['p99']:7.1f}   {nv['p50']:7.1f} {nv['p95']:7.1f}"
                    f" {nv['p99']:7.1f}   {sk['p95'] / nv['p95']:5.2f}")
            if extra:
                nf = res["no feedback"][cat]
                line += f"   {nf['p50']:6.1f} {nf['p95']:6.1f}   {nf['p95'] / nv['p95']:5.2f}"
            print(line)
    if len(sizes) > 1:
        small, big = results[sizes[0]], results[sizes[-1]]
        print(f"\ngrowth of p95, {sizes[0]} -> {sizes[-1]} articles")
        for cat in categories:
            print(f"  {cat:<11} searchkit x{big['searchkit'][cat]['p95'] / small['searchkit'][cat]['p95']:5.2f}"
                  f"   naive x{big['naive'][cat]['p95'] / small['naive'][cat]['p95']:5.2f}")


if __name__ == "__main__":
    main()
