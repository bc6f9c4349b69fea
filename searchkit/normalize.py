"""Normalize stage: turn text copied from PDFs and web pages into clean paragraphs.

Readers hand raw article text here; what comes back is the body (paragraphs
separated by blank lines, original characters kept for display), plus the photo
captions and their credits, which are not part of the story. Every format goes
through the same steps: Unicode NFC, mojibake repair (ftfy, only where the text
shows its signs), unwrapping of hard-wrapped lines and of words hyphenated at a
line end, and dropping page furniture (related links, bare URLs, share and
subscribe lines).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Lines that are page furniture, not story: dropped wherever they appear. Matched
# against a whole line or paragraph that starts with a capital (see _is_boilerplate).
_SHARE_WORD = r"(?:share(?: on \w+| this(?: article| story)?)?|tweet|email|e-mail|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit|telegram|copy link|comments?)"
_BOILERPLATE = re.compile(
    r"(?:"
    r"(?:related|more|recommended|read more|read next|read also|see also|also read|also see|further reading"
    r"|more on this(?: story)?|watch|listen)"
    r"(?:\s+(?:article|articles|story|stories|reading|content|coverage|links?|video))?\s*[:|»>–—].*"
    r"|(?:https?://|www\.)\S+"
    r"|(?:click|tap) here\b.{0,150}"
    rf"|{_SHARE_WORD}(?:(?:\s*[|·•,/]\s*|\s+){_SHARE_WORD})*"
    r"|(?:subscribe|sign up|newsletter|get our|follow us|join our|download our app)\b.{0,120}"
    r"|advertisement|advert|sponsored(?: content)?|ad"
    r"|(?:©|\(c\)|copyright(?:\s*(?:©|\(c\)))?\s*\d{4}|all rights reserved).{0,150}"
    r")\s*",
    re.IGNORECASE,
)

# "… outcome. Dmitri Lovetsky / AP / TASS": a name, then one or more agencies split by slashes.
_NAME_WORD = r"[A-Z][\w'’.\-]*"
_AGENCY = r"[A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,2}"
_CREDIT = re.compile(
    rf"(?:^|(?<=[.!?”\"’)]) )(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}) ?/ ?(?P<agencies>{_AGENCY}(?: ?/ ?{_AGENCY})*)$"
)
# "… on Tuesday. (Photo: Ilse Marr / Courier)", "Photograph: Getty Images".
_LABELLED_CREDIT = re.compile(
    r"(?:^|(?<=[.!?”\"’)])\s)\(?(?:photo(?:graph)?s?|image|picture|credit|photo credit)\s*(?:by\s*)?:\s*"
    r"(?P<name>[^():/\n]{2,60}?)\s*(?:/[^():\n]{1,60})?\)?$",
    re.IGNORECASE,
)
_CAPTION_MAX_WORDS = 60

# Prefixes whose hyphen survives a line break even before a lowercase word (post-\nelection).
_HYPHEN_PREFIXES = frozenset(
    "anti co counter cross ex half inter mid multi neo non over post pre pro quasi self semi sub super"
    " ultra under well".split()
)

# "HARROWMOUTH, Oct 5 (EPA) - " or "VELGRAD (AP) — ": where and when, before the story starts.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,\s+[^-–—()\s][^-–—()\n]{0,29}?)?(?:\s*\([^)\n]{1,30}\))?\s+[-–—]\s+(?=\S)")

_TERMINAL = re.compile(r"[.!?…:;][”\"’')\]]*$")
_LONG_LINE = 120  # longer lines are not hard-wrapped: each is a paragraph of its own

# Characters that show UTF-8 read as cp1252 or latin-1 ("cafÃ©", "â€œ"), and PDF ligatures:
# only text containing one goes through ftfy, which is slow and needs no call otherwise.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\ufb00-\ufb06]"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_C0_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f]")
# Half a surrogate pair, as JSON escapes of a cut-off emoji leave ("\ud83d"): it cannot be written as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class CleanText:
    """The result of normalizing one article's text."""

    body: str
    caption: str = ""
    credits: list[str] = field(default_factory=list)


def _fix_encoding(text: str) -> str:
    if not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False, uncurl_quotes=False, fix_character_width=False, fix_line_breaks=False,
        explain=False,
    )
    return ftfy.fix_text(text, config)


def mend_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (unencodable as UTF-8) replaced by U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def prepare(raw: str) -> str:
    """First clean-up of raw text: one kind of line break, odd spaces and C0 controls gone.

    A soft hyphen at a line end joins the word. C1 controls stay for now: they are
    evidence of mojibake that :func:`settle` repairs.
    """
    text = _LINE_BREAKS.sub("\n", raw).translate(_INVISIBLE)
    text = re.sub("\u00ad[ \t]*\n[ \t]*", "", text).replace("\u00ad", "")
    return _C0_CONTROLS.sub("", _SPACES.sub(" ", text))


def _tidy(text: str) -> str:
    text = _CONTROLS.sub("", text.translate(_INVISIBLE).replace("\u00ad", ""))
    text = mend_surrogates(text)
    return " ".join(unicodedata.normalize("NFC", text).split())


def settle(text: str) -> str:
    """One line of text in its final form: mojibake repaired, NFC, no controls, single spaces.

    Repeated until nothing changes (a repair can reveal another), so settling twice
    gives the same text.
    """
    for _ in range(4):
        fixed = _tidy(_fix_encoding(text))
        if fixed == text:
            break
        text = fixed
    return text


def normalize_line(raw: str) -> str:
    """A one-line field (title, author, source) cleaned like the body, with whitespace collapsed."""
    return settle(str(raw))


def _is_boilerplate(line: str) -> bool:
    line = line.strip()
    # Page furniture starts a line with a capital (or is a URL); a wrapped line of a
    # sentence that happens to start with "newsletter" is story text.
    if not line or not (line[0].isupper() or line[0] in "©(" or line[:4].lower() in ("http", "www.")):
        return False
    return bool(_BOILERPLATE.fullmatch(line))


def _join_lines(lines: list[str]) -> str:
    """Unwrap hard-wrapped lines into one paragraph, mending words hyphenated at line ends."""
    pieces: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        m = re.search(r"(\w+)-$", pieces[-1][-40:]) if pieces else None
        if not pieces:
            pieces.append(line)
        elif m and line[:1].isalpha():
            if line[0].islower() and m[1].lower() not in _HYPHEN_PREFIXES:
                pieces[-1] = pieces[-1][:-1]  # partici- + pation
            pieces.append(line)  # post- + Soviet keeps its hyphen
        elif m and line[:1].isdigit():
            pieces.append(line)  # COVID- + 19
        else:
            pieces += [" ", line]
    return re.sub(r" {2,}", " ", "".join(pieces))


def _paragraphs(block: list[str]) -> list[list[str]]:
    """Split a block of lines into paragraphs: hard-wrapped lines go together, long lines stand alone."""
    if max(len(line) for line in block) <= _LONG_LINE:
        return [block]
    return [[line] for line in block]


def split_credit(text: str) -> tuple[str, list[str]]:
    """Split a trailing photo credit off a caption: ``(caption, [photographer])``."""
    m = _CREDIT.search(text) or _LABELLED_CREDIT.search(text)
    if not m:
        return text, []
    return text[: m.start()].rstrip(), [m["name"].strip()]


def normalize_text(raw: str, *, caption: bool = True) -> CleanText:
    """Clean raw article text: NFC, mojibake, unwrap, drop boilerplate, separate photo captions.

    With ``caption=True`` a short paragraph that ends in a photo credit goes to the
    caption (and its photographer to the credits) instead of the body, unless it is
    the only paragraph. Normalizing the returned body again changes nothing.
    """
    paragraphs: list[str] = []
    for chunk in re.split(r"\n[ \t]*\n", prepare(raw)):
        lines = [ln for ln in chunk.split("\n") if ln.strip() and not _is_boilerplate(ln)]
        if lines:
            joined = (settle(_join_lines(group)) for group in _paragraphs(lines))
            paragraphs += [p for p in joined if p and not _is_boilerplate(p)]

    result = CleanText(body="")
    if caption and len(paragraphs) > 1:
        found = [split_credit(p) if len(p.split()) <= _CAPTION_MAX_WORDS else (p, []) for p in paragraphs]
        kept = [p for p, (_, credits) in zip(paragraphs, found) if not credits]
        if kept:  # a text that is all captions is the story itself
            result.caption = "\n\n".join(cap for cap, credits in found if credits and cap)
            result.credits = [name for _, credits in found for name in credits]
            paragraphs = kept
    result.body = "\n\n".join(_mend_sentences(paragraphs))
    return result


def _mend_sentences(paragraphs: list[str]) -> list[str]:
    """Rejoin a sentence cut in two by a stray line (a URL, an ad): it continues in lowercase."""
    while True:
        groups: list[list[str]] = []
        for para in paragraphs:
            if groups and para[:1].islower() and not _TERMINAL.search(groups[-1][-1]):
                groups[-1].append(para)
            else:
                groups.append([para])
        whole = [parts[0] if len(parts) == 1 else settle(" ".join(parts)) for parts in groups]
        paragraphs = [p for p in whole if not _is_boilerplate(p)]
        if len(paragraphs) == len(whole):  # dropping one may bring two halves together again
            return paragraphs


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
    """A title from the lead sentence (without its dateline), cut at a word boundary when longer than ``limit``."""
    first = _DATELINE.sub("", body.strip().split("\n\n", 1)[0])
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", first, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
