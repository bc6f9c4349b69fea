"""CLI stage: the ``searchkit`` command, a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")


class UsageProblem(click.ClickException):
    """A mistake of the user's (bad query, missing index): one line, exit status 2."""

    exit_code = 2


def _index_option(f):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
        show_default=True, help="Index folder.",
    )(f)


def _build(sources: list[Path], index_dir: Path) -> None:
    from .readers import ReadReport, read_articles
    from .index import Index

    report = ReadReport()
    index = Index.open(index_dir) if Index.exists(index_dir) else Index.create(index_dir)
    with index:
        added = index.add(a for src in sources for a in read_articles(src, report=report))
        total = len(index)
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(
        f"Indexed {added.added} new and {added.updated} changed articles "
        f"({added.unchanged} unchanged) into {index_dir}/: {total} articles in all.",
        err=True,
    )
    if total == 0:
        raise click.ClickException("nothing could be indexed from " + ", ".join(map(str, sources)))


@click.group()
@click.version_option(package_name="searchkit")
def main() -> None:
    """Search news archives: index articles, then search them."""


@main.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_index_option
def index_cmd(sources: tuple[Path, ...], index_dir: Path) -> None:
    """Index articles from SOURCES (files or folders; default ./corpus). Re-running only adds what changed."""
    _build(list(sources) or [DEFAULT_CORPUS], index_dir)


def _open_for_search(index_dir: Path):
    from .index import Index
    from .errors import IndexNotFoundError

    if not Index.exists(index_dir) and index_dir == DEFAULT_INDEX and DEFAULT_CORPUS.is_dir():
        click.echo(f"No index in {index_dir}/ yet: building it from {DEFAULT_CORPUS}/ first.", err=True)
        _build([DEFAULT_CORPUS], index_dir)
    try:
        return Index.open(index_dir)
    except IndexNotFoundError as e:
        raise UsageProblem(str(e)) from None


def _highlight(snippet: str, spans) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [snippet[last:start], click.style(snippet[start:end], bold=True, fg="yellow")]
        last = end
    out.append(snippet[last:])
    return "".join(out)


@main.command()
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(min=1), help="Hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print results as one JSON object.")
@_index_option
def search(query: str, limit: int, as_json: bool, index_dir: Path) -> None:
    """Ranked search for QUERY; "quoted phrases" match exactly."""
    from .errors import QueryError

    with _open_for_search(index_dir) as index:
        try:
            results = index.search(query, limit=limit)
        except QueryError as e:
            raise UsageProblem(str(e)) from None
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    if not results.total:
        click.echo(f"No results for {query!r}.")
        return
    click.echo(f"{results.total} result{'s' * (results.total != 1)} for {query!r} ({results.took_ms:.1f} ms)\n")
    for hit in results:
        click.echo(click.style(f"{hit.rank}. {hit.title}", bold=True))
        meta = " · ".join(x for x in (hit.date.isoformat() if hit.date else "", ", ".join(hit.people)) if x)
        if meta:
            click.echo(f"   {meta}")
        click.echo(f"   {_highlight(hit.snippet, hit.highlights)}")
        click.echo(click.style(f"   id: {hit.id}  score: {hit.score:.2f}", dim=True) + "\n")


@main.command("eval")
@click.option("--queries", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Queries: id<TAB>text lines.")
@click.option("--qrels", required=True, type=click.Path(dir_okay=False, path_type=Path), help="TREC relevance judgments.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), help="Index to search.")
@click.option("--docs", type=click.Path(path_type=Path), help="Articles (JSON Lines, or any file or folder `index` reads) to index in a temporary folder.")
@click.option("--per-query", is_flag=True, help="Also print each query's scores.")
@click.option("--run", "run_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the ranking as a TREC run file.")
def eval_cmd(queries: Path, qrels: Path, index_dir: Path | None, docs: Path | None, per_query: bool, run_file: Path | None) -> None:
    """Score the default ranking on judged QUERIES: MAP, nDCG@10, P@10, recall@100 over the top 1,000."""
    from .errors import SearchkitError
    from . import evaluate

    if (index_dir is None) == (docs is None):
        raise UsageProblem("give exactly one of --index DIR or --docs DOCS.jsonl")
    report = evaluate.ReadReport()
    try:
        topics, judgments = evaluate.read_queries(queries, report), evaluate.read_qrels(qrels, report)
        with evaluate.temporary_index(docs, report) if docs else _open_for_search(index_dir) as index:
            for problem in report.problems:
                click.echo(f"warning: {problem}", err=True)
            result = evaluate.evaluate(index, topics, judgments)
    except SearchkitError as e:
        raise UsageProblem(str(e)) from None
    for qid, error in result.failed.items():
        click.echo(f"warning: query {qid}: {error}", err=True)
    if run_file:
        evaluate.write_run(result.run, run_file)
    click.echo(evaluate.format_table(result, per_query=per_query))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
