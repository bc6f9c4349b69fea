"""Ingest: source files to an index in one call, with a report of what happened.

The whole pipeline runs here: readers -> assemble -> screening (articles with
nothing in them, content duplicates, reused ids) -> :meth:`Index.add`. The CLI's
``index`` command is a thin layer over :func:`ingest`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article
from .assemble import assemble
from .readers import ReadReport, read_records, usable


def _counts(counter) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in counter.most_common())


@dataclass
class IngestReport:
    """What one ingest run did: articles indexed, duplicates, and what was skipped or repaired, by reason."""

    read: ReadReport = field(default_factory=ReadReport)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # same title and text as an article earlier in the run: indexed once

    @property
    def accepted(self) -> int:
        """Articles that are in the index after the run (new, changed or already there)."""
        return self.added + self.updated + self.unchanged

    @property
    def problems(self) -> list[str]:
        return self.read.problems

    def failed(self, strict: bool = False) -> bool:
        """True when nothing could be indexed, or (``strict``) when anything was skipped or repaired."""
        return self.accepted == 0 or (strict and bool(self.read.skipped or self.read.warnings))

    def summary(self) -> list[str]:
        """The run in a few lines, for people."""
        lines = []
        if self.duplicates:
            lines.append(f"{self.duplicates} duplicate{'s' * (self.duplicates != 1)} (same title and text) indexed once.")
        if self.read.skipped:
            lines.append(f"Skipped {sum(self.read.skipped.values())}: {_counts(self.read.skipped)}.")
        if self.read.warnings:
            lines.append(f"Warnings {sum(self.read.warnings.values())}: {_counts(self.read.warnings)}.")
        if self.read.ignored:
            lines.append(f"{self.read.ignored} file{'s' * (self.read.ignored != 1)} in no known format ignored.")
        return lines


def content_key(article: Article) -> bytes:
    """Equal for articles whose title and text are the same (case and spacing aside)."""
    text = " ".join(article.title.split()).casefold() + "\n" + " ".join(article.body.split()).casefold()
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def screen(articles: Iterable[Article], report: IngestReport) -> Iterator[Article]:
    """The articles worth indexing: not empty, not a duplicate of an earlier one, not reusing its id."""
    contents: set[bytes] = set()
    ids: set[str] = set()
    for article in articles:
        if not usable(article, report.read):
            continue
        key = content_key(article)
        if key in contents:
            report.duplicates += 1
            continue
        if article.id in ids:
            report.read.skip(article.origin, "repeated id", f"id {article.id!r} already used earlier in this run")
            continue
        contents.add(key)
        ids.add(article.id)
        yield article


def ingest(
    sources: Iterable[str | Path],
    index,
    *,
    format: str | None = None,
    fields: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    **add_options,
) -> IngestReport:
    """Read, normalize and index every article in ``sources`` (files or folders) into ``index``.

    Bad input is skipped and reported, never raised. ``progress`` is called with the
    number of articles handed to the index so far. ``add_options`` (``batch_size``,
    ``lock_timeout``) go to :meth:`Index.add`.
    """
    report = IngestReport()
    records = (r for src in sources for r in read_records(src, format=format, fields=fields, report=report.read))
    articles: Iterable[Article] = screen(map(assemble, records), report)
    if progress is not None:
        articles = _counted(articles, progress)
    added = index.add(articles, **add_options)
    report.added, report.updated, report.unchanged = added.added, added.updated, added.unchanged
    return report


def _counted(articles: Iterable[Article], progress: Callable[[int], None]) -> Iterator[Article]:
    for n, article in enumerate(articles, start=1):
        yield article
        progress(n)
