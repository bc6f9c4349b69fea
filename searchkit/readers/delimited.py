"""Sources stage: CSV and TSV files with a header row, one article per row.

News dumps keep whole articles in one field, so the csv module's field limit is
raised to the size of the largest article we read. A row whose field count does
not match the header, or that the csv module cannot parse, is skipped with its line number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ..assemble import RawRecord
from .source import MAX_ARTICLE_BYTES, Source, map_fields


def _rows(source: Source, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """``(first line, row or None, error)`` for each row, going on past rows the csv module rejects."""
    lines = source.lines(newline="")
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield start, None, str(e)
        else:
            yield start, row, ""
        start = reader.line_num + 1


def _read(source: Source, delimiter: str) -> Iterator[RawRecord]:
    csv.field_size_limit(MAX_ARTICLE_BYTES)
    header: list[str] | None = None
    for line, row, error in _rows(source, delimiter):
        where = source.at(line)
        if row is None:
            source.report.skip(where, "malformed CSV row", f"malformed row ({error})")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [name.strip() for name in row]
            continue
        if len(row) != len(header):
            source.report.skip(where, "malformed CSV row", f"row has {len(row)} fields, the header has {len(header)}")
            continue
        raw = map_fields({name: cell for name, cell in zip(header, row) if name}, source.fields)
        if not raw.get("body") and not raw.get("title"):
            source.report.skip(where, "no title or text", "row has neither title nor body")
            continue
        yield RawRecord(raw, default_id=source.record_id(line), origin=where, caption=False)


def read_csv(source: Source) -> Iterator[RawRecord]:
    header = source.head().partition(b"\n")[0]
    return _read(source, max(",;|", key=lambda d: header.count(d.encode())))  # Excel in Europe writes ";"


def read_tsv(source: Source) -> Iterator[RawRecord]:
    return _read(source, "\t")
