"""The Article record: what every reader yields and every later stage consumes."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Article:
    """One normalized news article.

    ``body`` keeps the original characters (curly quotes, accents) for display;
    the index folds them for searching.
    """

    id: str
    title: str = ""
    body: str = ""
    date: date | None = None
    people: list[str] = field(default_factory=list)
    url: str = ""
    source: str = ""
    author: str = ""
    caption: str = ""
    credits: list[str] = field(default_factory=list)
    date_raw: str = ""  # the date as the source wrote it
    origin: str = ""  # file (and record) the article was read from
    places: list[str] = field(default_factory=list)  # places the source tagged (Reuters PLACES)
    topics: list[str] = field(default_factory=list)  # topics, tags or categories the source gave

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO strings)."""
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        """Build an Article from a dict with the same field names (unknown keys ignored)."""
        from .dates import parse_date

        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        value = known.get("date")
        if isinstance(value, str):
            known.setdefault("date_raw", value)
            known["date"] = parse_date(value)
        known["id"] = str(known.get("id") or "")
        for key in ("people", "credits", "places", "topics"):
            if isinstance(known.get(key), str):
                known[key] = [p.strip() for p in known[key].split(";") if p.strip()]
        return cls(**known)

    def content_key(self) -> bytes:
        """Equal for articles whose title and text are the same (case and spacing aside): duplicates."""
        text = " ".join(self.title.split()).casefold() + "\n" + " ".join(self.body.split()).casefold()
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def fingerprint(self) -> str:
        """A hash of everything that is indexed: equal fingerprints mean nothing to re-index."""
        d = self.to_dict()
        d.pop("origin")
        return hashlib.sha1(repr(sorted(d.items())).encode("utf-8")).hexdigest()
