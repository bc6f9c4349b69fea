"""Sources stage: which format a file is in, from its name and its first bytes.

The extension is the first clue (``.gz`` looked through); the content settles
JSON against JSON Lines, and names files whose extension says nothing.
"""

from __future__ import annotations

import json
import re

from ..formats import FORMATS  # noqa: F401 (the readers' names for them)

EXTENSIONS = {
    ".txt": "text", ".text": "text", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".sgm": "reuters", ".sgml": "reuters",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}
_REUTERS = re.compile(r"<!DOCTYPE\s+lewis|<REUTERS[\s>]", re.I)
_HTML = re.compile(r"<!DOCTYPE\s+html|<html[\s>]", re.I)
_COLUMN = re.compile(r"\b(?:title|headline|content|body|text|article)\b", re.I)


def extension(name: str) -> str:
    """The extension that names the format: ``a.jsonl.gz`` gives ``.jsonl``."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _json_lines(text: str) -> bool:
    """True when the first line is a whole JSON object and the next one starts another."""
    first, _, rest = text.lstrip().partition("\n")
    try:
        return isinstance(json.loads(first), dict) and rest.lstrip()[:1] == "{"
    except (ValueError, RecursionError):
        return False


def _sniff(head: str) -> str | None:
    text = head.lstrip("\ufeff \t\r\n")
    if _REUTERS.match(text):
        return "reuters"
    if _HTML.match(text) or (text[:1] == "<" and re.search(r"<(?:body|head)[\s>]", text[:2000], re.I)):
        return "html"
    if text[:1] == "[":
        return "json"
    if text[:1] == "{":
        return "jsonl" if _json_lines(text) else "json"
    header = text.partition("\n")[0].strip()
    delimiter = max("\t,;|", key=header.count)
    names = [name.strip(' "') for name in header.split(delimiter)]
    if len(names) >= 2 and all(len(name) <= 30 for name in names) and any(map(_COLUMN.fullmatch, names)):
        return "tsv" if delimiter == "\t" else "csv"
    return None


def detect_format(name: str, head: str) -> str | None:
    """The format of a file called ``name`` that starts with ``head``, or ``None`` if unknown."""
    by_name = EXTENSIONS.get(extension(name))
    if by_name == "json" and _json_lines(head):
        return "jsonl"  # JSON Lines saved as .json
    if by_name == "jsonl" and head.lstrip().partition("\n")[0].strip() in ("{", "["):
        return "json"  # one document spread over lines, saved as .jsonl
    by_content = _sniff(head)
    if by_name == "text" and by_content in ("reuters", "html"):
        return by_content
    return by_name or by_content
