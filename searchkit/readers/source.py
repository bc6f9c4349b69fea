"""Sources stage, shared part: one input file (gzipped or not), its encoding, and the run's report.

Every format reader gets a :class:`Source`: it opens the file (``.gz``
transparently), decides the encoding (UTF-8, a byte-order mark, a declared
charset, else detected with charset-normalizer and reported), and names places in
it for messages. Problems go to the :class:`ReadReport`, never raised.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

# One article is never this big; a bigger file or field is not an article and is skipped.
MAX_ARTICLE_BYTES = 16 * 1024 * 1024
HEAD_BYTES = 64 * 1024  # how much is read to detect format and encoding

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_BINARY_MAGIC = {b"%PDF": "a PDF (extract its text first)", b"PK\x03\x04": "a ZIP archive", b"\x89PNG": "an image",
                 b"\xff\xd8\xff": "an image", b"GIF8": "an image"}

# Other people's names for our fields, first match wins; "a.b" looks inside nested objects.
ALIASES = {
    "id": ("id", "guid", "doc_id", "docid", "uuid", "_id", "article_id"),
    "title": ("title", "headline", "heading", "webTitle"),
    "date": ("date", "published", "publishedAt", "pubDate", "publish_date", "published_at", "datePublished",
             "pub_date", "publication_date", "webPublicationDate", "created_at", "timestamp", "datetime"),
    "body": ("body", "text", "content", "article", "articleBody", "article_text", "story", "full_text",
             "maintext", "fields.bodyText", "description", "summary"),
    "people": ("people", "persons", "person"),
    "url": ("url", "link", "href", "permalink", "canonical_url", "web_url", "webUrl"),
    "author": ("author", "byline", "authors", "creator", "writer"),
    "source": ("source", "publication", "publisher", "site_name", "sitename", "outlet"),
    "places": ("places", "locations", "location", "countries", "country"),
    "topics": ("topics", "tags", "keywords", "categories", "category", "section", "subjects", "sectionName"),
    "caption": ("caption", "image_caption"),
}


@dataclass
class ReadReport:
    """What reading met: one line per problem naming the file and line or record, and counts by reason."""

    problems: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> records or files left out
    warnings: Counter = field(default_factory=Counter)  # reason -> things repaired, guessed or left empty
    ignored: int = 0  # files in folders that are in no known format (README.md, images)
    files: int = 0
    records: int = 0

    def skip(self, where: str, reason: str, detail: str = "") -> None:
        """Note that the record or file at ``where`` is left out."""
        self.skipped[reason] += 1
        self.problems.append(f"{where}: {detail or reason}; skipped")

    def warn(self, where: str, reason: str, detail: str = "") -> None:
        """Note something repaired or left empty at ``where``; the record is still read."""
        self.warnings[reason] += 1
        self.problems.append(f"{where}: {detail or reason}")

    def merge(self, other: "ReadReport") -> None:
        """Add what another report (a worker's, say) met to this one."""
        self.problems += other.problems
        self.skipped.update(other.skipped)
        self.warnings.update(other.warnings)
        self.ignored += other.ignored
        self.files += other.files
        self.records += other.records


def map_fields(record: dict, fields: dict[str, str] | None = None) -> dict:
    """Our field names for a record's keys (case-insensitive); ``fields`` maps ours to theirs first."""
    lower = {str(k).lower(): v for k, v in record.items()}
    out = {}
    for key, names in ALIASES.items():
        wanted = ((fields[key],) if fields and key in fields else ()) + names
        for name in wanted:
            value = _lookup(lower, name.lower())
            if value not in (None, "", [], {}):
                out[key] = value
                break
    return out


def _lookup(record: dict, name: str):
    if name in record or "." not in name:
        return record.get(name)
    head, _, rest = name.partition(".")
    inner = record.get(head)
    return _lookup({str(k).lower(): v for k, v in inner.items()}, rest) if isinstance(inner, dict) else None


def _utf8(data: bytes) -> bool:
    """True for UTF-8, also with a few corrupt bytes among many good multi-byte characters."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)  # a cut-off last character is fine
        return True
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return len(re.findall(r"[^\x00-\x7f]", text)) - bad > bad


def binary_kind(head: bytes) -> str | None:
    """What a file's first bytes show it to be when it is not text (``None`` for text)."""
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\x00" in head[:8192] and not any(head.startswith(bom) for bom, _ in _BOMS):
        return "binary data"
    return None


def choose_encoding(head: bytes, declared: str | None = None) -> tuple[str, str]:
    """``(encoding, note)`` for bytes starting with ``head``; the note is empty unless the encoding was guessed."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, ""
    if _utf8(head):
        return "utf-8", ""
    if declared:
        try:
            return codecs.lookup(declared).name, ""
        except LookupError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:HEAD_BYTES]).best()
    name = best.encoding if best else "cp1252"
    return name, f"not UTF-8; read as {name} (detected), check its accented letters"


class Source:
    """One input file: opened, decoded and named for messages."""

    def __init__(self, path: Path, report: ReadReport, fields: dict[str, str] | None = None):
        self.path = path
        self.name = str(path)
        self.report = report
        self.fields = fields
        with open(path, "rb") as f:
            self.compressed = f.read(2) == b"\x1f\x8b"
        self._check_replacements = True  # until one undecodable byte has been reported
        self._id_prefix = f"{path.stem}-{hashlib.sha1(str(path.resolve()).encode('utf-8')).hexdigest()[:8]}"

    def open(self) -> BinaryIO:
        """The file's bytes, uncompressed."""
        return gzip.open(self.path, "rb") if self.compressed else open(self.path, "rb")

    def head(self) -> bytes:
        """The first bytes, uncompressed; as many as there are when a gzip file is cut short."""
        pieces: list[bytes] = []
        with self.open() as f:
            try:
                while sum(map(len, pieces)) < HEAD_BYTES and (piece := f.read(8192)):
                    pieces.append(piece)
            except (EOFError, zlib.error, gzip.BadGzipFile):
                if not pieces:
                    raise
        return b"".join(pieces)[:HEAD_BYTES]

    def record_id(self, number: int | None = None) -> str:
        """A stable id for a record that has none of its own: the file's name and path, plus its number."""
        return self._id_prefix + (f"-{number}" if number is not None else "")

    def at(self, line: int | None = None, record: int | None = None) -> str:
        """The file, line or record for a message."""
        return self.name + (f":{line}" if line is not None else "") + (f" record {record}" if record is not None else "")

    def read_text(self, declared: str | None = None) -> str | None:
        """The whole file as text, or ``None`` (reported) when it is too big to be one article."""
        with self.open() as f:
            data = f.read(MAX_ARTICLE_BYTES + 1)
        if len(data) > MAX_ARTICLE_BYTES:
            self.report.skip(self.name, "too large", f"larger than {MAX_ARTICLE_BYTES >> 20} MB, too large for one article")
            return None
        encoding, note = choose_encoding(data, declared)
        if note:
            self.report.warn(self.name, "encoding guessed", note)
        text = data.decode(encoding, errors="replace")
        if not note and "\ufffd" in text and "\ufffd".encode(encoding, errors="ignore") not in data:
            line = text[: text.index("\ufffd")].count("\n") + 1
            self.report.warn(self.at(line), "undecodable bytes", "undecodable bytes replaced")
        return text

    def _decoded(self, encoding: str | None, newline: str | None) -> io.TextIOWrapper:
        note = ""
        if encoding is None:
            encoding, note = choose_encoding(self.head())
            if note:
                self.report.warn(self.name, "encoding guessed", note)
        self._check_replacements = not note and encoding != "latin-1"
        return io.TextIOWrapper(self.open(), encoding=encoding, errors="replace", newline=newline)

    def _replaced(self, text: str, line: int) -> None:
        if self._check_replacements and "\ufffd" in text:
            self._check_replacements = False  # once per file is enough
            self.report.warn(self.at(line), "undecodable bytes", "undecodable bytes replaced")

    def lines(self, *, encoding: str | None = None, newline: str | None = None) -> Iterator[str]:
        """The file's lines, decoded as they are read (so memory stays flat); undecodable bytes reported once."""
        with self._decoded(encoding, newline) as text:
            for number, line in enumerate(text, start=1):
                self._replaced(line, number)
                yield line

    def chunks(self, size: int = 1 << 20) -> Iterator[str]:
        """The file's text in pieces of ``size`` characters, for formats where lines mean nothing."""
        line = 1
        with self._decoded(None, None) as text:
            while piece := text.read(size):
                self._replaced(piece, line)
                line += piece.count("\n")
                yield piece
