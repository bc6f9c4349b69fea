"""Ingest: source files to an index in one call, with a report of what happened.

The whole pipeline runs here: readers -> assemble (in worker processes) ->
screening (articles with nothing in them, content duplicates, reused ids) ->
the index writer (:func:`searchkit.writer.write_records`). The CLI's
``index`` command is a thin layer over :func:`ingest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .readers import ReadReport, read_records


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


class Screen:
    """Decides, in reading order, which articles of a run to index: not a duplicate, not reusing an id."""

    def __init__(self, report: IngestReport):
        self.report = report
        self.contents: set[bytes] = set()
        self.ids: set[str] = set()

    def admit(self, id: str, content_key: bytes, origin: str) -> bool:
        if content_key in self.contents:
            self.report.duplicates += 1
            return False
        if id in self.ids:
            self.report.read.skip(origin, "repeated id", f"id {id!r} already used earlier in this run")
            return False
        self.contents.add(content_key)
        self.ids.add(id)
        return True


def ingest(
    sources: Iterable[str | Path],
    index,
    *,
    format: str | None = None,
    fields: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    procs: int | None = None,
) -> IngestReport:
    """Read, normalize and index every article in ``sources`` (files or folders) into ``index``.

    Normalizing and indexing run in ``procs`` worker processes (default: one per core).
    Bad input is skipped and reported, never raised. ``progress`` is called with the
    number of articles handled so far.
    """
    report = IngestReport()
    records = (r for src in sources for r in read_records(src, format=format, fields=fields, report=report.read))
    added = index.add_records(records, procs=procs, report=report.read, admit=Screen(report).admit, progress=progress)
    report.added, report.updated, report.unchanged = added.added, added.updated, added.unchanged
    return report
