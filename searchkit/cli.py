"""CLI stage: the ``searchkit`` command, a thin layer over the Python API."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .formats import FORMATS

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_LOCK_TIMEOUT = 10.0


class UsageProblem(click.ClickException):
    """A mistake of the user's (bad query, missing index): one line, exit status 2."""

    exit_code = 2


def _trust_option(f):
    return click.option(
        "--trust", is_flag=True, expose_value=False, callback=_remember_trust,
        help="Open the index even if other users can write to it (its pickled parts could run their code).",
    )(f)


def _index_option(f):
    f = _trust_option(f)
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INDEX,
        show_default=True, help="Index folder.",
    )(f)


def _remember_trust(ctx: click.Context, param, value: bool) -> None:
    ctx.meta["searchkit.trust"] = value


def _trusted() -> bool:
    """Whether the command was given --trust (every command that opens an index takes it)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("searchkit.trust"))




def _field_map(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--field ours=theirs`` options as a dict; a bad one is a usage problem."""
    from .readers.source import ALIASES

    fields = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not theirs.strip() or ours.strip() not in ALIASES:
            raise UsageProblem(f"--field {pair!r}: expected OURS=THEIRS with OURS one of {', '.join(ALIASES)}")
        fields[ours.strip()] = theirs.strip()
    return fields


class _Ticker:
    """Articles so far and articles per second on one line of a terminal, redrawn a few times a second."""

    def __init__(self):
        self.start = time.monotonic()
        self.shown = 0.0
        self.width = 0

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            line = f"{count:,} article{'s' * (count != 1)}, {count / max(now - self.start, 1e-9):,.0f}/s"
            self.width = max(self.width, len(line))
            click.echo(f"\r{line:<{self.width}}", nl=False, err=True)

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)


def _on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _index_errors(index_dir: Path, doing: str) -> Iterator[None]:
    """Problems with the index folder (busy, untrusted, incompatible, permissions, a full disk) as one line."""
    from .errors import SearchkitError

    try:
        yield
    except SearchkitError as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        where = f" ({e.filename})" if e.filename else ""
        raise click.ClickException(f"cannot {doing} the index in {index_dir}/: {e.strerror or e}{where}") from None


def _build(sources: list[Path], index_dir: Path, *, format=None, fields=None, strict: bool = False,
           rebuild: bool = False, **add_options) -> None:
    from .index import Index
    from .ingest import ingest
    from .storage import rebuilding

    def fill(index) -> tuple:
        ticker = _Ticker() if _on_terminal() else None
        with index:
            try:
                report = ingest(sources, index, format=format, fields=fields, progress=ticker, **add_options)
            finally:
                if ticker:
                    ticker.close()
            return report, len(index)

    with _index_errors(index_dir, "write"):
        if rebuild:  # built beside the old index, which stays as it was until the new one is complete
            with rebuilding(index_dir) as fresh:
                report, total = fill(Index.create(fresh))
        else:
            exists = Index.exists(index_dir)
            report, total = fill(Index.open(index_dir, trust=_trusted()) if exists else Index.create(index_dir))
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(
        f"Indexed {report.added} new and {report.updated} changed articles "
        f"({report.unchanged} unchanged) into {index_dir}/: {total} articles in all.",
        err=True,
    )
    for line in report.summary():
        click.echo(line, err=True)
    if report.accepted == 0:
        raise click.ClickException("nothing could be indexed from " + ", ".join(map(str, sources)))
    if report.failed(strict):
        raise click.ClickException("--strict: some input was skipped or repaired (see the warnings above)")


_format_option = click.option(
    "--format", "format_", type=click.Choice(FORMATS), default=None,
    help="Read every file in this format instead of detecting it from the extension and content.",
)
_fields_option = click.option(
    "--field", "fields", multiple=True, metavar="OURS=THEIRS",
    help="Take our field OURS (title, date, body, ...) from the source's field THEIRS; repeatable.",
)


@click.group()
@click.version_option(package_name="searchkit")
def main() -> None:
    """Search news archives: index articles, then search them."""


@main.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@_index_option
@_format_option
@_fields_option
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input was skipped or repaired.")
@click.option("--rebuild", is_flag=True,
              help="Build the index anew from SOURCES (beside the old one, which is replaced when it is complete).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_LOCK_TIMEOUT, show_default=True,
              metavar="SECONDS", help="How long to wait for another process writing to the index.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Commit at least every N articles per process: a crash loses at most the batches being written "
                   "(default: 2,000 in one process; 10,000 or more per worker process).")
def index_cmd(sources: tuple[Path, ...], index_dir: Path, format_, fields, strict: bool, **options) -> None:
    """Index articles from SOURCES (files or folders; default ./corpus). Re-running only adds what changed."""
    _build(list(sources) or [DEFAULT_CORPUS], index_dir, format=format_, fields=_field_map(fields), strict=strict,
           **options)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@_format_option
@_fields_option
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="Show only the first N articles.")
def inspect(sources: tuple[Path, ...], format_, fields, limit) -> None:
    """Print the articles in SOURCES as the normalizer sees them (a JSON array), without indexing."""
    from itertools import islice

    from .readers import ReadReport, read_articles

    report = ReadReport()
    articles = (a for src in sources for a in read_articles(src, format=format_, fields=_field_map(fields), report=report))
    click.echo("[", nl=False)
    for n, article in enumerate(islice(articles, limit)):
        click.echo(("," if n else "") + "\n" + json.dumps(article.to_dict(), ensure_ascii=False, indent=2), nl=False)
    click.echo("\n]")
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)


_FILTER_OPTIONS = [
    click.option("--person", "people", multiple=True, metavar="NAME",
                 help="Only articles naming this person (a surname is enough). Repeat to require several."),
    click.option("--since", metavar="DATE", help="Only articles from DATE on: 2020, 2020-08 or 2020-08-19."),
    click.option("--until", metavar="DATE", help="Only articles up to DATE, inclusive: 2020, 2020-08 or 2020-08-19."),
    click.option("--source", metavar="NAME", help="Only articles from this source (a word of its name is enough)."),
]


def _filter_options(f):
    """The filters every search and analysis takes: --person, --since, --until, --source."""
    for option in reversed(_FILTER_OPTIONS):
        f = option(f)
    return f


@contextmanager
def _open_for_search(index_dir: Path) -> Iterator:
    from .errors import IndexNotFoundError
    from .index import Index

    with _index_errors(index_dir, "read"):
        missing = not Index.exists(index_dir)
    if missing and index_dir == DEFAULT_INDEX and DEFAULT_CORPUS.is_dir():
        click.echo(f"No index in {index_dir}/ yet: building it from {DEFAULT_CORPUS}/ first.", err=True)
        _build([DEFAULT_CORPUS], index_dir)
    with _index_errors(index_dir, "read"):
        try:
            index = Index.open(index_dir, trust=_trusted())
        except IndexNotFoundError as e:
            raise UsageProblem(str(e)) from None
        with index:
            yield index


@contextmanager
def _answering(index_dir: Path) -> Iterator:
    """The index, open for reading; a mistake in what is asked (bad query, unknown id) is a usage problem."""
    from .errors import ArticleNotFoundError, QueryError

    with _open_for_search(index_dir) as index:
        try:
            yield index
        except (QueryError, ArticleNotFoundError) as e:
            raise UsageProblem(str(e)) from None


def _answer(index_dir: Path, as_json: bool, ask):
    """``ask(index)``'s answer; printed as JSON instead (and None returned) with ``--json``."""
    with _answering(index_dir) as index:
        answer = ask(index)
    if as_json:
        _echo_json(answer.to_dict())
        return None
    return answer


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
    elif results.long_query:
        click.echo("A long query: articles are ranked by how many of its words they have (+word or AND requires one).")
    if not results.total:
        click.echo(f"No results for {results.query!r}.")
        _print_suggestion(results)
        return
    shown = f", page {results.page} of {results.pages}" if results.pages > 1 else ""
    plural = "s" * (results.total != 1)
    click.echo(f"{results.total} result{plural} for {results.query!r} ({results.took_ms:.1f} ms{shown})")
    _print_suggestion(results)
    click.echo()
    if not results.hits:
        click.echo(f"Page {results.page} is past the end: the last page is {results.pages}.")
    _print_hits(results)


def _print_suggestion(results) -> None:
    if results.suggestion:
        click.echo("Did you mean: " + click.style(results.suggestion, bold=True) + "?")


def _print_hits(hits) -> None:
    for hit in hits:
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
@_filter_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              show_default=True, help="Order of the hits; relevance ties go to the newer article.")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(min=1), help="Hits per page.")
@click.option("--page", "-p", default=1, show_default=True, type=click.IntRange(min=1), help="Page of hits to show.")
@click.option("--json", "as_json", is_flag=True, help="Print results as one JSON object.")
@_index_option
def search(query: str, as_json: bool, index_dir: Path, **options) -> None:
    """Search for QUERY: all words required, "quoted phrases" exact (see README, Query language)."""
    results = _answer(index_dir, as_json, lambda index: index.search(query, **options))
    if results is not None:
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
        raise UsageProblem(f"no article with id {article_id!r} in {index_dir}/")
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


# -- beyond search: timeline, people, similar, terms


def _matching(query: str | None) -> str:
    return f" matching {query!r}" if query is not None else ""


def _articles(n: int) -> str:
    return f"{n} article{'s' * (n != 1)}"


_query_argument = click.argument("query", required=False)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")


@main.command()
@_query_argument
@click.option("--by", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True,
              help="Count per day, ISO week, month or year.")
@_filter_options
@click.option("--width", type=click.IntRange(min=1), help="Width of the chart in characters (default: the terminal's).")
@_json_option
@_index_option
def timeline(query: str | None, by: str, width: int | None, as_json: bool, index_dir: Path, **filters) -> None:
    """Articles matching QUERY (default: all) over time: a count per period, as a bar chart."""
    from .timeline import chart

    result = _answer(index_dir, as_json, lambda index: index.timeline(query, by=by, **filters))
    if result is None:
        return
    if not result.total:
        click.echo(f"No articles{_matching(query)}.")
        return
    undated = f" ({result.undated} undated, not shown)" if result.undated else ""
    if not result.periods:
        click.echo(f"{_articles(result.total)}{_matching(query)}, none of them dated.")
        return
    span = f"{result.periods[0].label} to {result.periods[-1].label}"
    click.echo(f"{_articles(result.total)}{_matching(query)}, by {by}, {span}{undated}:")
    for line in chart(result, width or shutil.get_terminal_size().columns):
        click.echo(line)


@main.command()
@_query_argument
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many people to list.")
@click.option("--with", "alongside", metavar="NAME",
              help="Who is named alongside this person (a surname is enough), by articles naming both.")
@_filter_options
@_json_option
@_index_option
def people(query: str | None, top: int, alongside: str | None, as_json: bool, index_dir: Path, **filters) -> None:
    """The people named in the most articles matching QUERY (default: all), with article counts."""
    counts = _answer(index_dir, as_json, lambda index: index.top_people(query, top=top, alongside=alongside, **filters))
    if counts is None:
        return
    where = f"{_articles(counts.articles)}{_matching(query)}"
    if alongside is None:
        if not counts.articles:
            click.echo(f"No articles{_matching(query)}.")
            return
        heading, nobody = f"Most-named people in {where}:", f"Nobody is named in the {where}."
    else:
        if not counts.matched:
            click.echo(f"No article{_matching(query)} names {alongside!r}.")
            return
        names = ", ".join(counts.matched)
        heading = f"Named alongside {names} in {where}:"
        nobody = f"Nobody else is named in the {where} naming {names}."
    if not counts.people:
        click.echo(nobody)
        return
    click.echo(heading)
    width = len(str(counts.people[0][1]))
    for name, n in counts.people:
        click.echo(f"  {n:>{width}}  {name}")


@main.command()
@click.argument("article_id", metavar="ID")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(min=1), help="How many articles to list.")
@_filter_options
@_json_option
@_index_option
def similar(article_id: str, limit: int, as_json: bool, index_dir: Path, **filters) -> None:
    """The articles most like article ID (by its distinctive words and people), without its duplicates."""
    results = _answer(index_dir, as_json, lambda index: index.similar(article_id, limit=limit, **filters))
    if results is None:
        return
    if not results.hits:
        click.echo(f"No article is like {article_id!r}.")
        return
    click.echo(f"The {_articles(len(results.hits))} most like {article_id!r} ({results.took_ms:.1f} ms):\n")
    _print_hits(results)


@main.command()
@_query_argument
@click.option("--top", default=15, show_default=True, type=click.IntRange(min=1), help="How many words, and phrases, to list.")
@_filter_options
@_json_option
@_index_option
def terms(query: str | None, top: int, as_json: bool, index_dir: Path, **filters) -> None:
    """The words and two-word phrases that most set the articles matching QUERY apart from the rest.

    Scored by log-likelihood (G²) of article counts; stopwords and numbers left out.
    A query or a filter is needed.
    """
    report = _answer(index_dir, as_json, lambda index: index.terms(query, top=top, **filters))
    if report is None:
        return
    if not report.articles:
        click.echo(f"No articles{_matching(query)}.")
        return
    click.echo(f"What sets apart the {_articles(report.articles)}{_matching(query)}:")
    sample = f"; counted in {report.sampled} of them, evenly spread" if report.sampled < report.articles else ""
    click.echo(f"(log-likelihood G² of article counts, here against the rest of the index{sample})")
    for title, found in (("Words", report.words), ("Phrases", report.phrases)):
        click.echo(f"\n{title}:" if found else f"\nNo {title.lower()} stand out.")
        if found:
            click.echo(f"  {'G²':>9}  {'here':>7} {'index':>7}  {title[:-1].lower()}")
        for t in found:
            click.echo(f"  {t.score:>9.1f}  {t.articles:>7} {t.in_index:>7}  {t.text}")


@main.command("eval-people")
@click.argument("gold", type=click.Path(path_type=Path))
def eval_people(gold: Path) -> None:
    """Score people extraction on GOLD, JSON Lines of {"id", "text", "people"}: precision, recall, F1."""
    from .people import evaluate_people

    try:
        score = evaluate_people(gold)
    except OSError as e:
        raise UsageProblem(f"cannot read {gold}: {e.strerror or e}") from None
    except ValueError as e:
        raise UsageProblem(str(e)) from None
    click.echo(score.report())


@main.command("eval")
@click.option("--queries", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Queries: id<TAB>text lines.")
@click.option("--qrels", required=True, type=click.Path(dir_okay=False, path_type=Path), help="TREC relevance judgments.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), help="Index to search.")
@_trust_option
@click.option("--docs", type=click.Path(path_type=Path), help="Articles (JSON Lines, or any file or folder `index` reads) to index in a temporary folder.")
@click.option("--per-query", is_flag=True, help="Also print each query's scores.")
@click.option("--run", "run_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the ranking as a TREC run file.")
def eval_cmd(queries: Path, qrels: Path, index_dir: Path | None, docs: Path | None, per_query: bool, run_file: Path | None) -> None:
    """Score the default ranking on judged QUERIES: MAP, nDCG@10, P@10, recall@100 over the top 1,000."""
    from . import evaluate
    from .errors import SearchkitError

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
