"""Sources stage: read article files (plain text, JSON, JSON Lines) from a file or folder.

Readers only parse their format into :class:`RawRecord` s (cheap, in one process);
:func:`searchkit.assemble.assemble` turns each into an Article (the costly part,
which the writer may spread over processes). A bad record is reported (file and
line) and skipped; the rest of the file is still read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article
from .assemble import RawRecord, assemble
from .normalize import looks_like_headline

FORMATS = {".txt": "text", ".text": "text", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# Common names for our fields in other people's JSON.
_ALIASES = {
    "title": ("title", "headline"),
    "date": ("date", "published", "publishedAt", "pubDate", "publish_date", "published_at"),
    "body": ("body", "text", "content", "article"),
    "people": ("people", "persons"),
    "url": ("url", "link"),
    "author": ("author", "byline"),
    "source": ("source", "publication"),
    "id": ("id", "guid", "doc_id"),
}

_HEADER = re.compile(r"^(title|headline|date|url|link|source|author|byline|people)\s*:\s*(.*)$", re.I)


@dataclass
class ReadReport:
    """Problems met while reading: one line each, naming the file and line or record."""

    problems: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _default_id(path: Path, record: int | None = None) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return f"{path.stem}-{digest}" + (f"-{record}" if record is not None else "")


def _read_text(path: Path, report: ReadReport) -> Iterator[RawRecord]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if "\ufffd" in text:
        report.warn(str(path), "not valid UTF-8; undecodable bytes replaced")
    lines = text.lstrip("\ufeff").splitlines()
    raw: dict = {}
    i = 0
    while i < len(lines) and (m := _HEADER.match(lines[i].strip())):
        raw[m[1].lower()] = m[2].strip()
        i += 1
    raw = _map_fields(raw)
    rest = "\n".join(lines[i:]).strip("\n")
    if "title" not in raw:
        first, _, after = rest.lstrip().partition("\n")
        if after.startswith("\n") or not after.strip():
            if looks_like_headline(first):
                raw["title"], rest = first.strip(), after
    raw["body"] = rest
    if not rest.strip():
        report.warn(str(path), "no article text; skipped")
        return
    yield RawRecord(raw, default_id=_default_id(path), origin=str(path))


def _map_fields(record: dict) -> dict:
    """Our field names for a record's keys (case-insensitive; the first alias present wins)."""
    lower = {str(k).lower(): v for k, v in record.items()}
    out = {}
    for key, names in _ALIASES.items():
        for name in names:
            if lower.get(name.lower()) not in (None, ""):
                out[key] = lower[name.lower()]
                break
    return out


def _from_record(record, path: Path, n: int, where: str, report: ReadReport) -> Iterator[RawRecord]:
    if not isinstance(record, dict):
        report.warn(where, "not a JSON object; skipped")
        return
    raw = _map_fields(record)
    if not raw.get("body") and not raw.get("title"):
        report.warn(where, "record has neither title nor body; skipped")
        return
    yield RawRecord(raw, default_id=_default_id(path, n), origin=where, caption=False)


def _read_jsonl(path: Path, report: ReadReport) -> Iterator[RawRecord]:
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                report.warn(where, f"malformed JSON ({e.msg}); skipped")
                continue
            yield from _from_record(record, path, n, where, report)


def _read_json(path: Path, report: ReadReport) -> Iterator[RawRecord]:
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError as e:
        report.warn(f"{path}:{e.lineno}", f"malformed JSON ({e.msg}); file skipped")
        return
    records = data if isinstance(data, list) else [data]
    for n, record in enumerate(records, start=1):
        yield from _from_record(record, path, n, f"{path} record {n}", report)


_READERS = {"text": _read_text, "json": _read_json, "jsonl": _read_jsonl}


def read_records(
    path: str | Path, *, format: str | None = None, report: ReadReport | None = None
) -> Iterator[RawRecord]:
    """Yield the raw records of a file, or of every known file under a folder, not yet normalized.

    ``format`` (text, json, jsonl) overrides detection by extension. Problems go to
    ``report`` when given; unreadable input is skipped, never raised.
    """
    report = report if report is not None else ReadReport()
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and (format or p.suffix.lower() in FORMATS))
    elif path.exists():
        files = [path]
    else:
        report.warn(str(path), "no such file or folder")
        return
    for file in files:
        kind = format or FORMATS.get(file.suffix.lower())
        if kind not in _READERS:
            report.warn(str(file), f"unknown format (known: {', '.join(sorted(_READERS))}); skipped")
            continue
        try:
            yield from _READERS[kind](file, report)
        except OSError as e:
            report.warn(str(file), f"cannot read ({e.strerror or e}); skipped")


def read_articles(
    path: str | Path, *, format: str | None = None, report: ReadReport | None = None
) -> Iterator[Article]:
    """Yield the normalized articles of a file, or of every known file under a folder."""
    for record in read_records(path, format=format, report=report):
        yield assemble(record)
