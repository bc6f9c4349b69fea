"""People stage: who is named in an article (full names, in order of first mention).

A first, cue-based extractor: a run of two or three capitalised words counts as
a person's name when a role word comes before it ("Foreign Minister Sergei
Lavrov") or a verb of saying after it ("Angela Merkel said").
"""

from __future__ import annotations

import re

_ROLES = (
    r"President|Prime Minister|Minister|Chancellor|spokesman|spokeswoman|spokesperson|Mayor|Governor"
    r"|Senator|Secretary|Director|Chairman|Chairwoman|Chief Executive|CEO|Judge|General|Coach|Captain"
    r"|Ambassador|Commissioner|Professor|Dr\.|Mr\.|Mrs\.|Ms\.|leader|manager|striker|analyst|economist"
)
_NAME = r"[A-Z][a-zà-öø-ÿ'’\-]+(?:\s+(?:[A-Z]\.\s+)?(?:(?:van der|von der|van|von|de|da|del|bin|al|le|la)\s+)?[A-Z][\w'’\-]+){1,2}"
_AFTER_ROLE = re.compile(rf"\b(?:{_ROLES})\s+(?P<name>{_NAME})")
_BEFORE_VERB = re.compile(rf"(?P<name>{_NAME})(?:’s|'s)?\s+(?:said|says|told|added|noted|wrote|argued|warned)\b")
_NOT_FIRST = re.compile(rf"^(?:The|A|An|This|That|On|In|At|{_ROLES})$")


def _clean(name: str) -> str:
    return re.sub(r"(?:’s|'s)$", "", " ".join(name.split()))


def extract_people(text: str) -> list[str]:
    """Full names of the persons named in ``text``, each once, in order of first mention."""
    found: list[tuple[int, str]] = []
    for rx in (_AFTER_ROLE, _BEFORE_VERB):
        found += [(m.start("name"), _clean(m["name"])) for m in rx.finditer(text)]
    found.sort()
    names: list[str] = []
    for _, name in found:
        while name.split()[0] in ("Prime", "Foreign", "Chief") or _NOT_FIRST.match(name.split()[0]):
            name = " ".join(name.split()[1:])
            if not name:
                break
        if name and len(name.split()) > 1 and name not in names:
            names.append(name)
    return names
