"""Article stage: a reader's raw record becomes a normalized :class:`Article`.

Every reader funnels through :func:`assemble`, so each format gets the same
normalizing, date parsing and people extraction. This is the costly step of
ingesting; it is a pure function of the picklable :class:`RawRecord`, so it can
run in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .dates import date_from_dateline, date_from_url, parse_date
from .normalize import derive_title, normalize_line, normalize_text, split_credit
from .people import extract_people

# Keys under which JSON sources nest a name: {"source": {"id": "bbc", "name": "BBC News"}}.
_NAME_KEYS = ("name", "title", "text", "value", "#text", "@value")


def as_text(value) -> str:
    """A JSON value as text: lists joined with commas, objects by their name."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, dict):
        return next((as_text(value[k]) for k in _NAME_KEYS if value.get(k)), "")
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in map(as_text, value) if t)
    return str(value)


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    elif not isinstance(value, (list, tuple)):
        value = [value]
    names = (normalize_line(as_text(v)) for v in value)
    return list(dict.fromkeys(n for n in names if n))


@dataclass
class RawRecord:
    """What a reader found for one article, before normalizing (picklable, so it can cross processes).

    ``raw`` uses our field names: id, title, date, body, people, url, source, author,
    places, topics, and optionally dateline (a date of last resort), caption (a
    photo caption found apart from the body) or html (a whole web page, extracted here).
    """

    raw: dict
    default_id: str  # the id to use when the source gives neither id nor url
    origin: str  # file (and line or record) for messages
    caption: bool = True  # may the body hold photo captions that end in a credit?


def _with_page(raw: dict) -> dict:
    """Fields extracted from a web page in ``raw['html']``; fields the reader set win."""
    from .readers.webpage import extract_webpage

    page = extract_webpage(raw["html"])
    page.update((k, v) for k, v in raw.items() if k != "html" and v not in (None, ""))
    return page


def assemble(record: RawRecord) -> Article:
    """Build an Article from a reader's record.

    The body is normalized, the date parsed (the original string is kept; without a
    usable metadata date, the article's own URL or opening dateline may give it), and
    people named in the text are added after any the source listed.
    """
    raw = _with_page(record.raw) if "html" in record.raw else record.raw
    cleaned = normalize_text(as_text(raw.get("body")), caption=record.caption)
    caption, credits = split_credit(normalize_line(as_text(raw.get("caption"))))
    if caption or credits:
        cleaned.caption = "\n\n".join(c for c in (caption, cleaned.caption) if c)
        cleaned.credits = credits + cleaned.credits
    title = normalize_line(as_text(raw.get("title"))) or derive_title(cleaned.body)
    date_value = raw.get("date")
    date_raw = normalize_line(as_text(date_value))
    url = normalize_line(as_text(raw.get("url")))
    published = (
        parse_date(date_value if isinstance(date_value, (int, float)) else date_raw)
        or date_from_url(url)
        or date_from_dateline(as_text(raw.get("dateline")))
        or date_from_dateline(cleaned.body)
    )
    people = _as_list(raw.get("people"))
    for name in extract_people(cleaned.body):
        if name not in people:
            people.append(name)
    author = normalize_line(as_text(raw.get("author")))
    return Article(
        id=normalize_line(as_text(raw.get("id"))) or url or record.default_id,
        title=title,
        body=cleaned.body,
        date=published,
        people=people,
        url=url,
        source=normalize_line(as_text(raw.get("source"))),
        author=author[3:] if author[:3].lower() == "by " else author,
        caption=cleaned.caption,
        credits=cleaned.credits,
        date_raw=date_raw,
        origin=record.origin,
        places=_as_list(raw.get("places")),
        topics=_as_list(raw.get("topics")),
    )
