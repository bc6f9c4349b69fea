"""Index stage, part 3: the :class:`Index` that apps open once and search many times.

Opening, searching, fetching and statistics live here; writing is in
:mod:`searchkit.writer`, parsing in :mod:`searchkit.query`, hits and snippets in
:mod:`searchkit.results`.

Whoosh searchers are slow to open (they open every segment) and not safe to share
between threads (their postings readers seek and read a shared file), so an
:class:`Index` keeps a pool of them: each search borrows one for itself, and a
searcher of an older generation of the index is closed instead of being reused.
"""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.columns import MultiColumnReader
from whoosh.index import LockError

from .article import Article
from .bulk import column_values, date_order, matching_docs, segment_docs, segment_scores
from .errors import ArticleNotFoundError, IndexBusyError, QueryError
from .mentions import PeopleCounts, co_mentions, count_people
from .query import SORTS, date_bound, filter_query, parse_query
from . import ranking
from .ranking import weighting
from .results import BodyWords, Highlighter, Hit, Results, word_lister
from .selection import Selection, select
from .storage import create_index, has_index, open_index
from .similar import find_similar
from .suggest import SUGGEST_BELOW
from .suggest import suggest as suggest_query
from .terms import TermsReport, distinctive_terms
from .timeline import Timeline, make_timeline
from .writer import AddReport, write_articles, write_records

_STEM_CACHE_SIZE = 200_000  # folded word -> stem, for marking stemmed matches in snippets


def _storable(id: str) -> bool:
    """False for an id no indexed article can have: one that is not valid Unicode (a lone surrogate)."""
    try:
        id.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def date_column(reader) -> MultiColumnReader:
    """The date column across every segment, by global document number.

    Whoosh's own reader across segments leaves out segments that have no date column (no
    article in them is dated), which shifts every document number after them.
    """
    leaves = reader.leaf_readers()
    return MultiColumnReader([leaf.column_reader("date", translate=False) for leaf, _ in leaves], [o for _, o in leaves])


class _SearcherPool:
    """Whoosh searchers of the latest index generation, lent to one search at a time."""

    def __init__(self, ix):
        self._ix = ix
        self._lock = threading.Lock()
        self._idle: list = []
        self._generation: int | None = None
        self._closed = False

    @contextmanager
    def lease(self) -> Iterator:
        latest = self._ix.latest_generation()  # a directory listing: microseconds
        with self._lock:
            if self._closed:
                raise ValueError("this Index is closed")
            stale = []
            if latest != self._generation:
                stale, self._idle, self._generation = self._idle, [], latest
            searcher = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        if searcher is None:
            searcher = self._ix.searcher(weighting=weighting())
        try:
            yield searcher
        finally:
            with self._lock:
                keep = not self._closed and searcher.ixreader.generation() == self._generation
                if keep:
                    self._idle.append(searcher)
            if not keep:
                searcher.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()


class _RankedCollector(TopCollector):
    """The top N hits in one of the :data:`searchkit.query.SORTS` orders, and the exact total.

    Relevance ties go to the newer article; date orders break ties by score; undated
    articles come last. ``allow`` (a query) keeps only the articles it matches. Each
    segment's matches are scored at once (:func:`searchkit.bulk.segment_scores`); only
    those that can still make the top N are looked at one by one. A date order reads only
    the matches' numbers and dates, and scores the articles on the days that can make the page.
    """

    def __init__(self, limit: int, sort: str, allow=None):
        super().__init__(limit=limit, usequality=False)
        self.sort = sort
        self.allow = allow

    def prepare(self, top_searcher, q, context):
        # Asking for the current match makes Whoosh build every OR as a tree of unions, as it does
        # for segments over 5,000 articles. For smaller ones it built an ArrayUnionMatcher, which
        # scores its first 2,048 matches one by one as soon as it is made (before bulk scoring
        # can), adds a word's fields in another order (scores can differ in the last bit), and
        # gives each match of a prefix or fuzzy word a constant score where large segments sum
        # term weights: an article's rank depended on the size of the segment it was in.
        super().prepare(top_searcher, q, context.set(needs_current=True))
        self._missing = top_searcher.schema["date"].default
        self._allowed = matching_docs(top_searcher, self.allow) if self.allow is not None else None

    def collect_matches(self):
        # (ranking.weighting() has no final() step that would re-score each match.)
        if self.sort != "relevance" and self._by_date():
            return
        scores = segment_scores(self.matcher, self.subsearcher.reader())
        offset, allowed = self.offset, self._allowed
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d + offset in allowed}
        self.total += len(scores)
        if not scores:
            return
        limit, items = self.limit, self.items
        days = column_values(self.subsearcher.reader(), "date")
        if self.sort == "relevance":
            # Only an article scoring at least the Nth best of this segment (and the page's worst) can make the page.
            floor = heapq.nlargest(limit, scores.values())[-1] if len(scores) > limit else None
            if len(items) >= limit and (floor is None or items[0][0] > floor):
                floor = items[0][0]
            for docnum, score in scores.items():
                if floor is None or score >= floor:
                    self._push((score, self._date_key(days[docnum]), -(offset + docnum)))
        else:
            date_key = self._date_key
            keys = {d: date_key(days[d]) for d in scores}
            floor = heapq.nlargest(limit, keys.values())[-1] if len(keys) > limit else None
            for docnum, day in keys.items():
                if floor is None or day >= floor:
                    self._push((day, scores[docnum], -(offset + docnum)))

    def _by_date(self) -> bool:
        """A date sort's share of this segment: every match's date, and the score of only those on
        the days that can make the page. False (nothing done) for a query :func:`segment_docs` cannot read."""
        reader = self.subsearcher.reader()
        docs = segment_docs(self.matcher)
        if docs is None:
            return False
        offset, allowed, limit = self.offset, self._allowed, self.limit
        if allowed is not None:
            docs = {d for d in docs if d + offset in allowed}
        self.total += len(docs)
        if not docs:
            return True
        days, date_key = column_values(reader, "date"), self._date_key
        if len(docs) > limit:
            # Walking the segment in date order until the page is full takes about limit * segment
            # size / matches steps when a word's articles are spread over the years; a step (57 ns)
            # costs about what looking up one match's date and choosing among them does (80 ns).
            walked = None
            if len(docs) * len(docs) > limit * len(days):
                order = date_order(reader, len(docs))
                if order is not None:
                    walked = self._walked_page_days(docs, days, *order)
            docs = self._on_the_page_days(list(docs), days) if walked is None else walked
        # A new matcher: the first was used up; only the chosen documents' blocks are read.
        scores = segment_scores(self.q.matcher(self.subsearcher, self.context), reader, only=docs)
        for docnum in docs:
            self._push((date_key(days[docnum]), scores[docnum], -(offset + docnum)))
        return True

    def _on_the_page_days(self, docs: list[int], days: list[int]) -> list[int]:
        """Those of ``docs`` dated on the days of the ``limit`` first in the date order (ties
        included), as ``_date_key`` orders them; found in C-level loops (matches can be many)."""
        values = list(map(days.__getitem__, docs))
        missing, limit = self._missing, self.limit
        if self.sort == "oldest":  # undated is the largest value: last
            floor = heapq.nsmallest(limit, values)[-1]
            return list(compress(docs, map(floor.__ge__, values)))
        dated = list(filter(missing.__ne__, values))
        if len(dated) < limit:  # every dated article makes the page, and undated ones fill it
            return docs
        floor = heapq.nlargest(limit, dated)[-1]
        return [d for d in compress(docs, map(floor.__le__, values)) if days[d] != missing]

    def _walked_page_days(self, docs: set[int], days: list[int], order, ordered_days: list[int]) -> list[int] | None:
        """What :meth:`_on_the_page_days` finds, read off the segment's documents in date order
        (:func:`searchkit.bulk.date_order`) from the page's end; None when fewer than ``limit`` of
        ``docs`` are dated (undated ones then fill a newest-first page)."""
        limit, wanted, at = self.limit, docs.__contains__, order.__getitem__
        if self.sort == "oldest":  # undated is the largest value: last
            first = list(islice(filter(wanted, order), limit))
            if len(first) < limit:
                return None
            return list(filter(wanted, order[:bisect_right(ordered_days, days[first[-1]])]))
        dated = bisect_left(ordered_days, self._missing)
        first = list(islice(filter(wanted, map(at, range(dated - 1, -1, -1))), limit))
        if len(first) < limit:
            return None
        return list(filter(wanted, order[bisect_left(ordered_days, days[first[-1]]):dated]))

    def _date_key(self, value: int) -> int:
        if self.sort == "oldest":
            return -value  # undated is the largest value, so the smallest key: last
        return -1 if value == self._missing else value

    def _push(self, key: tuple) -> None:
        items = self.items
        if len(items) < self.limit:
            heapq.heappush(items, key)
        elif key > items[0]:
            heapq.heapreplace(items, key)

    def ranked(self) -> list[tuple[int, float]]:
        """(docnum, score) of the hits, best first."""
        score_at = 0 if self.sort == "relevance" else 1
        return [(-key[2], key[score_at]) for key in sorted(self.items, reverse=True)]


class _FastFieldWords(ranking.FieldWords):
    """The words the feedback field's analyzer gives (a regex tokenizer, lowercasing and accent
    folding, then stopwords and stemming), found with one regex call per text; each distinct
    token is folded and stemmed once, and remembered. About 5 times faster than the analyzer."""

    def __init__(self, field, words: BodyWords, stem):
        super().__init__(field)
        self._tokens, self._fold, self._stem = words.tokens, words.fold_token, stem
        self._stems: dict[str, str] = {}  # token as written -> stem ("" for a stopword)

    def _stem_of(self, token: str) -> str:
        try:
            return self._stems[token]
        except KeyError:
            pass
        if len(self._stems) >= _STEM_CACHE_SIZE:
            self._stems.clear()
        stemmed = self._stems[token] = self._stem(self._fold(token))
        return stemmed

    def weights(self, text: str) -> dict[str, float]:
        counts: dict[str, float] = {}
        stem_of = self._stem_of
        for token in self._tokens(text):
            stemmed = stem_of(token)
            if stemmed:
                counts[stemmed] = counts.get(stemmed, 0.0) + 1.0  # Whoosh adds each token's boost, 1.0
        boost = self.field.format.field_boost
        return {word: n * boost for word, n in counts.items()}

    def counts(self, texts: list[str], wanted: set[str]) -> list[dict[str, int]]:
        per_text = [Counter(self._tokens(text)) for text in texts]
        forms: dict[str, list[str]] = {}  # wanted stem -> the tokens that have it
        for token in set().union(*per_text):
            stemmed = self._stem_of(token)
            if stemmed in wanted:
                forms.setdefault(stemmed, []).append(token)
        counts = []
        for tokens in per_text:
            found = {stemmed: sum(tokens[t] for t in ts) for stemmed, ts in forms.items()}
            counts.append({stemmed: n for stemmed, n in found.items() if n})
        return counts


@dataclass
class IndexStats:
    """What an index holds: see :meth:`Index.stats`."""

    articles: int
    first_date: date | None
    last_date: date | None
    undated: int
    people: list[tuple[str, int]] = field(default_factory=list)  # most named first: (name, articles)
    size_bytes: int = 0
    path: str = ""

    def to_dict(self) -> dict:
        return {
            "articles": self.articles,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "undated": self.undated,
            "people": [{"name": name, "articles": n} for name, n in self.people],
            "size_bytes": self.size_bytes,
            "path": self.path,
        }


class Index:
    """A searchkit index in a folder. Use :meth:`create` or :meth:`open`; also a context manager.

    One Index serves many threads at once (searches, gets and writes); see the module notes.
    """

    def __init__(self, ix, path: Path):
        self._ix = ix
        self.path = path
        # Whoosh re-reads the schema from disk on every ix.schema; it never changes here.
        self._schema = ix.schema
        self._searchers = _SearcherPool(ix)
        self._stems: dict[str, str] = {}
        self._words = BodyWords(self._schema["body_exact"].analyzer)
        feedback_field = self._schema[ranking.FEEDBACK_FIELD]
        self._feedback_words = _FastFieldWords(feedback_field, self._words, self._stemmer(feedback_field.analyzer))
        self._writing = threading.Lock()  # Whoosh allows one writer: threads of this Index take turns

    @classmethod
    def create(cls, path: str | Path) -> "Index":
        """Create an empty index at ``path`` (the folder is made if needed; an old index there is replaced)."""
        return cls(create_index(path), Path(path))

    @classmethod
    def open(cls, path: str | Path, *, trust: bool = False) -> "Index":
        """Open the index at ``path``.

        Raises :class:`IndexNotFoundError` if there is none, :class:`UntrustedIndexError`
        if other users can write to it (unless ``trust``: its pickles could run their
        code), and :class:`IncompatibleIndexError` if it must be rebuilt.
        """
        return cls(open_index(path, trust=trust), Path(path))

    @staticmethod
    def exists(path: str | Path) -> bool:
        """True if ``path`` holds an index (nothing in it is loaded to find out)."""
        return has_index(path)

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the searchers; the Index cannot be used afterwards."""
        self._searchers.close()
        self._ix.close()

    def __len__(self) -> int:
        with self._searchers.lease() as s:
            return s.doc_count()

    # -- writing

    @contextmanager
    def _writer_turn(self, lock_timeout: float) -> Iterator[None]:
        with self._writing:
            try:
                yield
            except LockError:
                waited = f" (waited {lock_timeout:g}s)" if lock_timeout else ""
                raise IndexBusyError(
                    f"{self.path}/ is being written by another process{waited}: try again when it has finished"
                ) from None

    def add(self, articles: Iterable[Article | dict], *, batch_size: int | None = None,
            lock_timeout: float = 0.0) -> AddReport:
        """Index articles (Article objects or dicts with the same fields), committing every ``batch_size``.

        An article whose id is already indexed replaces the old version if it changed. A
        crash loses at most the batch being written. If another process is writing, waits
        up to ``lock_timeout`` seconds for it, then raises :class:`IndexBusyError`.
        """
        with self._writer_turn(lock_timeout):
            return write_articles(self._ix, articles, batch_size=batch_size, lock_timeout=lock_timeout)

    def add_records(self, records: Iterable, *, procs: int | None = None, report=None, admit=None,
                    progress=None, batch_size: int | None = None, lock_timeout: float = 0.0) -> AddReport:
        """Normalize reader records and index them in ``procs`` worker processes (see :func:`write_records`)."""
        with self._writer_turn(lock_timeout):
            return write_records(self._ix, records, procs=procs, report=report, admit=admit, progress=progress,
                                 batch_size=batch_size, lock_timeout=lock_timeout)

    def update(self, article: Article | dict) -> bool:
        """Store ``article`` in place of the one with the same id (or add it); True if it was there."""
        report = self.add([article])
        return bool(report.updated or report.unchanged)

    def delete(self, id: str, *, lock_timeout: float = 0.0) -> bool:
        """Remove the article with this id; True if there was one."""
        if not _storable(id):
            return False
        with self._writer_turn(lock_timeout):
            writer = self._ix.writer(timeout=lock_timeout)
            n = writer.delete_by_term("id", id)
            writer.commit()
        return bool(n)

    # -- reading

    def get(self, id: str) -> Article | None:
        """The stored article with this id, or None."""
        if not _storable(id):
            return None
        with self._searchers.lease() as s:
            fields = s.document(id=id)
        return Article.from_dict(fields["record"]) if fields else None

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        people: Iterable[str] | str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        source: str | None = None,
        sort: str = "relevance",
        any_terms: bool = False,
        snippets: bool = True,
        suggest: bool = True,
    ) -> Results:
        """Search the index; page ``page`` of ``limit`` hits, ranked by ``sort``.

        ``query`` is in the query language of the README (all words required; when no
        article has them all, articles with some of them are ranked instead and
        ``Results.fallback`` is True). ``any_terms`` asks for that any-word ranking directly.
        Filters: ``people`` (each name must be among the article's people; a surname is
        enough), ``source``, and ``since``/``until`` (dates or ``2020``, ``2020-08``,
        ``2020-08-19``, inclusive). ``sort`` is ``"relevance"`` (ties: newer first),
        ``"newest"`` or ``"oldest"``. ``snippets=False`` skips cutting snippets.
        When fewer than 5 articles match, ``Results.suggestion`` holds a corrected query that
        finds more, if the index's vocabulary gives one (``suggest=False`` skips looking).

        Raises :class:`searchkit.QueryError` for a malformed query or filter.
        """
        started = time.perf_counter()
        if limit < 1 or page < 1:
            raise ValueError("limit and page must be at least 1")
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        schema = self._schema
        q, allow = self._queries(query, people=people, since=since, until=until, source=source, any_terms=any_terms)
        long_query = not any_terms and ranking.reads_as_description(q)
        if long_query:  # a sentence describing what is wanted: ranked over any of its words
            q, any_terms = parse_query(query, schema, any_terms=True), True
        fallback, suggestion = False, None
        by_relevance = sort == "relevance"
        # Feedback re-orders the top RERANK_DEPTH hits, so collect them all whichever page is
        # asked for: page 2 then continues page 1.
        depth = max(page * limit, ranking.RERANK_DEPTH) if by_relevance else page * limit
        with self._searchers.lease() as s:
            found, total = self._run(s, q, allow, sort, depth)
            matched = total
            if not total and not any_terms:
                alternative = parse_query(query, schema, any_terms=True)
                if alternative != q:
                    found, total = self._run(s, alternative, allow, sort, depth)
                    q, fallback = alternative, total > 0
            if suggest and matched < SUGGEST_BELOW:
                suggestion = self._suggestion(s, query, allow, any_terms, matched)
            if by_relevance and ranking.query_words(q):  # a date or phrase alone has no words to expand
                found = ranking.rerank(s, found, self._feedback_words)
            found = found[(page - 1) * limit: page * limit]
            highlighter = self._highlighter(q, s) if snippets and found else None
            hits = [
                self._hit(rank, s.stored_fields(docnum)["record"], score, highlighter)
                for rank, (docnum, score) in enumerate(found, start=(page - 1) * limit + 1)
            ]
        took_ms = (time.perf_counter() - started) * 1000
        return Results(
            query, hits, total, took_ms, fallback, page=page, limit=limit, suggestion=suggestion, long_query=long_query
        )

    def _queries(self, query: str | None, *, people=None, since=None, until=None, source=None, any_terms=False):
        """The parsed query (None for no query) and the filter (None for none), as every search builds them."""
        q = parse_query(query, self._schema, any_terms=any_terms) if query is not None else None
        names = [people] if isinstance(people, str) else list(people or ())
        return q, filter_query(self._schema, people=names, source=source, since=since, until=until)

    def _suggestion(self, searcher, query: str, allow, any_terms: bool, found: int) -> str | None:
        context = searcher.context(needs_current=True)  # every OR a tree of unions, as bulk scoring reads them

        def finds_more(text: str) -> bool:
            q = parse_query(text, self._schema, any_terms=any_terms)
            q = wq.And([q, allow]) if allow is not None else q
            # Segment by segment, in bulk (Whoosh's phrase matcher reads positions one article at a
            # time as soon as it is made): stops at the first segment that brings the count past found.
            n = 0
            for sub, _ in searcher.leaf_searchers():
                n += len(segment_scores(q.matcher(sub, context), sub.reader()))
                if n > found:
                    return True
            return False

        return suggest_query(query, searcher.reader(), finds_more)

    @staticmethod
    def _run(searcher, q, allow, sort: str, k: int) -> tuple[list[tuple[int, float]], int]:
        ranked = _RankedCollector(k, sort, allow)
        searcher.search_with_collector(q, ranked)
        return ranked.ranked(), ranked.total

    def _highlighter(self, q, searcher) -> Highlighter:
        schema = self._schema
        return Highlighter(q, searcher.reader(), self._words, self._stemmer(schema["body"].analyzer))

    def _stemmer(self, analyzer):
        cache = self._stems

        def stem(word: str) -> str:
            try:
                return cache[word]
            except KeyError:
                pass
            out = " ".join(t.text for t in analyzer(word, tokenize=False))  # "" for a stopword
            if len(cache) >= _STEM_CACHE_SIZE:
                cache.clear()
            cache[word] = out
            return out

        return stem

    @staticmethod
    def _hit(rank: int, record: dict, score: float, highlighter: Highlighter | None) -> Hit:
        snippet, spans = highlighter.snippet(record.get("body") or "") if highlighter else ("", [])
        day = record.get("date")
        return Hit(
            rank=rank,
            id=record["id"],
            title=record.get("title") or "",
            date=date.fromisoformat(day) if day else None,
            people=list(record.get("people") or []),
            score=score,
            snippet=snippet,
            highlights=spans,
            url=record.get("url") or "",
            source=record.get("source") or "",
        )

    def stats(self, top_people: int = 10) -> IndexStats:
        """How many articles, their date span, the ``top_people`` most-named people, the size on disk."""
        with self._searchers.lease() as s:
            reader = s.reader()
            articles = reader.doc_count()
            first, last, undated = self._date_span(reader)
            people = count_people(Selection(s, None), top_people)
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return IndexStats(articles, first, last, undated, people, size, str(self.path))

    # -- analyses: thin wrappers over timeline, mentions, similar and terms, on a selection like search's

    @contextmanager
    def _selected(self, query: str | None, filters: dict) -> Iterator[Selection]:
        q, allow = self._queries(query, **filters)
        with self._searchers.lease() as s:
            yield select(s, q, allow)

    def timeline(self, query: str | None = None, *, by: str = "month", **filters) -> Timeline:
        """Articles matching ``query`` (None: every article) counted per ``by``: day, week, month or year.

        Takes the filters of :meth:`search` (``people``, ``since``, ``until``, ``source``,
        ``any_terms``); ``since`` and ``until`` also set the span, else it runs from the
        first to the last match. Periods with no article are listed with a count of 0.
        """
        started = time.perf_counter()
        since = date_bound(filters.get("since"), name="since", end=False)
        until = date_bound(filters.get("until"), name="until", end=True)
        with self._selected(query, filters) as selection:
            timeline = make_timeline(selection, by, query=query, since=since, until=until)
        timeline.took_ms = (time.perf_counter() - started) * 1000
        return timeline

    def top_people(self, query: str | None = None, *, top: int = 10, alongside: str | None = None, **filters) -> PeopleCounts:
        """The ``top`` people named in the most articles matching ``query`` (None: every article).

        With ``alongside`` (a name; a surname is enough, as for the ``people`` filter): who is
        named in the most articles that also name that person. Takes the filters of :meth:`search`.
        """
        started = time.perf_counter()
        if alongside is not None:
            names = filters.get("people")
            filters["people"] = ([names] if isinstance(names, str) else list(names or ())) + [alongside]
        with self._selected(query, filters) as selection:
            counts = PeopleCounts(query, len(selection), alongside=alongside)
            if alongside is None:
                counts.people = count_people(selection, top)
            else:
                counts.matched, counts.people = co_mentions(selection, alongside, top)
        counts.took_ms = (time.perf_counter() - started) * 1000
        return counts

    def similar(self, id: str, *, limit: int = 10, **filters) -> Results:
        """The ``limit`` articles most like the article ``id``, best first, without it or its exact duplicates.

        Takes the filters of :meth:`search` except ``any_terms``; raises
        :class:`ArticleNotFoundError` if there is no article ``id``.
        """
        started = time.perf_counter()
        if limit < 1:
            raise ValueError("limit must be at least 1")
        _, allow = self._queries(None, **filters)
        with self._searchers.lease() as s:
            docnum = s.document_number(id=id)
            if docnum is None:
                raise ArticleNotFoundError(f"no article with id {id!r} in {self.path}/")
            q, found = find_similar(s, docnum, limit, allow)
            highlighter = self._highlighter(q, s) if found else None
            hits = [self._hit(rank, record, score, highlighter) for rank, (record, score) in enumerate(found, 1)]
        return Results(id, hits, len(hits), (time.perf_counter() - started) * 1000, limit=limit)

    def terms(self, query: str | None = None, *, top: int = 20, **filters) -> TermsReport:
        """The ``top`` words and two-word phrases that most set the articles matching ``query`` apart.

        Needs a query or a filter (the whole index has nothing to be set apart from); takes the
        filters of :meth:`search`. See :mod:`searchkit.terms` for the scoring.
        """
        started = time.perf_counter()
        with self._selected(query, filters) as selection:
            if selection.everything:
                raise QueryError("terms needs a query or a filter: the whole index is what it is compared with")
            report = distinctive_terms(selection, word_lister(self._schema["body_exact"].analyzer), top, query=query)
        report.took_ms = (time.perf_counter() - started) * 1000
        return report

    @staticmethod
    def _date_span(reader) -> tuple[date | None, date | None, int]:
        """The first and last date of the live articles, and how many have none."""
        if not reader.has_column("date"):
            return None, None, reader.doc_count()
        field = reader.schema["date"]
        column = date_column(reader)
        values = [column[d] for d in reader.all_doc_ids()]
        dated = [v for v in values if v != field.default]
        if not dated:
            return None, None, len(values)
        first, last = (field.from_column_value(v).date() for v in (min(dated), max(dated)))
        return first, last, len(values) - len(dated)
