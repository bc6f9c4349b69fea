"""Sources stage: which format a file is in, from its name and its first bytes.

The extension is the first clue (``.gz`` looked through); the content settles
JSON against JSON Lines, and names files whose extension says nothing.
"""

from __future__ import annotations

import json
import re

FORMATS = ("text", "json", "jsonl", "csv", "tsv", "reuters", "html")
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


def _sniff(head: str) -> str | None:
    text = head.lstrip("\ufeff \t\r\n")
    if _REUTERS.match(text):
        return "reuters"
    if _HTML.match(text) or (text[:1] == "<" and re.search(r"<(?:body|head)[\s>]", text[:2000], re.I)):
        return "html"
    if text[:1] == "[":
        return "json"
    if text[:1] == "{":
        first, _, rest = text.partition("\n")
        try:
            json.loads(first)
        except ValueError:
            return "json"  # an object spread over lines
        return "jsonl" if rest.lstrip()[:1] in ("{", "") else "json"
    header = text.partition("\n")[0]
    if _COLUMN.search(header):
        delimiter = max("\t,;|", key=header.count)
        if header.count(delimiter) >= 2:
            return "tsv" if delimiter == "\t" else "csv"
    return None


def detect_format(name: str, head: str) -> str | None:
    """The format of a file called ``name`` that starts with ``head``, or ``None`` if unknown."""
    by_name = EXTENSIONS.get(extension(name))
    by_content = _sniff(head)
    if by_name in ("json", "jsonl") and by_content in ("json", "jsonl"):
        return by_content  # JSON Lines saved as .json, or one object in a .jsonl file
    if by_name == "text" and by_content in ("reuters", "html"):
        return by_content
    return by_name or by_content
