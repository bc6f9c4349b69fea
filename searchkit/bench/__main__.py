"""``python -m searchkit.bench``: generate a synthetic corpus, or benchmark searchkit against its baselines.

    python -m searchkit.bench run --size 10k                 # synthetic corpus, all systems
    python -m searchkit.bench run --size 10k,100k            # two sizes in one run: growth ratios too
    python -m searchkit.bench run --corpus ~/news            # a real corpus (files or folders)
    python -m searchkit.bench generate --size 100k --out /tmp/news-100k --format text
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .synth import SIZES, write_corpus


def _size(text: str) -> int:
    text = text.lower()
    return SIZES[text] if text in SIZES else int(text)


def _synthetic(work: Path, size: str, format: str, seed: int) -> list[Path]:
    """The synthetic corpus of ``size`` in ``work``, generated once and reused by later runs."""
    folder = work / f"corpus-{size}-{format}-{seed}"
    done = folder / ".complete"
    if not done.exists():
        print(f"generating {size} synthetic articles ({format}) in {folder}/ ...", file=sys.stderr)
        write_corpus(folder, _size(size), format=format, seed=seed)
        done.touch()
    return [folder]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m searchkit.bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write a synthetic news corpus")
    gen.add_argument("--size", default="10k", help="tiny, 10k, 100k, 1m, or a number of articles")
    gen.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--out", type=Path, required=True)

    run = sub.add_parser("run", help="benchmark indexing, queries and the CLI")
    run.add_argument("--size", default="10k", help="synthetic sizes, comma-separated (e.g. 10k,100k)")
    run.add_argument("--corpus", type=Path, nargs="+", help="benchmark these files or folders instead")
    run.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    run.add_argument("--seed", type=int, default=7)
    run.add_argument("--work", type=Path, help="folder for corpora and indexes (default: a new temporary one)")
    run.add_argument("--systems", default="searchkit,naive,fts5", help="comma-separated: searchkit, naive, fts5")
    run.add_argument("--repeat", type=int, default=3, help="indexing runs per system (the median is reported)")
    run.add_argument("--queries", type=int, default=20, help="queries per category")
    run.add_argument("--rounds", type=int, default=3, help="timed passes over the queries")
    run.add_argument("--procs", type=int, help="searchkit worker processes (default: one per core)")
    run.add_argument("--schema", choices=("current", "proposed"), default="current",
                     help="searchkit's schema, or the variant in searchkit.bench.proposals (no positions in stemmed fields)")
    run.add_argument("--no-cli", action="store_true", help="skip timing the command line")
    run.add_argument("--json", type=Path, help="also write every measurement to this file")

    child = sub.add_parser("_index")  # internal: one indexing run, in its own process
    child.add_argument("system")
    child.add_argument("out", type=Path)
    child.add_argument("sources", type=Path, nargs="+")
    child.add_argument("--procs", type=int)
    child.add_argument("--schema", default="current")

    args = parser.parse_args(argv)
    if args.command == "generate":
        paths = write_corpus(args.out, _size(args.size), format=args.format, seed=args.seed)
        print(f"wrote {_size(args.size)} articles in {len(paths)} files under {args.out}/")
        return
    from . import harness

    if args.command == "_index":
        harness.index_child_main(args.system, args.out, args.sources, args.procs, args.schema)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="searchkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    systems = tuple(s for s in args.systems.split(",") if s)
    if args.corpus:
        corpora = [("corpus", args.corpus)]
    else:
        corpora = [(size, _synthetic(work, size, args.format, args.seed)) for size in args.size.split(",")]
    runs = []
    for label, sources in corpora:
        runs.append(harness.measure(
            label, sources, work, systems=systems, repeat=args.repeat, per_category=args.queries,
            rounds=args.rounds, procs=args.procs, schema=args.schema, cli=not args.no_cli,
            log=lambda line: print(line, file=sys.stderr, flush=True),
        ))
    print(harness.report(runs, args.procs))
    if args.json:
        args.json.write_text(json.dumps([r.to_dict() for r in runs], indent=1))
    if not args.work:
        print(f"(indexes and corpora are in {work}/; delete it when done)", file=sys.stderr)


if __name__ == "__main__":
    main()
