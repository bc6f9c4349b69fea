"""Normalize stage: turn text copied from PDFs and web pages into clean paragraphs.

Readers hand raw article text here; what comes back is the body (paragraphs
separated by blank lines, original characters kept for display), plus the
opening photo caption and its credits, which are not part of the story.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Lines that are page furniture, not story: dropped wherever they appear.
_BOILERPLATE = re.compile(
    r"^\s*(?:"
    r"related(?:\s+(?:article|articles|story|stories|reading|content|coverage))?\s*:.*"
    r"|(?:https?://|www\.)\S+"
    r"|(?:read more|see also)\s*:.*"
    r")\s*$",
    re.IGNORECASE,
)

# "… outcome. Dmitri Lovetsky / AP / TASS": a name, then one or more agencies split by slashes.
_NAME_WORD = r"[A-Z][\w'’.\-]*"
_AGENCY = r"[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,2}"
_CREDIT = re.compile(
    rf"(?:^|(?<=[.!?”\"’)]) )(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}) ?/ ?(?P<agencies>{_AGENCY}(?: ?/ ?{_AGENCY})*)$"
)

# Prefixes whose hyphen survives a line break even before a lowercase word (post-\nelection).
_HYPHEN_PREFIXES = frozenset(
    "anti co counter cross ex half inter mid multi neo non over post pre pro quasi self semi sub super"
    " ultra under well".split()
)

_TERMINAL = re.compile(r"[.!?…:;][”\"’')\]]*$")


@dataclass
class CleanText:
    """The result of normalizing one article's text."""

    body: str
    caption: str = ""
    credits: list[str] = field(default_factory=list)


def _join_lines(lines: list[str]) -> str:
    """Unwrap hard-wrapped lines into one paragraph, mending words hyphenated at line ends."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        m = re.search(r"(\w+)-$", out)
        if m and line[:1].isalpha():
            if line[0].islower() and m[1].lower() not in _HYPHEN_PREFIXES:
                out = out[:-1] + line  # partici- + pation
            else:
                out += line  # post- + Soviet keeps its hyphen
        else:
            out += " " + line
    return re.sub(r"[ \t]{2,}", " ", out)


def split_credit(text: str) -> tuple[str, list[str]]:
    """Split a trailing photo credit off a caption: ``(caption, [photographer])``."""
    m = _CREDIT.search(text)
    if not m:
        return text, []
    return text[: m.start()].rstrip(), [m["name"]]


def normalize_text(raw: str, *, caption: bool = True) -> CleanText:
    """Clean raw article text: NFC, unwrap, drop boilerplate, separate the opening caption.

    With ``caption=True`` an opening block that ends in a photo credit becomes the caption.
    Normalizing the returned body again changes nothing.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    blocks: list[list[str]] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip() and not _BOILERPLATE.match(ln)]
        if lines:
            blocks.append(lines)

    result = CleanText(body="")
    paragraphs = [_join_lines(b) for b in blocks]
    if caption and len(paragraphs) > 1:
        cap, credits = split_credit(paragraphs[0])
        if credits:
            result.caption, result.credits = cap, credits
            paragraphs = paragraphs[1:]

    merged: list[str] = []
    for para in paragraphs:
        # A sentence cut in two by a stray line (a URL, an ad) continues in lowercase.
        if merged and para[:1].islower() and not _TERMINAL.search(merged[-1]):
            merged[-1] += " " + para
        else:
            merged.append(para)
    result.body = "\n\n".join(merged)
    return result


def looks_like_headline(line: str) -> bool:
    """True for a short single line that reads as a headline rather than a sentence of text."""
    line = line.strip()
    words = line.split()
    return (
        2 <= len(words) <= 20
        and len(line) <= 150
        and not line.endswith((".", ",", ";", ":"))
        and line[:1].isupper()
        and not _CREDIT.search(line)
    )


def derive_title(body: str, limit: int = 90) -> str:
    """A title from the lead sentence, cut at a word boundary when longer than ``limit``."""
    first = body.strip().split("\n\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", first, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
