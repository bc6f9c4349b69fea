"""Evaluation: how well the default search ranks, measured on judged queries.

A tool beside the pipeline, not a stage of it: it reads queries (``id<TAB>text``)
and TREC relevance judgments, runs every query through :meth:`Index.search` (the
path ``searchkit search`` takes), and scores the ranking with ``ir-measures``
(the optional ``eval`` extra). Relevance is binary: any grade >= 1 counts.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QueryError, SearchkitError
from .index import Index
from .readers import ReadReport, read_articles

MEASURES = ("MAP", "nDCG@10", "P@10", "R@100")
DEPTH = 1000  # results judged per query, as in TREC

# A test collection's topics are sentences, not queries in searchkit's language: every
# character that is not part of a word (colons, brackets, quotes, wildcards, a leading
# minus) becomes a space, and upper-case AND/OR/NOT lose their meaning as operators.
_NOT_WORD = re.compile(r"[^\w\s.'-]|(?<!\w)[.'-]|['-](?!\w)")
_OPERATOR = re.compile(r"\b(?:AND|OR|NOT|TO)\b")


class EvaluationError(SearchkitError):
    """A queries or judgments file that cannot be read at all."""


RunEntry = tuple[str, float]  # (article id, score), best first


@dataclass
class Evaluation:
    """Scores of one run: the mean of each measure, and each query's own."""

    overall: dict[str, float]
    per_query: dict[str, dict[str, float]]
    run: dict[str, list[RunEntry]] = field(repr=False)
    unjudged: list[str] = field(default_factory=list)  # queries without any relevant article: not scored
    failed: dict[str, str] = field(default_factory=dict)  # query id -> error, scored as no results


def _rows(path: Path, fields: int, sep: str | None, report: ReadReport | None) -> Iterator[tuple[int, list[str]]]:
    """The non-blank lines of ``path`` split into ``fields`` parts; short lines are reported and skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        raise EvaluationError(f"{path}: cannot read ({e.strerror or e})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(sep, fields - 1 if sep else -1)]
        if len(parts) < fields or not all(parts):
            if report is not None:
                report.warn(f"{path}:{n}", f"expected {fields} fields, got {line.strip()!r}; skipped")
            continue
        yield n, parts


def read_queries(path: str | Path, report: ReadReport | None = None) -> dict[str, str]:
    """Queries from a file of ``query-id<TAB>query text`` lines, in file order."""
    return {qid: text for _, (qid, text) in _rows(Path(path), 2, "\t", report)}


def read_qrels(path: str | Path, report: ReadReport | None = None) -> dict[str, dict[str, int]]:
    """TREC judgments (``query-id iteration doc-id grade``) as {query: {doc: grade}}."""
    qrels: dict[str, dict[str, int]] = {}
    for n, parts in _rows(Path(path), 4, None, report):
        try:
            grade = int(parts[3])
        except ValueError:
            if report is not None:
                report.warn(f"{path}:{n}", f"grade {parts[3]!r} is not a whole number; skipped")
            continue
        qrels.setdefault(parts[0], {})[parts[2]] = grade
    return qrels


def plain_words(text: str) -> str:
    """``text`` with query syntax turned into spaces, so a sentence is searched as the words it has."""
    text = _OPERATOR.sub(lambda m: m[0].lower(), _NOT_WORD.sub(" ", text))
    return " ".join(text.split())


def run_queries(index: Index, queries: dict[str, str], depth: int = DEPTH) -> tuple[dict[str, list[RunEntry]], dict[str, str]]:
    """Search every query (as plain words) the default way; the ranked ids and any failures."""
    run: dict[str, list[RunEntry]] = {}
    failed: dict[str, str] = {}
    for qid, text in queries.items():
        try:
            results = index.search(plain_words(text), limit=depth, snippets=False)
        except QueryError as e:
            failed[qid], run[qid] = str(e), []
            continue
        run[qid] = [(hit.id, hit.score) for hit in results]
    return run, failed


def score_run(run: dict[str, list[RunEntry]], qrels: dict[str, dict[str, int]]) -> Evaluation:
    """Score ``run`` against ``qrels`` over every judged query (a query with no results scores 0)."""
    try:
        import ir_measures
        from ir_measures import AP, P, R, nDCG
    except ImportError:
        raise SearchkitError(
            "evaluation needs the ir-measures library: pip install 'searchkit[eval]'"
        ) from None
    measures = {"MAP": AP, "nDCG@10": nDCG @ 10, "P@10": P @ 10, "R@100": R @ 100}
    judged = {q: docs for q, docs in qrels.items() if any(g >= 1 for g in docs.values())}
    binary = [ir_measures.Qrel(q, d, int(g >= 1)) for q, docs in judged.items() for d, g in docs.items()]
    # Scores fall with rank, so ties in the engine's scores keep the engine's order.
    scored = [
        ir_measures.ScoredDoc(q, doc, float(-rank))
        for q, entries in run.items() if q in judged
        for rank, (doc, _) in enumerate(entries)
    ]
    per_query = {q: dict.fromkeys(MEASURES, 0.0) for q in judged}
    names = {measure: name for name, measure in measures.items()}
    for metric in ir_measures.iter_calc(list(measures.values()), binary, scored):
        per_query[metric.query_id][names[metric.measure]] = metric.value
    overall = {
        name: sum(scores[name] for scores in per_query.values()) / len(per_query) if per_query else 0.0
        for name in MEASURES
    }
    unjudged = [q for q in run if q not in judged]
    return Evaluation(overall=overall, per_query=per_query, run=run, unjudged=unjudged)


def evaluate(index: Index, queries: dict[str, str], qrels: dict[str, dict[str, int]], depth: int = DEPTH) -> Evaluation:
    """Run ``queries`` on ``index`` and score them against ``qrels``."""
    run, failed = run_queries(index, queries, depth)
    evaluation = score_run(run, qrels)
    evaluation.failed = failed
    return evaluation


def write_run(run: dict[str, list[RunEntry]], path: str | Path, tag: str = "searchkit") -> None:
    """Write ``run`` as a TREC run file: ``query-id Q0 doc-id rank score tag``."""
    with Path(path).open("w", encoding="utf-8") as f:
        for qid, entries in run.items():
            for rank, (doc, score) in enumerate(entries, start=1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")


def format_table(evaluation: Evaluation, per_query: bool = False) -> str:
    """The scores as an aligned text table: one row per query if asked, then the mean ("all")."""
    rows = list(evaluation.per_query.items()) if per_query else []
    rows.append(("all", evaluation.overall))
    width = max(len("query"), *(len(q) for q, _ in rows))
    lines = [f"{'query':<{width}}  " + "  ".join(f"{m:>7}" for m in MEASURES)]
    lines += [f"{q:<{width}}  " + "  ".join(f"{s[m]:>7.4f}" for m in MEASURES) for q, s in rows]
    lines.append(f"{len(evaluation.per_query)} judged queries, top {DEPTH} results each")
    return "\n".join(lines)


@contextmanager
def temporary_index(docs: str | Path, report: ReadReport | None = None) -> Iterator[Index]:
    """An index of the articles in ``docs``, built the normal way in a temporary folder, removed after."""
    with tempfile.TemporaryDirectory(prefix="searchkit-eval-") as tmp:
        with Index.create(Path(tmp) / "index") as index:
            index.add(read_articles(docs, report=report))
            yield index
