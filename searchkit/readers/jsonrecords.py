"""Sources stage: JSON (one article, an array of them, or an object wrapping an array) and JSON Lines.

Arrays are read element by element from the stream, so a file of any size is
read in flat memory. A malformed line of JSON Lines is skipped with its line
number; a malformed JSON document stops at the first error, keeping what came before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..assemble import RawRecord
from .source import MAX_ARTICLE_BYTES, Source, map_fields

_CHUNK = 1 << 18  # characters read at a time; a few chunks are all that is held
_DECODER = json.JSONDecoder()
# Keys under which APIs and dumps wrap their list of articles: {"status": "ok", "articles": [...]}.
_WRAPPERS = ("articles", "items", "results", "data", "docs", "documents", "records", "entries", "news", "posts")
# An article needs a few levels of nesting; a value nested far deeper (which json still parses) would
# exhaust the stack of the recursive code that reads it later, so such a record is skipped here.
_MAX_NESTING = 64


def _malformed(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"malformed JSON: {error.msg} column {error.colno}"
    return "malformed JSON: nested too deeply" if isinstance(error, RecursionError) else f"malformed JSON: {error}"


def _too_deep(value) -> bool:
    """True when ``value`` has more than _MAX_NESTING levels of objects and arrays (checked without recursion)."""
    level = [value]
    for _ in range(_MAX_NESTING):
        level = [v for item in level if isinstance(item, (dict, list)) for v in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return True


def _record(value, source: Source, number: int, where: str) -> Iterator[RawRecord]:
    if not isinstance(value, dict):
        source.report.skip(where, "not an article object", f"not a JSON object ({type(value).__name__})")
        return
    if _too_deep(value):
        source.report.skip(where, "malformed JSON", _malformed(RecursionError()))
        return
    raw = map_fields(value, source.fields)
    if not raw.get("body") and not raw.get("title"):
        source.report.skip(where, "no title or text", "record has neither title nor body")
        return
    yield RawRecord(raw, default_id=source.record_id(number), origin=where, caption=False)


def read_jsonl(source: Source) -> Iterator[RawRecord]:
    for number, line in enumerate(source.lines(), start=1):
        if not line.strip():
            continue
        where = source.at(number)
        if len(line) > MAX_ARTICLE_BYTES:
            source.report.skip(where, "too large", "line too large for one article")
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as e:
            source.report.skip(where, "malformed JSON", _malformed(e))
            continue
        yield from _record(value, source, number, where)


class _Stream:
    """Text read in chunks, with a cursor; old text is dropped as the cursor moves on."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self.text, self.pos, self.line, self.done = "", 0, 1, False

    def more(self, at_least: int = _CHUNK) -> bool:
        if self.done:
            return False
        self.line += self.text.count("\n", 0, self.pos)
        self.text, self.pos = self.text[self.pos:], 0
        pieces, size = [self.text], len(self.text)
        while size < len(self.text) + at_least:
            piece = next(self._chunks, None)
            if piece is None:
                self.done = True
                break
            pieces.append(piece)
            size += len(piece)
        self.text = "".join(pieces)
        return True

    def skip_space(self) -> str:
        """The next non-space character ('' at the end), without consuming it."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos: self.pos + 1]

    def value(self):
        """Decode the JSON value at the cursor, reading more text while it is cut off."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
                # A number at the very end of the buffer may continue in the next chunk.
                if end < len(self.text) or self.done or not isinstance(value, (int, float)):
                    self.pos = end
                    return value
            except json.JSONDecodeError:
                if self.done:
                    raise
            if not self.more(max(_CHUNK, len(self.text) - self.pos)):  # a big value: read as much again
                raise json.JSONDecodeError("unexpected end of data", self.text, len(self.text))

    def where(self) -> int:
        return self.line + self.text.count("\n", 0, self.pos)


def _top_level(stream: _Stream) -> Iterator[tuple[int, object]]:
    """``(line, value)`` for each article-sized value: array elements, or top-level values."""
    first = stream.skip_space()
    if first == "[":
        stream.pos += 1
        while stream.skip_space() not in ("]", ""):
            line = stream.where()
            yield line, stream.value()
            if stream.skip_space() == ",":
                stream.pos += 1
        return
    while first:
        line = stream.where()
        value = stream.value()
        wrapped = next((value[k] for k in _WRAPPERS if isinstance(value, dict) and isinstance(value.get(k), list)), None)
        if wrapped is not None and not map_fields(value).get("body"):
            yield from ((line, v) for v in wrapped)
        else:
            yield line, value
        first = stream.skip_space()


def read_json(source: Source) -> Iterator[RawRecord]:
    stream = _Stream(source.chunks(_CHUNK))
    number = 0
    values = _top_level(stream)
    while True:
        try:
            line, value = next(values)
        except StopIteration:
            return
        except (json.JSONDecodeError, RecursionError) as e:
            source.report.skip(source.at(stream.where()), "malformed JSON", _malformed(e) + "; rest of file")
            return
        number += 1
        yield from _record(value, source, number, source.at(line, number))
