"""Search latency of searchkit against naive Whoosh, in one process, snippets included.

    python benchmarks/search_latency.py [--articles 5000] [--rounds 7] [--work DIR]

Articles are made up from the sentences of the bundled corpus, reshuffled, plus
a few rare invented words each, with dates and people, so that both common and
rare words can be searched. The same articles go into a searchkit index and into
a naive Whoosh index (StemmingAnalyzer on title and body, both stored, and a
sortable date), searched with Whoosh's own parser (all words required), one
searcher kept open, and ``hit.highlights("body")`` for snippets. Each query runs
``--rounds`` times, alternating the two engines. Prints p50 and p95 per query
kind and overall, and the ratio searchkit / naive. ``--work`` keeps the indexes
there for the next run.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from searchkit import Index, read_articles  # noqa: E402

# (kind, searchkit query, naive Whoosh query, searchkit options)
QUERIES = [
    ("common word", "harrowmouth", "harrowmouth", {}),
    ("rare word", "{rare}", "{rare}", {}),
    ("two words", "flood defence", "flood defence", {}),
    ("three words", "minister said government", "minister said government", {}),
    ("phrase", '"flood defence plan"', '"flood defence plan"', {}),
    # Exact phrases keep stopwords; naive Whoosh drops "the" and matches "sea wall" anywhere.
    ("phrase+the", '"the sea wall"', '"the sea wall"', {}),
    ("prefix", "harrow*", "harrow*", {}),
    ("fuzzy", "harrowmuth~", "harrowmuth~", {}),
    ("filtered", "storm", "storm date:[20200101 TO 20211231]", {"since": "2020", "until": "2021", "people": ["{person}"]}),
    ("newest", "strike", "strike", {"sort": "newest"}),
]


def make_articles(n: int, seed: int = 1):
    corpus = list(read_articles(REPO / "corpus"))
    sentences = [s for a in corpus for s in re.split(r"(?<=[.!?])\s+", a.body) if len(s) > 30]
    people = sorted({p for a in corpus for p in a.people})
    rng = random.Random(seed)
    syllables = "ka lo mi ren tas vor bel din gra sul hem pyr".split()
    rare = ["".join(rng.choice(syllables) for _ in range(4)) for _ in range(max(50, n // 20))]
    for i in range(n):
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(6, 30)))
        body += " " + " ".join(rng.sample(rare, 3)) + "."
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        yield {
            "id": f"a{i}",
            "title": rng.choice(sentences)[:90],
            "body": body,
            "date": day.isoformat() if rng.random() > 0.05 else None,
            "people": rng.sample(people, rng.randint(0, 3)),
        }, rare


def naive_index(path: Path, articles):
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(
        title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=fields.DATETIME(sortable=True),
    )
    ix = index.create_in(str(path), schema)
    writer = ix.writer()
    for a in articles:
        doc = {"title": a["title"], "body": a["body"]}
        if a["date"]:
            doc["date"] = datetime.fromisoformat(a["date"])
        writer.add_document(**doc)
    writer.commit()
    return ix


def build(work: Path, n: int):
    made = list(make_articles(n))
    articles, rare = [a for a, _ in made], made[0][1]
    sk_path, naive_path = work / f"searchkit-{n}", work / f"naive-{n}"
    if not (Index.exists(sk_path) and naive_path.exists()):
        started = time.perf_counter()
        with Index.create(sk_path) as index:
            index.add(articles)
        naive_path.mkdir(parents=True, exist_ok=True)
        naive_index(naive_path, articles).close()
        print(f"built both indexes of {n} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    person = next(p for a in articles for p in a["people"])
    return sk_path, naive_path, rare[0], person.split()[-1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep the indexes here and reuse them next time")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="search-latency-"))
    sk_path, naive_path, rare, person = build(work, args.articles)

    from whoosh import index as whoosh_index
    from whoosh import qparser

    naive_ix = whoosh_index.open_dir(str(naive_path))
    naive_parser = qparser.QueryParser("body", naive_ix.schema, group=qparser.AndGroup)
    naive_parser.add_plugin(qparser.MultifieldPlugin(["title", "body"]))
    naive_parser.add_plugin(qparser.FuzzyTermPlugin())
    naive_searcher = naive_ix.searcher()

    def run_naive(text: str, sort: bool) -> int:
        q = naive_parser.parse(text)
        results = naive_searcher.search(q, limit=10, sortedby="date" if sort else None, reverse=sort)
        [(hit["title"], hit.highlights("body")) for hit in results]
        return len(results)

    index = Index.open(sk_path)
    times: dict[str, dict[str, list[float]]] = {}
    counts = {}
    for round_ in range(args.rounds + 1):  # round 0 warms both up and is not counted
        for kind, sk_query, naive_query, options in QUERIES:
            sk_query = sk_query.format(rare=rare)
            options = {k: [x.format(person=person) for x in v] if isinstance(v, list) else v for k, v in options.items()}
            row = times.setdefault(kind, {"searchkit": [], "naive": []})
            started = time.perf_counter()
            results = index.search(sk_query, **options)
            elapsed = (time.perf_counter() - started) * 1000
            counts[kind] = results.total
            if round_:
                row["searchkit"].append(elapsed)
            if naive_query is not None:
                started = time.perf_counter()
                run_naive(naive_query.format(rare=rare), options.get("sort") == "newest")
                if round_:
                    row["naive"].append((time.perf_counter() - started) * 1000)

    print(f"{args.articles} articles, {args.rounds} rounds; milliseconds; ratio = searchkit / naive Whoosh")
    print(f"{'query':<13}{'hits':>7}{'sk p50':>9}{'sk p95':>9}{'naive p50':>11}{'naive p95':>11}{'p50 ratio':>11}")
    every = {"searchkit": [], "naive": []}
    for kind, row in times.items():
        sk, nv = row["searchkit"], row["naive"]
        line = f"{kind:<13}{counts[kind]:>7}{statistics.median(sk):>9.1f}{percentile(sk, 95):>9.1f}"
        if nv:
            every["searchkit"] += sk
            every["naive"] += nv
            line += f"{statistics.median(nv):>11.1f}{percentile(nv, 95):>11.1f}"
            line += f"{statistics.median(sk) / statistics.median(nv):>11.2f}"
        print(line)
    sk, nv = every["searchkit"], every["naive"]
    print(
        f"{'all (paired)':<20}{statistics.median(sk):>9.1f}{percentile(sk, 95):>9.1f}"
        f"{statistics.median(nv):>11.1f}{percentile(nv, 95):>11.1f}"
        f"   p95 ratio {percentile(sk, 95) / percentile(nv, 95):.2f}"
    )
    index.close()
    naive_searcher.close()


if __name__ == "__main__":
    main()
