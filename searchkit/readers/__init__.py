"""Sources stage: read news files of many formats, from a file or a folder, into raw records.

Readers only parse their format into :class:`RawRecord` s, streaming, in one
process; :func:`searchkit.assemble.assemble` turns each into an Article (the
costly part, which may be spread over processes). Formats: plain text, JSON,
JSON Lines, CSV, TSV, Reuters-21578 SGML and HTML pages, each optionally
gzipped, found by extension and content (see :mod:`.detect`). Bad input is
reported in a :class:`ReadReport` (file and line or record) and skipped; the
rest is still read.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from ..article import Article
from ..assemble import RawRecord, assemble
from ..dates import parse_date
from .delimited import read_csv, read_tsv
from .detect import EXTENSIONS, FORMATS, detect_format, extension
from .jsonrecords import read_json, read_jsonl
from .reuters import read_reuters
from .source import HEAD_BYTES, ReadReport, Source, binary_kind, choose_encoding, display_name
from .text import read_text
from .webpage import read_html

__all__ = ["FORMATS", "RawRecord", "ReadReport", "read_articles", "read_records", "usable"]

_READERS: dict[str, Callable[[Source], Iterator[RawRecord]]] = {
    "text": read_text, "json": read_json, "jsonl": read_jsonl, "csv": read_csv, "tsv": read_tsv,
    "reuters": read_reuters, "html": read_html,
}


def _files(path: Path, report: ReadReport) -> Iterator[tuple[Path, bool]]:
    """``(file, named)`` for a file, or for every file under a folder (hidden ones left out)."""
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts):
                yield file, False
    elif path.exists():
        yield path, True
    else:
        report.skip(display_name(path), "not found", "no such file or folder")


def _read_file(file: Path, format: str | None, fields: dict | None, named: bool, report: ReadReport):
    try:
        source = Source(file, report, fields)
        head = source.head()
    except (OSError, EOFError, zlib.error) as e:
        report.skip(display_name(file), "unreadable file", f"cannot read ({getattr(e, 'strerror', None) or e})")
        return
    if not head.strip() and len(head) < HEAD_BYTES:  # a longer blank start may still hold articles after it
        report.skip(source.name, "empty file", "empty file")
        return
    if kind := binary_kind(head):
        if named or EXTENSIONS.get(extension(file.name)):
            report.skip(source.name, "binary file", f"{kind}, not text")
        else:
            report.ignored += 1
        return
    fmt = format or detect_format(file.name, head.decode(choose_encoding(head)[0], errors="replace"))
    if fmt is None and not named:
        report.ignored += 1  # README.md and the like, next to the articles
        return
    report.files += 1
    try:
        for record in _READERS[fmt or "text"](source):
            report.records += 1
            yield record
    except (OSError, EOFError, zlib.error) as e:
        report.skip(source.name, "file cut short", f"stopped reading ({e}); what came before is kept")


def read_records(
    path: str | Path,
    *,
    format: str | None = None,
    fields: dict[str, str] | None = None,
    report: ReadReport | None = None,
) -> Iterator[RawRecord]:
    """Yield the raw records of a file, or of every file in a known format under a folder, not yet normalized.

    ``format`` (one of :data:`FORMATS`) overrides detection; ``fields`` maps our field
    names to the source's (``{"body": "story_text"}``). Problems go to ``report`` when
    given; unreadable input is skipped, never raised.
    """
    if format is not None and format not in _READERS:
        raise ValueError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    report = report if report is not None else ReadReport()
    for file, named in _files(Path(path), report):
        yield from _read_file(file, format, fields, named, report)


def usable(article: Article, report: ReadReport) -> bool:
    """False (reported) for an article with nothing to index; notes a date that could not be parsed."""
    if article.date_raw and parse_date(article.date_raw) is None:
        report.warn(article.origin, "unparsable date", f"date {article.date_raw[:60]!r} not understood; left empty")
    if not article.title and not article.body:
        report.skip(article.origin, "no title or text", "no title or text found")
        return False
    return True


def read_articles(
    path: str | Path,
    *,
    format: str | None = None,
    fields: dict[str, str] | None = None,
    report: ReadReport | None = None,
) -> Iterator[Article]:
    """Yield the normalized articles of a file, or of every file in a known format under a folder."""
    report = report if report is not None else ReadReport()
    for record in read_records(path, format=format, fields=fields, report=report):
        article = assemble(record)
        if usable(article, report):
            yield article
