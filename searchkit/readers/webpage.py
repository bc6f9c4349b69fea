"""Sources stage: saved news web pages (``.html``), one article per page.

The main text, title and author come from trafilatura (the optional ``html``
extra), which leaves out navigation, ads, related links and comments. The
publication date is read here, only from the page's own metadata (meta tags,
``itemprop="datePublished"``, JSON-LD) and never from dates shown in the page:
trafilatura would take one from a related article's ``<time>``. The reader only
reads the file; extracting is costly, so :func:`extract_webpage` runs in assemble.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator

from ..assemble import RawRecord
from .source import Source

MISSING = "HTML pages need the html extra: pip install 'searchkit[html]'"

_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "publishdate", "publish-date", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "date", "sailthru.date", "parsely-pub-date", "article.published",
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def _meta(tree) -> dict[str, str]:
    """The page's meta tags and itemprop values, by lower-cased name or property (first wins)."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and el.get("content"):
            found.setdefault(key, el.get("content").strip())
    for el in tree.xpath("//*[@itemprop='datePublished']"):
        value = el.get("content") or el.get("datetime")
        if value:
            found.setdefault("datepublished", value.strip())
    return found


def _json_ld_date(tree) -> str:
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        m = re.search(r'"datePublished"\s*:\s*"([^"]{6,40})"', script)
        if m:
            return json.loads(f'"{m[1]}"')
    return ""


def _caption(tree) -> str:
    """The article's first photo caption, not one from a sidebar or a related story."""
    for el in tree.xpath("//article//figcaption | //main//figcaption | //figcaption"):
        if not el.xpath("ancestor::aside | ancestor::nav | ancestor::footer"):
            return " ".join(el.text_content().split())
    return ""


def extract_webpage(page: str) -> dict:
    """Our fields (title, date, author, url, source, topics, caption, body) from a news page's HTML."""
    import trafilatura
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return {}
    meta = _meta(tree)
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    found = {
        "date": next((meta[k] for k in _DATE_META if meta.get(k)), "") or _json_ld_date(tree),
        "url": (canonical[0] if canonical else meta.get("og:url", "")).strip(),
        "topics": ", ".join(t for t in (meta.get("article:section"), meta.get("article:tag"), meta.get("keywords")) if t),
        "caption": _caption(tree),
        "source": meta.get("og:site_name", ""),
    }
    try:
        doc = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_images=False, include_tables=True,
            favor_precision=True,
        )
    except Exception:  # a page trafilatura chokes on has no text we can use; the reader reports it
        doc = None
    if doc is not None:
        title = doc.title or ""
        paragraphs = [p for p in (doc.text or "").split("\n") if p.strip()]
        if paragraphs and title and " ".join(paragraphs[0].split()) == " ".join(title.split()):
            paragraphs = paragraphs[1:]  # the page's own headline, repeated above the text
        found.update(title=title, author=doc.author or "", body="\n\n".join(paragraphs))
        found["source"] = found["source"] or doc.sitename or ""
    return found


def read_html(source: Source) -> Iterator[RawRecord]:
    if importlib.util.find_spec("trafilatura") is None:
        source.report.skip(source.name, "HTML support not installed", MISSING)
        return
    with source.open() as f:
        declared = _CHARSET.search(f.read(4096))
    text = source.read_text(declared[1].decode("ascii") if declared else None)
    if text is None:
        return
    yield RawRecord({"html": text}, default_id=source.record_id(), origin=source.name)
