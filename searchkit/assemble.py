"""Article stage: a reader's raw record becomes a normalized :class:`Article`.

Every reader funnels through :func:`assemble`, so each format gets the same
normalizing, date parsing and people extraction.
"""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .dates import parse_date
from .normalize import derive_title, normalize_text
from .people import extract_people


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return [" ".join(str(v).split()) for v in value if str(v).strip()]


@dataclass
class RawRecord:
    """What a reader found for one article, before normalizing (picklable, so it can cross processes)."""

    raw: dict  # our field names: id, title, date, body, people, url, source, author
    default_id: str  # the id to use when the source gives neither id nor url
    origin: str  # file (and line or record) for messages
    caption: bool = True  # may the body open with a photo caption?


def assemble(record: RawRecord) -> Article:
    """Build an Article from a reader's record.

    The body is normalized, the date parsed (the original string is kept), and
    people named in the text are added after any the source listed.
    """
    raw, caption = record.raw, record.caption
    cleaned = normalize_text(str(raw.get("body") or ""), caption=caption)
    title = " ".join(str(raw.get("title") or "").split()) or derive_title(cleaned.body)
    date_raw = str(raw.get("date") or "").strip()
    people = _as_list(raw.get("people"))
    for name in extract_people(cleaned.body):
        if name not in people:
            people.append(name)
    url = str(raw.get("url") or "").strip()
    return Article(
        id=str(raw.get("id") or url or record.default_id),
        title=title,
        body=cleaned.body,
        date=parse_date(date_raw),
        people=people,
        url=url,
        source=str(raw.get("source") or "").strip(),
        author=str(raw.get("author") or "").strip(),
        caption=cleaned.caption,
        credits=cleaned.credits,
        date_raw=date_raw,
        origin=record.origin,
    )
