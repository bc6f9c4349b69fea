"""Before and after: run the same benchmark on several checkouts of searchkit, each in its own process.

    git worktree add /tmp/before <commit>
    python benchmarks/compare_checkouts.py index-cpu CORPUS /tmp/before . [--rounds 3] [--procs 1]
    python benchmarks/compare_checkouts.py queries CORPUS /tmp/before=INDEX1 .=INDEX2 [--naive INDEX3]

``index-cpu`` indexes CORPUS (files or a folder) with each checkout's pipeline and reports the
median CPU seconds (the process and its workers), wall seconds and the largest peak RSS. ``queries`` times the
harness's queries (``searchkit.bench.harness``: every category, snippets included) on an index
built by that checkout, and on a naive Whoosh index if given. Checkouts alternate, round by
round, so a busy machine slows them alike. Each child imports searchkit from its checkout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

_INDEX = """
import json, resource, shutil, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from searchkit.writer import index_sources
out = Path(tempfile.mkdtemp(prefix="compare-"))
started, wall = time.process_time(), time.perf_counter()
n = index_sources([Path(sys.argv[2])], out / "idx", procs=int(sys.argv[3])).indexed
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu": time.process_time() - started + workers.ru_utime + workers.ru_stime,
                  "wall": time.perf_counter() - wall, "articles": n,
                  "rss_mb": [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, workers.ru_maxrss // 1024]}))
shutil.rmtree(out)
"""

_QUERIES = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from searchkit.bench import harness
queries = harness.make_queries([Path(sys.argv[3])], 20)
print(json.dumps(harness.query_latencies(sys.argv[4], Path(sys.argv[2]), queries, int(sys.argv[5]))))
"""


def _child(code: str, *args) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def index_cpu(corpus: Path, checkouts: list[str], rounds: int, procs: int) -> None:
    runs: dict[str, list[dict]] = {c: [] for c in checkouts}
    for _ in range(rounds):
        for checkout in checkouts:
            runs[checkout].append(_child(_INDEX, Path(checkout).resolve(), corpus, procs))
    base = statistics.median(r["cpu"] for r in runs[checkouts[0]])
    for checkout, results in runs.items():
        cpu = statistics.median(r["cpu"] for r in results)
        wall = statistics.median(r["wall"] for r in results)
        rss = [max(r["rss_mb"][k] for r in results) for k in (0, 1)]
        print(f"{checkout:<40} CPU {cpu:8.2f} s ({cpu / base:.3f}x the first)   wall {wall:8.2f} s"
              f"   peak RSS main {rss[0]} MB, worker {rss[1]} MB   {results[0]['articles']} articles")


def queries(corpus: Path, pairs: list[str], naive: Path | None, rounds: int) -> None:
    systems = [(pair.split("=", 1)[0], "searchkit", Path(pair.split("=", 1)[1])) for pair in pairs]
    if naive is not None:
        systems.append((".", "naive", naive))
    p95: dict[int, dict[str, list[float]]] = {i: {} for i in range(len(systems))}
    for _ in range(rounds):
        for i, (checkout, system, index) in enumerate(systems):
            for category, found in _child(_QUERIES, Path(checkout).resolve(), index, corpus, system, 3).items():
                p95[i].setdefault(category, []).append(found["p95"])
    categories = list(p95[0])
    print(f"{'p95 ms (median of rounds)':<40}" + "".join(f"{c:>11}" for c in categories))
    for i, (checkout, system, index) in enumerate(systems):
        row = {c: statistics.median(p95[i][c]) for c in categories}
        print(f"{system + ' ' + checkout:<40}" + "".join(f"{row[c]:>11.1f}" for c in categories))
        if naive is not None and system != "naive":
            last = len(systems) - 1
            print(f"{'  / naive Whoosh':<40}" + "".join(
                f"{row[c] / statistics.median(p95[last][c]):>10.2f}x" for c in categories))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cpu = sub.add_parser("index-cpu")
    cpu.add_argument("corpus", type=Path)
    cpu.add_argument("checkouts", nargs="+")
    cpu.add_argument("--rounds", type=int, default=3)
    cpu.add_argument("--procs", type=int, default=1, help="worker processes (1: the whole pipeline in one process)")
    q = sub.add_parser("queries")
    q.add_argument("corpus", type=Path)
    q.add_argument("pairs", nargs="+", help="CHECKOUT=INDEX: an index that checkout built")
    q.add_argument("--naive", type=Path, help="a naive Whoosh index of the same corpus (the harness's)")
    q.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.command == "index-cpu":
        index_cpu(args.corpus, args.checkouts, args.rounds, args.procs)
    else:
        queries(args.corpus, args.pairs, args.naive, args.rounds)


if __name__ == "__main__":
    main()
