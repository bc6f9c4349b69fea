"""Sources stage: plain-text articles, one per file.

A file may open with YAML front matter (between ``---`` lines) or a header block
of ``Key: value`` lines (Title, Date, Author, URL, Source, ...); the rest is the
body. Without a title, a first line that reads as a headline becomes the title
(assemble derives one from the lead sentence otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..assemble import RawRecord
from ..normalize import looks_like_headline
from .source import ALIASES, Source, map_fields

_HEADER_LINE = re.compile(r"^\s*([A-Za-z][\w .-]{0,30}?)\s*:(.*)")  # the value is stripped after: a
# lazy (.*?) before \s*$ would backtrack through every run of spaces (quadratic on hostile lines)


def _known_keys(fields: dict[str, str] | None) -> set[str]:
    names = {name.lower() for names in ALIASES.values() for name in names} | set(ALIASES)
    return names | {theirs.lower() for theirs in (fields or {}).values()}


def _yaml_value(value: str):
    """The value of a simple front-matter line: a quoted string, an inline list, or plain text."""
    if value[:1] == "[" and value[-1:] == "]":
        return [_yaml_value(v.strip()) for v in value[1:-1].split(",") if v.strip()]
    if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _front_matter(lines: list[str]) -> tuple[dict, int] | None:
    """Key/value pairs of YAML front matter (``key: value`` and ``- item`` lists) and where the body starts."""
    if not lines or lines[0].strip() != "---":
        return None
    header: dict = {}
    key = None
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return header, i + 1
        item = re.match(r"^\s+-\s+(.*)$|^-\s+(.*)$", line)
        if item and key:
            header[key] = (header[key] if isinstance(header[key], list) else []) + [_yaml_value(item[1] or item[2])]
        elif m := _HEADER_LINE.match(line):
            key = m[1].lower()
            header[key] = _yaml_value(m[2].strip()) if m[2].strip() else []
        elif line.strip() and not line.lstrip().startswith("#"):
            return None  # not the simple front matter we read: leave the text as it is
    return None


def _header_block(lines: list[str], known: set[str]) -> tuple[dict, int]:
    """``Key: value`` lines at the top of the file, for keys that name one of our fields."""
    header, i = {}, 0
    while i < len(lines) and (m := _HEADER_LINE.match(lines[i])) and m[1].lower() in known:
        header[m[1].lower()] = m[2].strip()
        i += 1
    return header, i


def read_text(source: Source) -> Iterator[RawRecord]:
    text = source.read_text()
    if text is None:
        return
    lines = text.splitlines()
    header, start = _front_matter(lines) or _header_block(lines, _known_keys(source.fields))
    raw = map_fields(header, source.fields)
    body = "\n".join(lines[start:]).strip("\n")
    if "title" not in raw:
        first, _, after = body.lstrip().partition("\n")
        if (after.startswith("\n") or not after.strip()) and looks_like_headline(first):
            raw["title"], body = first.strip(), after
    if not body.strip() and "title" not in raw:
        source.report.skip(source.name, "no title or text", "no article text")
        return
    raw["body"] = body
    yield RawRecord(raw, default_id=source.record_id(), origin=source.name)
