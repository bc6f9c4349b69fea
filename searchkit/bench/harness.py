"""Benchmark harness: measure searchkit against its baselines, in one run, and print the numbers.

Every indexing run happens in a fresh process, so its peak memory (RSS) is its
own; runs of the systems alternate, so a busy machine slows them alike. Results
are medians, and what counts are the ratios to naive Whoosh in the same run.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from . import baselines

SYSTEMS = ("searchkit", "naive", "fts5")  # also "serial": searchkit's pipeline in one process, as before issue 7
CATEGORIES = ("term", "and2", "and3", "phrase", "person", "daterange", "datesorted")


# ---------------------------------------------------------------- indexing


def build(system: str, sources: list[Path], out: Path, *, procs: int | None = None, schema: str = "current") -> int:
    """Build one system's index of ``sources`` at ``out``; returns the number of articles indexed."""
    if system == "serial":
        system, procs = "searchkit", 1
    if system == "searchkit":
        from ..writer import index_sources

        if schema == "proposed":
            from whoosh import index as whoosh_index

            from .proposals import proposed_schema

            out.mkdir(parents=True, exist_ok=True)
            whoosh_index.create_in(str(out), proposed_schema()).close()
        return index_sources(sources, out, procs=procs).indexed
    if system == "naive":
        return baselines.build_naive_whoosh(sources, out)
    if system == "fts5":
        return baselines.build_fts5(sources, out / "fts5.db")
    raise ValueError(f"unknown system {system!r}")


def index_in_child(system: str, sources: list[Path], out: Path, *, procs: int | None, schema: str) -> dict:
    """Run :func:`build` in a new process; its time, article count and peak RSS (MB)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "searchkit.bench", "_index", system, str(out), *map(str, sources),
           "--schema", schema] + (["--procs", str(procs)] if procs else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"indexing with {system} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def index_child_main(system: str, out: Path, sources: list[Path], procs: int | None, schema: str) -> None:
    """The child side of :func:`index_in_child`: build, then print one JSON line."""
    started = time.perf_counter()
    n = build(system, sources, out, procs=procs, schema=schema)
    seconds = time.perf_counter() - started
    per_mb = 2**20 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB elsewhere
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "seconds": seconds,
        "articles": n,
        # CPU time is what the work costs whatever else the machine is doing
        "cpu_seconds": me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime,
        "rss_main_mb": _peak_rss_mb() or me.ru_maxrss / per_mb,
        "rss_worker_mb": workers.ru_maxrss / per_mb,
    }))


def _peak_rss_mb() -> float | None:
    """This process's peak RSS since it started its program (Linux's VmHWM), or None where there is none.

    Not ``ru_maxrss``: Linux carries a process's peak over into the program it execs, and the
    harness starts each indexing run from its own process, large after searching an index:
    the third round's 207 MB "main" peak at 100k was the harness's, not the pipeline's 94.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


# ---------------------------------------------------------------- queries


@dataclass
class Query:
    """One benchmark query, in a form each system can run."""

    category: str
    words: list[str]  # required words (a phrase's words, for "phrase")
    person: str = ""  # a person's full name the article must mention
    start: date | None = None  # date range filter
    end: date | None = None


def make_queries(sources: list[Path], per_category: int, seed: int = 11) -> list[Query]:
    """Queries drawn from the corpus itself, so each has at least one hit and any corpus works."""
    from whoosh.analysis.filters import STOP_WORDS

    from ..people import extract_people
    from ..schema import STOPWORDS

    stop = STOP_WORDS | STOPWORDS  # words that neither naive Whoosh nor searchkit indexes

    rng = random.Random(seed)
    sample = []
    for doc in baselines.raw_articles(sources):
        if len(sample) < 2000:
            sample.append(doc)
        elif rng.random() < 0.05:
            sample[rng.randrange(2000)] = doc  # a spread over the corpus, not only its start
        if len(sample) >= 2000 and rng.random() < 0.001:
            break
    queries: list[Query] = []
    for cat in CATEGORIES:
        tries = 0
        made = 0
        while made < per_category and tries < per_category * 50:
            tries += 1
            doc = rng.choice(sample)
            tokens = re.findall(r"[A-Za-z]+", doc["body"])
            words = [w.lower() for w in tokens if len(w) >= 4 and w.lower() not in stop]
            if len(words) < 3:
                continue
            q = Query(cat, [])
            if cat == "phrase":
                i = rng.randrange(max(1, len(tokens) - 3))
                q.words = [w.lower() for w in tokens[i:i + 3]]
                if len(q.words) < 3 or any(w in stop for w in (q.words[0], q.words[-1])):
                    continue
            else:
                q.words = rng.sample(words, {"and2": 2, "and3": 3}.get(cat, 1))
            if cat == "person":
                people = extract_people(doc["body"])
                if not people:
                    continue
                q.person = rng.choice(people)
            if cat == "daterange":
                if not doc["date"]:
                    continue
                d = doc["date"].date()
                q.start, q.end = d - timedelta(days=rng.randint(30, 365)), d + timedelta(days=rng.randint(30, 365))
            queries.append(q)
            made += 1
    return queries


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


class SearchkitRunner:
    """Searches with searchkit's :meth:`Index.search` (snippets included); filters and date
    order through its own ``people``, ``since``, ``until`` and ``sort`` options."""

    def __init__(self, index_dir: Path):
        from ..index import Index

        self.index = Index.open(index_dir)

    def text(self, q: Query) -> str:
        return f'"{" ".join(q.words)}"' if q.category == "phrase" else " ".join(q.words)

    def run(self, q: Query) -> int:
        options: dict = {"people": [q.person]} if q.person else {}
        if q.category == "daterange":
            options.update(since=q.start, until=q.end)
        if q.category == "datesorted":
            options["sort"] = "newest"
        return len(self.index.search(self.text(q), limit=10, **options).hits)

    def close(self):
        self.index.close()


class NaiveRunner:
    """Searches naive Whoosh the way its documentation shows, with its own highlighter for snippets."""

    def __init__(self, index_dir: Path):
        from whoosh import index as whoosh_index
        from whoosh import qparser

        self.ix = whoosh_index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "body"], self.ix.schema, group=qparser.AndGroup)

    def run(self, q: Query) -> int:
        from whoosh.query import DateRange

        text = f'"{" ".join(q.words)}"' if q.category == "phrase" else " ".join(q.words)
        if q.person:
            text += f' "{q.person}"'
        options: dict = {}
        if q.category == "daterange":
            options["filter"] = DateRange("date", _dt(q.start), _dt(q.end))
        if q.category == "datesorted":
            options.update(sortedby="date", reverse=True)
        hits = self.searcher.search(self.parser.parse(text), limit=10, **options)
        for hit in hits:
            hit.highlights("body")
        return len(hits)

    def close(self):
        self.searcher.close()
        self.ix.close()


class Fts5Runner:
    """Searches the FTS5 table with its ``snippet()`` function."""

    def __init__(self, index_dir: Path):
        self.con = sqlite3.connect(index_dir / "fts5.db")

    def run(self, q: Query) -> int:
        match = f'"{" ".join(q.words)}"' if q.category == "phrase" else " AND ".join(f'"{w}"' for w in q.words)
        if q.person:
            match += f' AND "{q.person}"'
        sql = "SELECT title, snippet(news, 1, '[', ']', '…', 24) FROM news WHERE news MATCH ?"
        args: list = [match]
        if q.category == "daterange":
            sql += " AND date BETWEEN ? AND ?"
            args += [q.start.isoformat(), q.end.isoformat()]
        sql += " ORDER BY date DESC" if q.category == "datesorted" else " ORDER BY rank"
        return len(self.con.execute(sql + " LIMIT 10", args).fetchall())

    def close(self):
        self.con.close()


RUNNERS = {"searchkit": SearchkitRunner, "serial": SearchkitRunner, "naive": NaiveRunner, "fts5": Fts5Runner}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def query_latencies(system: str, index_dir: Path, queries: list[Query], rounds: int) -> dict[str, dict]:
    """p50/p95/p99 latency (ms) per query category; every query is run once to warm up, then ``rounds`` times."""
    runner = RUNNERS[system](index_dir)
    try:
        for q in queries:
            runner.run(q)
        times: dict[str, list[float]] = {}
        for _ in range(rounds):
            for q in queries:
                started = time.perf_counter()
                runner.run(q)
                times.setdefault(q.category, []).append((time.perf_counter() - started) * 1000)
    finally:
        runner.close()
    return {cat: {f"p{p}": percentile(ts, p) for p in (50, 95, 99)} for cat, ts in times.items()}


# ---------------------------------------------------------------- the command line


def _searchkit_command() -> list[str]:
    script = Path(sys.executable).with_name("searchkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "searchkit.cli"]


def cli_wall(args: list[str], repeat: int) -> float:
    """Median wall time (s) of ``searchkit ARGS`` in a new process."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(_searchkit_command() + args, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# ---------------------------------------------------------------- one benchmark run


@dataclass
class Run:
    """Everything measured for one corpus."""

    label: str
    articles: int = 0
    megabytes: float = 0.0
    indexing: dict = field(default_factory=dict)  # system -> list of child results
    index_mb: dict = field(default_factory=dict)
    queries: dict = field(default_factory=dict)  # system -> category -> percentiles
    cli: dict = field(default_factory=dict)

    def median(self, system: str, key: str) -> float:
        return statistics.median(r[key] for r in self.indexing[system])

    def throughput(self, system: str) -> float:
        return self.articles / self.median(system, "seconds")

    def to_dict(self) -> dict:
        return {"label": self.label, "articles": self.articles, "megabytes": self.megabytes,
                "indexing": self.indexing, "index_mb": self.index_mb, "queries": self.queries, "cli": self.cli}


def measure(label: str, sources: list[Path], work: Path, *, systems=SYSTEMS, repeat: int = 3,
            per_category: int = 20, rounds: int = 3, procs: int | None = None, schema: str = "current",
            cli: bool = True, log=print) -> Run:
    """Index ``sources`` with every system ``repeat`` times (alternating), then time queries and the CLI."""
    run = Run(label)
    run.megabytes = sum(p.stat().st_size for s in sources for p in ([s] if s.is_file() else s.rglob("*"))
                        if p.is_file()) / 2**20
    for i in range(repeat):
        for system in systems:
            out = work / f"index-{label}-{system}"
            result = index_in_child(system, sources, out, procs=procs, schema=schema)
            run.indexing.setdefault(system, []).append(result)
            log(f"  [{label}] {system} indexing run {i + 1}/{repeat}: {result['seconds']:.1f} s, "
                f"{result['articles']} articles")
    run.articles = run.indexing[systems[0]][0]["articles"]
    queries = make_queries(sources, per_category)
    for system in systems:
        out = work / f"index-{label}-{system}"
        run.index_mb[system] = folder_mb(out)
        run.queries[system] = query_latencies(system, out, queries, rounds)
        log(f"  [{label}] {system} queries timed")
    if cli and "searchkit" in systems:
        out = work / f"index-{label}-searchkit"
        term = next(q.words[0] for q in queries if q.category == "term")
        run.cli = {"search_s": cli_wall(["search", term, "--index", str(out)], max(repeat, 5)),
                   "help_s": cli_wall(["--help"], max(repeat, 5))}
    return run


def report(runs: list[Run], procs: int | None) -> str:
    """The numbers of ``runs`` as plain-text tables, with the ratios the targets are stated in."""
    out: list[str] = [f"searchkit benchmark - {os.cpu_count()} cores, {procs or os.cpu_count()} worker processes"]
    for run in runs:
        systems = list(run.indexing)
        out += ["", f"== {run.label}: {run.articles} articles, {run.megabytes:.1f} MB of input", "",
                "Indexing (median of runs)   articles/s      MB/s   CPU ms/article   peak RSS main/worker MB   index MB"]
        for s in systems:
            out.append(f"  {s:<24} {run.throughput(s):>10.0f} {run.megabytes / run.median(s, 'seconds'):>9.2f}"
                       f" {run.median(s, 'cpu_seconds') * 1000 / run.articles:>16.2f}"
                       f"   {run.median(s, 'rss_main_mb'):>10.0f} / {run.median(s, 'rss_worker_mb'):<10.0f}"
                       f"  {run.index_mb.get(s, 0):>9.1f}")
        if "naive" in systems and "searchkit" in systems:
            out.append(f"  searchkit whole pipeline / naive Whoosh throughput: "
                       f"{run.throughput('searchkit') / run.throughput('naive'):.2f}x  (target >= 2x)")
        if "serial" in systems and "searchkit" in systems:
            out.append(f"  searchkit parallel / serial (before) throughput: "
                       f"{run.throughput('searchkit') / run.throughput('serial'):.2f}x, CPU per article "
                       f"{run.median('searchkit', 'cpu_seconds') / run.median('serial', 'cpu_seconds'):.2f}x")
        out += ["", "Query latency ms (p50 / p95 / p99), snippets included"]
        out.append("  " + f"{'':<12}" + "".join(f"{s:>26}" for s in systems)
                   + ("   p95 searchkit/naive" if "naive" in systems and "searchkit" in systems else ""))
        for cat in CATEGORIES:
            if cat not in run.queries.get(systems[0], {}):
                continue
            row = "  " + f"{cat:<12}" + "".join(
                "{p50:>8.1f} {p95:>8.1f} {p99:>8.1f}".format(**run.queries[s][cat]) for s in systems)
            if "naive" in systems and "searchkit" in systems:
                row += f"   {run.queries['searchkit'][cat]['p95'] / run.queries['naive'][cat]['p95']:>8.2f}x"
            out.append(row)
        if run.cli:
            out += ["", f"CLI, new process (median): one search {run.cli['search_s']:.3f} s (target <= 0.5 s at 100k);"
                        f" --help {run.cli['help_s']:.3f} s (target <= 0.3 s)"]
    if len(runs) > 1 and all("searchkit" in r.indexing for r in runs):
        small, big = runs[0], runs[-1]
        scale = big.articles / small.articles
        out += ["", f"Growth {small.label} -> {big.label} ({scale:.1f}x the articles)"]
        for s in small.indexing:
            if s in big.indexing:
                t = big.median(s, "seconds") / small.median(s, "seconds")
                p95 = max(big.queries[s][c]["p95"] / small.queries[s][c]["p95"] for c in big.queries[s])
                out.append(f"  {s:<10} indexing time x{t:.2f}   worst query p95 x{p95:.2f}"
                           f"   peak RSS main {small.median(s, 'rss_main_mb'):.0f} -> {big.median(s, 'rss_main_mb'):.0f} MB,"
                           f" worker {small.median(s, 'rss_worker_mb'):.0f} -> {big.median(s, 'rss_worker_mb'):.0f} MB")
    return "\n".join(out)
