"""Timeline, people, similar, terms and did-you-mean on a large index, against baselines in one process.

    python benchmarks/analyses.py [--articles 100000] [--rounds 5] [--work /tmp/analyses-bench]

The articles are those of ``search_latency.py`` (sentences of the bundled corpus
reshuffled, with dates over ten years and rare invented words), with people drawn
from a pool of 20,000 invented names, the famous few far more often (Zipf), and
named in the body. The index is built once in ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_latency import REPO, make_articles  # noqa: E402

sys.path.insert(0, str(REPO))

from searchkit import Index  # noqa: E402

PEOPLE = 20_000
SEED = 3


def invented_people(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct invented full names."""
    syllables = "an bo ce da el fi go ha ir ju ka le mo na or pe ri sa tu va xe yo za".split()
    firsts = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title() for _ in range(600)})
    names: dict[str, None] = {}
    while len(names) < n:
        last = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 4))).title()
        names[f"{rng.choice(firsts)} {last}"] = None
    return list(names)


def make_news(n: int, seed: int = SEED):
    """search_latency's articles with 0-4 people each, drawn Zipf-like from PEOPLE invented names."""
    rng = random.Random(seed)
    pool = invented_people(rng, PEOPLE)
    cum = list(itertools.accumulate(1.0 / r for r in range(1, PEOPLE + 1)))
    for article, _ in make_articles(n, seed):
        people = list(dict.fromkeys(pool[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4)))))
        article["people"] = people
        article["body"] += "".join(f" {name} said so." for name in people)
        yield article

def build(work: Path, n: int) -> Path:
    path = work / f"analyses-{n}"
    if not Index.exists(path):
        started = time.perf_counter()
        with Index.create(path) as index:
            index.add(make_news(n))
        print(f"built an index of {n} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


# ---- baselines: the same answers from every matching stored article, as code on top of search would


def stored_records(index: Index, query: str | None, filters: dict) -> list[dict]:
    with index._selected(query, filters) as selection:
        return [selection.searcher.stored_fields(d)["record"] for d in selection.all_docnums()]


def naive_timeline(index: Index, query: str | None, filters: dict) -> dict[str, int]:
    return dict(Counter(r["date"][:7] for r in stored_records(index, query, filters) if r.get("date")))


def naive_people(index: Index, query: str | None, filters: dict) -> list[tuple[str, int]]:
    counts = Counter(p for r in stored_records(index, query, filters) for p in r.get("people") or ())
    return sorted(counts.items(), key=lambda nc: (-nc[1], nc[0]))[:10]


def whoosh_more_like(index: Index, id: str) -> list[str]:
    with index._searchers.lease() as s:
        docnum = s.document_number(id=id)
        body = s.stored_fields(docnum)["record"]["body"]
        return [hit["record"]["id"] for hit in s.more_like(docnum, "body", text=body, top=10, numterms=25)]


def timed(rounds: int, fn) -> tuple[list[float], object]:
    times, answer = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        answer = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, answer


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def cases(index: Index, rare: str) -> list[tuple]:
    """(analysis, case, what it runs, baseline's name, baseline, what of the answer the baseline gives too)."""
    stats = index.stats(top_people=1)
    famous = stats.people[0][0]
    surname = famous.split()[-1]
    typo = surname[0] + surname[2] + surname[1] + surname[3:]  # two letters swapped
    some_id = index.search("minister", limit=1, suggest=False).hits[0].id
    other_id = index.search(surname, limit=1, suggest=False).hits[0].id
    year = {"since": "2019", "until": "2019"}
    out = []
    for label, query, filters in (
        ("all articles", None, {}),
        ("common word", "government", {}),
        ("rare word", rare, {}),
        (f"person {surname}", None, {"people": [surname]}),
        ("two words, one year", "flood defence", year),
    ):
        out.append(("timeline", label, lambda q=query, f=filters: index.timeline(q, by="month", **f),
                    "stored records", lambda q=query, f=filters: naive_timeline(index, q, f),
                    lambda t: {p.label: p.count for p in t.periods if p.count}))
        out.append(("people", label, lambda q=query, f=filters: index.top_people(q, **f),
                    "stored records", lambda q=query, f=filters: naive_people(index, q, f),
                    lambda c: c.people))
        if query or filters:
            out.append(("terms", label, lambda q=query, f=filters: index.terms(q, top=15, **f),
                        "search, 10 hits", lambda q=query or "said", f=filters: index.search(q, **f), None))
    out.append(("people --with", surname, lambda: index.top_people(alongside=surname), "search, 10 hits",
                lambda: index.search(f"people:{surname}"), None))
    for id in (some_id, other_id):
        out.append(("similar", id, lambda i=id: index.similar(i), "Whoosh more_like",
                    lambda i=id: whoosh_more_like(index, i), None))
    for label, query in (("typo of a surname", typo), ("typo of a word", "goverment"), ("two words, one typo", "flood defense")):
        out.append(("did-you-mean", label, lambda q=query: index.search(q), "search without",
                    lambda q=query: index.search(q, suggest=False), None))
    return out


def cli_times(path: Path, rounds: int, rare: str, surname: str, some_id: str) -> None:
    """Each command run as a user runs it (a new process opening the index), against `searchkit search`."""
    exe = [sys.executable, "-m", "searchkit.cli"]
    commands = [
        ("search government", ["search", "government"]),
        ("timeline", ["timeline", "--width", "80"]),
        ("timeline government", ["timeline", "government", "--width", "80"]),
        ("people", ["people"]),
        ("people government", ["people", "government"]),
        (f"people --with {surname}", ["people", "--with", surname]),
        (f"similar {some_id}", ["similar", some_id]),
        ("terms government", ["terms", "government"]),
        (f"terms {rare}", ["terms", rare]),
        ("search goverment (typo)", ["search", "goverment"]),
    ]
    print(f"\ncommand line, {rounds} runs each, wall-clock ms (new process each time); ratio = command / search")
    base = None
    for label, args in commands:
        times, _ = timed(rounds, lambda a=args: subprocess.run(
            exe + a + ["--index", str(path)], check=True, capture_output=True, cwd=REPO))
        p50 = statistics.median(times)
        base = base or p50
        print(f"{label:<34}{p50:>9.0f}{percentile(times, 95):>9.0f}{p50 / base:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, help="keep the index here and reuse it next time")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the commands")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="analyses-"))
    path = build(work, args.articles)
    rare = next(make_articles(args.articles, SEED))[1][0]  # an invented word in about 60 articles
    with Index.open(path) as index:
        print(f"{len(index)} articles; {args.rounds} rounds, medians and p95 in ms; ratio = analysis / baseline")
        print(f"{'analysis':<14}{'case':<22}{'size':>8}{'p50':>9}{'p95':>9}  {'baseline':<16}{'p50':>9}{'ratio':>7}")
        for analysis, label, run, base_name, base, agree in cases(index, rare):
            run()  # warm up: the first call opens the searcher and reads the lexicon
            times, answer = timed(args.rounds, run)
            base_times, base_answer = timed(max(1, min(args.rounds, 3)), base)
            if agree is not None:
                assert agree(answer) == base_answer, f"{analysis} {label}: the answers differ"
            size = getattr(answer, "total", None) or getattr(answer, "articles", None) or len(getattr(answer, "hits", []))
            note = f" -> {answer.suggestion}" if analysis == "did-you-mean" else ""
            p50, b50 = statistics.median(times), statistics.median(base_times)
            print(f"{analysis:<14}{label:<22}{size:>8}{p50:>9.1f}{percentile(times, 95):>9.1f}  "
                  f"{base_name:<16}{b50:>9.1f}{p50 / b50:>7.2f}{note}")
        surname = index.stats(top_people=1).people[0][0].split()[-1]
        some_id = index.search("minister", limit=1, suggest=False).hits[0].id
    if not args.no_cli:
        cli_times(path, args.rounds, rare, surname, some_id)


if __name__ == "__main__":
    main()


