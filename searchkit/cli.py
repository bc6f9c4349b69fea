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
    from whoosh.index import LockError

    from .index import Index
    from .readers import ReadReport
    from .writer import index_sources

    report = ReadReport()
    try:
        added = index_sources(sources, index_dir, report=report)
    except LockError:
        raise click.ClickException(f"another process is writing to {index_dir}/; try again when it is done") from None
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    with Index.open(index_dir) as index:
        total = len(index)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
