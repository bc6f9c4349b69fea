"""Relevance steps: what each ranking default does on the test collections, and what feedback costs.

    python benchmarks/relevance.py [EVAL_DIR] [--sensitivity | --quick]

EVAL_DIR holds cranfield/ and medline/ (docs.jsonl, queries.tsv, qrels.txt); default
../shared/eval beside the repository. Prints MAP and nDCG@10 on both collections for
each change in the order RELEVANCE.md lists them (each row keeps the rows above it),
then the median time of a 10-hit search with and without feedback. ``--sensitivity``
adds rows that move one setting away from the defaults; ``--quick`` prints only the
defaults' row and the times.
"""

from __future__ import annotations

import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from whoosh.analysis import STOP_WORDS

from searchkit import evaluate, ranking, schema

COLLECTIONS = ("cranfield", "medline")
DEFAULTS = {
    (schema, "STOPWORDS"): schema.STOPWORDS,
    (schema, "TITLE_BOOST"): schema.TITLE_BOOST,
    **{(ranking, name): getattr(ranking, name) for name in (
        "B", "K1", "MAX_REQUIRED_WORDS", "RERANK_DEPTH", "FEEDBACK_DOCS", "FEEDBACK_WORDS", "FEEDBACK_WEIGHT",
        "FEEDBACK_LEAD_CHARS", "FEEDBACK_SCORE_POWER")},
}
NO_FEEDBACK = {(ranking, "FEEDBACK_DOCS"): 0}
STEPS = [
    ("any-word ranking for sentences and as fallback (skeleton analyzer)",
     {(schema, "STOPWORDS"): STOP_WORDS, (schema, "TITLE_BOOST"): 2.0, **NO_FEEDBACK}),
    ("+ Snowball stopwords, keeping who/us/may", {(schema, "TITLE_BOOST"): 2.0, **NO_FEEDBACK}),
    ("+ title words count like body words", NO_FEEDBACK),
    ("+ feedback: top 200 re-scored with words from the top 10 whole articles",
     {(ranking, "FEEDBACK_LEAD_CHARS"): 10**9, (ranking, "FEEDBACK_SCORE_POWER"): 0}),
    ("+ feedback reads titles and leads only", {(ranking, "FEEDBACK_SCORE_POWER"): 0}),
    ("+ feedback articles weighted by score (the defaults)", {}),
]
SENSITIVITY = [
    (f"defaults but {module.__name__.rsplit('.', 1)[-1]}.{name} = {value}", {(module, name): value})
    for module, name, value in [
        (ranking, "B", 0.4), (ranking, "B", 0.9), (ranking, "K1", 0.9), (ranking, "K1", 1.6),
        (ranking, "RERANK_DEPTH", 100), (ranking, "RERANK_DEPTH", 1000),
        (ranking, "FEEDBACK_DOCS", 5), (ranking, "FEEDBACK_DOCS", 20),
        (ranking, "FEEDBACK_WORDS", 10), (ranking, "FEEDBACK_WORDS", 40),
        (ranking, "FEEDBACK_WEIGHT", 0.5), (ranking, "FEEDBACK_WEIGHT", 2.0),
        (ranking, "FEEDBACK_SCORE_POWER", 1), (ranking, "FEEDBACK_SCORE_POWER", 6),
        (ranking, "MAX_REQUIRED_WORDS", 2), (ranking, "MAX_REQUIRED_WORDS", 4), (ranking, "MAX_REQUIRED_WORDS", 8),
        (schema, "TITLE_BOOST", 0.5),
    ]
]


def _apply(settings: dict) -> None:
    for (module, name), value in {**DEFAULTS, **settings}.items():
        setattr(module, name, value)


def main(argv: list[str]) -> None:
    here = Path(__file__).resolve().parents[1]
    args = [a for a in argv if not a.startswith("--")]
    eval_dir = Path(args[0]) if args else here.parent / "shared" / "eval"
    steps = STEPS[-1:] if "--quick" in argv else STEPS + (SENSITIVITY if "--sensitivity" in argv else [])
    data = {c: (evaluate.read_queries(eval_dir / c / "queries.tsv"), evaluate.read_qrels(eval_dir / c / "qrels.txt"))
            for c in COLLECTIONS}
    print(f"{'change':<72} " + "  ".join(f"{c[:4]} MAP  nDCG@10" for c in COLLECTIONS))
    with ExitStack() as stack:
        indexes: dict = {}  # (collection, index-time settings) -> Index, built once each
        for label, settings in steps:
            _apply(settings)
            cells = []
            for c in COLLECTIONS:
                # An open index keeps its searchers, and a searcher its scoring: settings read
                # when indexing or when a searcher is made get an index of their own.
                key = (c, schema.STOPWORDS, schema.TITLE_BOOST, ranking.B, ranking.K1)
                if key not in indexes:
                    indexes[key] = stack.enter_context(evaluate.temporary_index(eval_dir / c / "docs.jsonl"))
                scores = evaluate.evaluate(indexes[key], *data[c]).overall
                cells.append(f"{scores['MAP']:>9.4f} {scores['nDCG@10']:>8.4f}")
            print(f"{label:<72} " + "  ".join(cells), flush=True)
        _apply({})
        print("\nmedian ms per 10-hit search with snippets, every query 3 times, the two settings alternating;")
        print("'short' searches the first two non-stopwords of each query")
        for c in COLLECTIONS:
            index = indexes[(c, schema.STOPWORDS, schema.TITLE_BOOST, ranking.B, ranking.K1)]
            for kind in ("whole", "short"):
                times: dict[str, list[float]] = {"no feedback": [], "feedback": []}
                for _ in range(3):
                    for text in data[c][0].values():
                        words = evaluate.plain_words(text)
                        if kind == "short":
                            words = " ".join([w for w in words.split() if w.lower() not in schema.STOPWORDS][:2])
                        for label, settings in (("no feedback", NO_FEEDBACK), ("feedback", {})):
                            _apply(settings)
                            started = time.perf_counter()
                            index.search(words, limit=10)
                            times[label].append((time.perf_counter() - started) * 1000)
                _apply({})
                off, on = statistics.median(times["no feedback"]), statistics.median(times["feedback"])
                print(f"{c:<10} {kind:<6} no feedback {off:6.1f} ms   feedback {on:6.1f} ms   ratio {on / off:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
