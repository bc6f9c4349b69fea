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


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_results(results) -> None:
    if results.fallback:
        click.echo("No article has all of the words; showing the articles that have some of them.")
    if not results.total:
        click.echo(f"No results for {results.query!r}.")
        return
    shown = f", page {results.page} of {results.pages}" if results.pages > 1 else ""
    plural = "s" * (results.total != 1)
    click.echo(f"{results.total} result{plural} for {results.query!r} ({results.took_ms:.1f} ms{shown})\n")
    if not results.hits:
        click.echo(f"Page {results.page} is past the end: the last page is {results.pages}.")
    for hit in results:
        click.echo(click.style(f"{hit.rank}. {hit.title}", bold=True))
        day = hit.date.isoformat() if hit.date else ""
        meta = " · ".join(x for x in (day, hit.source, ", ".join(hit.people)) if x)
        if meta:
            click.echo(f"   {meta}")
        if hit.snippet:
            click.echo(f"   {_highlight(hit.snippet, hit.highlights)}")
        click.echo(click.style(f"   id: {hit.id}  score: {hit.score:.2f}", dim=True) + "\n")


@main.command()
@click.argument("query")
@click.option("--any", "any_terms", is_flag=True, help="Rank articles with any of the words, not only all of them.")
@click.option("--person", "people", multiple=True, metavar="NAME",
              help="Only articles naming this person (a surname is enough). Repeat to require several.")
@click.option("--since", metavar="DATE", help="Only articles from DATE on: 2020, 2020-08 or 2020-08-19.")
@click.option("--until", metavar="DATE", help="Only articles up to DATE, inclusive: 2020, 2020-08 or 2020-08-19.")
@click.option("--source", metavar="NAME", help="Only articles from this source (a word of its name is enough).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              show_default=True, help="Order of the hits; relevance ties go to the newer article.")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(min=1), help="Hits per page.")
@click.option("--page", "-p", default=1, show_default=True, type=click.IntRange(min=1), help="Page of hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print results as one JSON object.")
@_index_option
def search(query: str, as_json: bool, index_dir: Path, **options) -> None:
    """Search for QUERY: all words required, "quoted phrases" exact (see README, Query language)."""
    from .errors import QueryError

    with _open_for_search(index_dir) as index:
        try:
            results = index.search(query, **options)
        except QueryError as e:
            raise UsageProblem(str(e)) from None
    if as_json:
        _echo_json(results.to_dict())
    else:
        _print_results(results)


@main.command()
@click.argument("article_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
@_index_option
def show(article_id: str, as_json: bool, index_dir: Path) -> None:
    """Print the article with this ID (as search results give it), in full."""
    with _open_for_search(index_dir) as index:
        article = index.get(article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id!r} in {index_dir}/")
    if as_json:
        _echo_json(article.to_dict())
        return
    click.echo(click.style(article.title, bold=True))
    for label, value in (
        ("Date", article.date.isoformat() if article.date else article.date_raw),
        ("Source", article.source),
        ("Author", article.author),
        ("URL", article.url),
        ("People", ", ".join(article.people)),
        ("Caption", article.caption),
        ("Credits", ", ".join(article.credits)),
    ):
        if value:
            click.echo(f"{label}: {value}")
    click.echo(f"\n{article.body}\n")
    click.echo(click.style(f"id: {article.id}" + (f"  from: {article.origin}" if article.origin else ""), dim=True))


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""  # pragma: no cover


@main.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=0), help="Most-named people to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as one JSON object.")
@_index_option
def stats(top: int, as_json: bool, index_dir: Path) -> None:
    """How many articles the index holds, their dates, the most-named people, the size on disk."""
    with _open_for_search(index_dir) as index:
        info = index.stats(top_people=top)
    if as_json:
        _echo_json(info.to_dict())
        return
    click.echo(f"Articles:    {info.articles}")
    if info.first_date:
        span = f"{info.first_date.isoformat()} to {info.last_date.isoformat()}"
        click.echo(f"Dates:       {span}" + (f" ({info.undated} undated)" if info.undated else ""))
    click.echo(f"Index size:  {_size(info.size_bytes)} in {info.path}/")
    if info.people:
        click.echo("Most-named people (articles):")
        for name, n in info.people:
            click.echo(f"  {n:5}  {name}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
