"""Sources stage: Reuters-21578 SGML files (``reut2-*.sgm``), about 1,000 ``<REUTERS>`` records each.

The files are latin-1 with control-character entities (``&#2;``, ``&#3;``) and
escaped ``&lt;``. Each record has a DATE, TOPICS/PLACES/PEOPLE lists of ``<D>``
items (PEOPLE as ids like ``james-baker``), and a TEXT holding TITLE, DATELINE
and BODY; ``TYPE="BRIEF"`` texts have a title only, ``TYPE="UNPROC"`` ones no
markup at all. Records are read one at a time as lines stream in; a record cut
short (the file ends, or the next record starts, before ``</REUTERS>``) is skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..assemble import RawRecord
from .source import MAX_ARTICLE_BYTES, Source

# Hostile records must not make these backtrack: \b keeps a long run of letters from being
# tried at every one of its positions, and [^<] stops an unclosed <D> at the next tag.
_ATTRIBUTE = re.compile(r'\b(\w+)="([^"]*)"')
_ITEM = re.compile(r"<D>([^<]*)</D>")
_CONTROL_ENTITY = re.compile(r"&#(?:[0-8]|1[1-9]|2\d|3[01]|127);")
_SIGN_OFF = re.compile(r"\bReuter$", re.I)
_PARTICLES = frozenset("de da di del der den du la le van von ter al bin".split())


_OPENING = {
    tag: re.compile(rf"<{tag}\b([^<>]*)>") for tag in ("DATE", "TOPICS", "PLACES", "PEOPLE", "TEXT", "TITLE", "DATELINE", "BODY")
}


def _element(text: str, tag: str) -> tuple[str, str] | None:
    """``(attributes, content)`` of the first ``<tag ...>...</tag>`` in ``text``.

    The closing tag is found with str.find: a regex ``(.*?)</tag>`` would scan to the
    end of the record from every unclosed opening tag (quadratic on hostile input).
    """
    m = _OPENING[tag].search(text)
    end = text.find(f"</{tag}>", m.end()) if m else -1
    return (m[1], text[m.end(): end]) if end >= 0 else None


def _content(text: str, tag: str) -> str:
    found = _element(text, tag)
    return _unescape(found[1]) if found else ""


def _unescape(text: str) -> str:
    return html.unescape(_CONTROL_ENTITY.sub("", text))


def person_name(person_id: str) -> str:
    """A display name for a Reuters PEOPLE id: ``james-baker`` gives ``James Baker``."""
    words = person_id.strip().replace("_", "-").split("-")
    return " ".join(
        w if w in _PARTICLES and i < len(words) - 1 else "'".join(p.capitalize() for p in w.split("'"))
        for i, w in enumerate(words)
        if w
    )


def _paragraphs(body: str) -> str:
    """Reuters marks a new paragraph by indenting its first line; make that a blank line."""
    body = _SIGN_OFF.sub("", body.rstrip()).rstrip()
    return re.sub(r"\n(?=[ \t]+\S)", "\n\n", body)


def _record(text: str, source: Source, line: int, number: int) -> Iterator[RawRecord]:
    attributes = dict(_ATTRIBUTE.findall(text[: text.find(">") + 1]))
    newid = attributes.get("NEWID", "")
    where = source.at(line) + (f" (NEWID {newid})" if newid else f" record {number}")
    raw: dict = {"date": _content(text, "DATE")}
    for key in ("topics", "places", "people"):
        found = _element(text, key.upper())
        items = [_unescape(d).strip() for d in _ITEM.findall(found[1])] if found else []
        raw[key] = [person_name(i) for i in items] if key == "people" else items
    found = _element(text, "TEXT")
    if not found:
        source.report.skip(where, "no title or text", "record has no TEXT")
        return
    kind = dict(_ATTRIBUTE.findall(found[0])).get("TYPE", "NORM").upper()
    inner = found[1]
    raw["title"] = " ".join(_content(inner, "TITLE").split())
    raw["dateline"] = _content(inner, "DATELINE").strip().rstrip("-").strip()
    if kind == "UNPROC":
        raw["body"] = _paragraphs(_unescape(inner))
    elif kind != "BRIEF":  # a brief is its title; its TEXT holds only a placeholder line
        raw["body"] = _paragraphs(_content(inner, "BODY"))
    if not raw["title"] and not raw.get("body", "").strip():
        source.report.skip(where, "no title or text", "record has neither TITLE nor BODY")
        return
    if newid:
        raw["id"] = f"reuters-21578-{newid}"
    raw["source"] = "Reuters"
    yield RawRecord(raw, default_id=source.record_id(number), origin=where, caption=False)


def read_reuters(source: Source) -> Iterator[RawRecord]:
    lines: list[str] | None = None
    start = size = number = 0

    def cut_short() -> None:
        newid = dict(_ATTRIBUTE.findall(lines[0])).get("NEWID")
        label = f" (NEWID {newid})" if newid else ""
        source.report.skip(source.at(start) + label, "record cut short", "record cut short (no </REUTERS>)")

    for n, line in enumerate(source.lines(encoding="latin-1"), start=1):
        opening = line.find("<REUTERS")
        if opening >= 0:
            if lines is not None:
                cut_short()
            lines, start, size = [line[opening:]], n, len(line)
            number += 1
        elif lines is not None:
            lines.append(line)
            size += len(line)
        if lines is None:
            continue
        if size > MAX_ARTICLE_BYTES:
            source.report.skip(source.at(start), "too large", "record too large for one article")
            lines = None
        elif "</REUTERS>" in line:
            yield from _record("".join(lines), source, start, number)
            lines = None
    if lines is not None:
        cut_short()
