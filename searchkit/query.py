"""Query stage: a user's query string becomes a Whoosh query, or a clear QueryError.

Sits between the schema and the searcher: :class:`searchkit.Index` parses with
:func:`parse_query` and builds its filters with :func:`filter_query`; nothing
here opens an index.

The language (README, "Query language"): words, all required unless
``any_terms``; "exact phrases" (``"…"~N`` for proximity); ``AND``, ``OR``,
``NOT``, ``-word``, ``+word`` and parentheses, with OR binding tighter than AND
(``belarus protests OR strikes`` is belarus AND (protests OR strikes));
``title:``, ``people:``, ``body:``, ``source:`` and ``date:`` fields; ``prefix*``
and ``fuzzy~`` words. Words are stemmed; phrases, prefixes and fuzzy words
search the unstemmed twin fields, so they mean exactly what they say. The parser
is our own rather than Whoosh's so that a hyphen inside a word (``post-Soviet``)
never means NOT and every mistake gets a message that points at its column.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from whoosh import query as wq
from whoosh.support.charset import accent_map

from .bulk import BulkPhrase, SplitWord
from .errors import QueryError
from .normalize import mend_surrogates
from .schema import EXACT_TWIN, MAX_RUN, TEXT_FIELDS

FIELDS = ("title", "people", "body", "source", "date")
SORTS = ("relevance", "newest", "oldest")
MAX_DEPTH = 32  # parentheses nested deeper than this are surely a mistake (and would exhaust the stack)
MAX_SLOP = 100
# Search time grows with the words of a query, and a wildcard or fuzzy word stands for every
# indexed word it matches: bounds that no real query reaches, so no query can stall a server.
MAX_QUERY_LENGTH = 4000  # characters
MAX_EXPANDING = 16  # wildcard and fuzzy words in one query
_QUOTES = str.maketrans({q: '"' for q in "“”„‟«»＂"})

_LEX = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<phrase>"(?P<ptext>[^"]*)(?P<pend>"?)(?:~(?P<slop>\d*))?)
    | (?P<range>\[[^\]]*\]?)
    | (?P<field>[^\W\d]\w*:)
    | (?P<sign>[+-](?=[^\s)]))
    | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_OPERATORS = ("AND", "OR", "NOT")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DATE_HELP = "use 2020, 2020-08, 2020-08-19, [2020-08-01 TO 2020-08-31] or >=2020-08-01"


@dataclass
class _Token:
    kind: str  # open, close, phrase, range, field, sign, op, word, end
    text: str
    col: int  # 1-based column in the query, for messages
    glued: bool = False  # no space before it (a field's value must be glued to the colon)
    slop: str | None = None
    closed: bool = True


@dataclass
class _Part:
    """A parsed piece of the query; ``positive`` if it can match by itself (not only exclude)."""

    query: wq.Query
    positive: bool = True


# ---- dates -------------------------------------------------------------------------------------


class _DateProblem(ValueError):
    def __init__(self, reason: str, impossible: bool):
        super().__init__(reason)
        self.impossible = impossible


def date_span(text: str) -> tuple[date, date]:
    """The first and last day that ``2020``, ``2020-08`` or ``2020-08-19`` stands for.

    Raises ValueError (a ``_DateProblem``) saying whether the text is no date at all or an
    impossible one (``2020-13-45``).
    """
    m = _DATE.fullmatch(text)
    if not m:
        raise _DateProblem("not a date", impossible=False)
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if year < 1:
        raise _DateProblem("there is no year 0", impossible=True)
    if month is not None and not 1 <= month <= 12:
        raise _DateProblem(f"there is no month {month}", impossible=True)
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise _DateProblem(f"{calendar.month_name[month]} {year} has {last} days", impossible=True)
        return date(year, month, day), date(year, month, day)
    if month is not None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def date_bound(value: date | str | None, *, name: str, end: bool) -> date | None:
    """``since``/``until`` as a day: a string stands for its first (``end=False``) or last day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        first, last = date_span(str(value).strip())
    except _DateProblem as e:
        if e.impossible:
            raise QueryError(f"impossible date {value!r} for {name}: {e}") from None
        raise QueryError(f"{name} {value!r} is not a date: use 2020, 2020-08 or 2020-08-19") from None
    return last if end else first


def _midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None


def _date_range(start: date | None, end: date | None) -> wq.Query:
    # Dates are indexed at midnight, so an inclusive range of midnights covers whole days.
    return wq.DateRange("date", _midnight(start), _midnight(end))


# ---- spellings --------------------------------------------------------------------------------

# Letters that English news spells with two (Lukašenko -> Lukashenko, Müller -> Mueller). Accent
# folding alone gives Lukasenko and Muller, so a word with one of them is also searched respelled.
_RESPELL = str.maketrans(
    {"š": "sh", "ž": "zh", "č": "ch", "ş": "sh", "ș": "sh", "ä": "ae", "ö": "oe", "ü": "ue",
     "ø": "oe", "å": "aa", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "đ": "dj"}
)


def spellings(text: str) -> list[str]:
    """``text``, and its digraph respelling when it has letters like š or ü."""
    respelled = text.lower().translate(_RESPELL)
    return [text, respelled] if respelled != text.lower() else [text]


# ---- filters -----------------------------------------------------------------------------------


def _words_query(schema, fieldname: str, text: str) -> wq.Query | None:
    """The words of ``text`` in a row in ``fieldname`` (a Term for one word), or None if it has none.

    A field without positions (the stemmed ``body`` since index format 4) finds words in a row
    (``post-Soviet``, ``COVID-19``) in its exact twin instead, as written but for case and accents.
    """
    words = list(schema[fieldname].process_text(text, mode="query"))
    if len(words) < 2:
        return wq.Term(fieldname, words[0]) if words else None
    twin = EXACT_TWIN.get(fieldname)
    if not schema[fieldname].format.supports("positions") and twin in schema:
        exact = list(schema[twin].process_text(text, mode="query"))
        return SplitWord(twin, exact, stems=words) if len(exact) > 1 else wq.Term(twin, exact[0])
    return BulkPhrase(fieldname, words)


def _name_query(schema, fieldname: str, name: str, what: str) -> wq.Query:
    queries = [q for spelling in spellings(name) if (q := _words_query(schema, fieldname, spelling))]
    if not queries:
        raise QueryError(f"{what} {name!r} has no letters to match")
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _wanted_runs(schema, wanted: str) -> list[list[str]]:
    """The words of a person filter, in each of its spellings, as the ``people`` field folds them."""
    field = schema["people"]
    return [run for spelling in spellings(wanted) if (run := list(field.process_text(spelling, mode="query")))]


def _person_query(schema, name: str) -> wq.Query:
    """The articles naming ``name`` or a name it is a run of words of, in any of its spellings."""
    runs = _wanted_runs(schema, name)
    if "person_words" not in schema or not runs or any(len(run) > MAX_RUN for run in runs):
        return _name_query(schema, "people", name, "person")  # an older index, or a long run: words in a row
    terms = [wq.Term("person_words", " ".join(run)) for run in runs]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def person_matcher(schema, wanted: str) -> Callable[[str], bool]:
    """A test of whether the person filter ``wanted`` (``Lavrov``) selects an article naming a given name.

    The same rule as :func:`filter_query`'s, for names in hand: ``wanted``'s words, in any
    of its spellings, are a run of the name's words (``Sergei Lavrov``); case and accents aside.
    """
    field, runs = schema["people"], _wanted_runs(schema, wanted)

    def matches(name: str) -> bool:
        folded = name.lower().translate(accent_map)
        if not any(run[-1] in folded for run in runs):  # a cheap test first: most names fail it
            return False
        words = list(field.process_text(name, mode="index"))
        return any(words[i:i + len(run)] == run for run in runs for i in range(len(words) - len(run) + 1))

    return matches


def filter_query(
    schema,
    *,
    people: Iterable[str] = (),
    source: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> wq.Query | None:
    """The filter for a search: every person named, the source, the date span; None if no filter.

    A person matches a whole name or a run of words in one (``Lavrov``, ``Sergei Lavrov``);
    the source likewise (``Estavian``, ``Estavian Press Agency``). Case and accents are ignored.
    """
    parts = [_person_query(schema, name) for name in people]
    if source:
        parts.append(_name_query(schema, "source", source, "source"))
    start = date_bound(since, name="since", end=False)
    stop = date_bound(until, name="until", end=True)
    if start and stop and start > stop:
        raise QueryError(f"since {start.isoformat()} is after until {stop.isoformat()}: no date can match")
    if start or stop:
        parts.append(_date_range(start, stop))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


# ---- the query language ------------------------------------------------------------------------


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, glued = 0, False
    while pos < len(text):
        m = _LEX.match(text, pos)
        if m["ws"]:
            glued = False
        else:
            kind = next(k for k in ("open", "close", "phrase", "range", "field", "sign", "word") if m[k])
            if kind == "word" and m[0] in _OPERATORS:
                kind = "op"
            token = _Token(kind, m[0], pos + 1, glued)
            if kind == "phrase":
                token.text, token.slop, token.closed = m["ptext"], m["slop"], bool(m["pend"])
            elif kind == "range":
                token.closed = m[0].endswith("]")
            tokens.append(token)
            glued = True
        pos = m.end()
    tokens.append(_Token("end", "", len(text) + 1, glued))
    return tokens


def _and(parts: list[_Part]) -> _Part:
    if len(parts) == 1:
        return parts[0]
    return _Part(wq.And([p.query for p in parts]), any(p.positive for p in parts))


def _or(parts: list[_Part]) -> _Part:
    if len(parts) == 1:
        return parts[0]
    return _Part(wq.Or([p.query for p in parts]), any(p.positive for p in parts))


class _Parser:
    """Recursive descent over the tokens. Grammar, loosest first::

        sequence := orexpr ([AND] orexpr)*     juxtaposed: all required (or any, with any_terms)
        orexpr   := unary (OR unary)*
        unary    := (NOT | - | +) unary | primary
        primary  := ( sequence ) | field: primary | "phrase"~N | [range] | word
    """

    def __init__(self, text: str, schema, any_terms: bool):
        self.schema = schema
        self.text = text
        self.any_terms = any_terms
        self.tokens = _lex(text)
        self.i = 0
        self.depth = 0
        self.expanding = 0  # wildcard and fuzzy words so far

    # -- token helpers

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    @staticmethod
    def fail(what: str, token: _Token, why: str = "") -> QueryError:
        message = f"{what} at column {token.col}" + (f": {why}" if why else "")
        return QueryError(re.sub(r"\s+", " ", message))  # a quoted range or phrase may hold line breaks

    @staticmethod
    def is_op(token: _Token, *names: str) -> bool:
        return token.kind == "op" and token.text in names

    # -- grammar

    def parse(self) -> wq.Query:
        part = self.sequence(None)
        extra = self.peek()
        if extra.kind == "close":
            raise self.fail("unbalanced parenthesis", extra, "this ')' has no matching '('")
        if part is None:
            raise QueryError(
                f"nothing to search for in {self.text!r}: very common words (the, of, ...) "
                "and punctuation are not indexed"
            )
        if not part.positive:
            raise QueryError("the query only excludes (NOT, -): add a word or phrase to search for")
        return part.query.normalize()

    def sequence(self, field: str | None) -> _Part | None:
        chunks: list[list[tuple[str | None, _Part | None]]] = []  # runs of items joined by explicit AND
        pending_and: _Token | None = None
        while True:
            token = self.peek()
            if token.kind in ("end", "close"):
                break
            if self.is_op(token, "AND", "OR"):
                if not chunks:
                    raise self.fail(f"'{token.text}'", token, "it needs something on its left")
                if pending_and:
                    raise self.fail(f"'{token.text}'", token, "it cannot follow 'AND'")
                pending_and = self.take()
                continue
            item = self.orexpr(field)
            if pending_and:
                chunks[-1].append(item)
            else:
                chunks.append([item])
            pending_and = None
        if pending_and:
            raise self.fail("'AND'", pending_and, "it needs something on its right")
        if self.any_terms:  # explicit AND still binds its neighbours; juxtaposition means any
            items = [(None, self.join(c, True)) if len(c) > 1 else c[0] for c in chunks]
            return self.join(items, False)
        return self.join([item for c in chunks for item in c], True)

    @staticmethod
    def join(items: list[tuple[str | None, _Part | None]], all_required: bool) -> _Part | None:
        """Combine marked items: '+' required, '-' excluded, unmarked required or optional."""
        items = [(mark, part) for mark, part in items if part is not None]
        if not items:
            return None
        required = [p for m, p in items if m == "+" or (m is None and all_required)]
        optional = [p for m, p in items if m is None and not all_required]
        excluded = [p for m, p in items if m == "-"]
        if required and optional:
            core = _Part(wq.AndMaybe(_and(required).query, _or(optional).query))
        elif required or optional:
            core = _and(required) if required else _or(optional)
        else:
            return _Part(wq.Not(_or(excluded).query), positive=False)
        if excluded:
            return _Part(wq.AndNot(core.query, _or(excluded).query), core.positive)
        return core

    def orexpr(self, field: str | None) -> tuple[str | None, _Part | None]:
        alternatives = [self.unary(field)]
        while self.is_op(self.peek(), "OR"):
            op = self.take()
            following = self.peek()
            if following.kind in ("end", "close") or self.is_op(following, "AND", "OR"):
                raise self.fail("'OR'", op, "it needs something on its right")
            alternatives.append(self.unary(field))
        if len(alternatives) == 1:
            return alternatives[0]
        parts = [_Part(wq.Not(p.query), False) if m == "-" else p for m, p in alternatives if p is not None]
        return None, (_or(parts) if parts else None)

    def unary(self, field: str | None) -> tuple[str | None, _Part | None]:
        token = self.peek()
        if token.kind == "sign" or self.is_op(token, "NOT"):
            self.take()
            following = self.peek()
            if following.kind == "sign" or self.is_op(following, "NOT"):
                raise self.fail(f"'{following.text}'", following, f"it cannot follow '{token.text}'")
            if following.kind in ("end", "close", "op"):
                raise self.fail(f"'{token.text}'", token, "it needs something after it")
            _, part = self.unary(field)
            return ("+" if token.text == "+" else "-"), part
        return None, self.primary(field)

    def primary(self, field: str | None) -> _Part | None:
        token = self.take()
        if token.kind == "open":
            return self.group(field, token)
        if token.kind == "field":
            return self.fielded(token)
        if token.kind == "phrase":
            return self.phrase(field, token)
        if token.kind == "range":
            if field != "date":
                raise self.fail(f"range {token.text}", token, "ranges only work after date:")
            return self.date_range(token)
        if token.kind == "word":
            return self.date_value(token) if field == "date" else self.word(field, token)
        raise self.fail(f"unexpected '{token.text or 'end of query'}'", token)

    def group(self, field: str | None, opening: _Token) -> _Part | None:
        if self.peek().kind == "close":
            raise self.fail("empty parentheses", opening)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("parenthesis", opening, f"groups nested more than {MAX_DEPTH} deep")
        part = self.sequence(field)
        self.depth -= 1
        if self.take().kind != "close":
            raise self.fail("unbalanced parenthesis", opening, "this '(' is never closed")
        return part

    def fielded(self, token: _Token) -> _Part | None:
        name = token.text[:-1].lower()
        if name not in FIELDS:
            raise self.fail(
                f"unknown field '{token.text}'",
                token,
                f"the fields are {', '.join(f + ':' for f in FIELDS)} (put a word with a colon in quotes)",
            )
        value = self.peek()
        if not value.glued or value.kind in ("end", "close", "field", "op", "sign"):
            raise self.fail(f"'{token.text}'", token, 'it needs a word, "phrase" or (group) right after the colon')
        return self.primary(name)

    # -- leaves: each tries every spelling of its text and every field it targets

    def targets(self, field: str | None, exact: bool) -> tuple[str, ...]:
        fields = (field,) if field else TEXT_FIELDS
        return tuple(EXACT_TWIN.get(f, f) for f in fields) if exact else fields

    def word(self, field: str | None, token: _Token) -> _Part | None:
        text = token.text
        fuzzy = re.fullmatch(r"(.*[^~])~(\d*)", text)
        if fuzzy:
            return self.fuzzy(field, token, fuzzy[1], fuzzy[2])
        if "*" in text:
            return self.wildcard(field, token)
        if field is None and not list(self.schema["body"].process_text(text, mode="query")):
            return None  # a stopword or punctuation: it would only ever match in people:
        queries = [
            q
            for spelling in spellings(text)
            for f in self.targets(field, False)
            if (q := _words_query(self.schema, f, spelling)) is not None
        ]
        return _or([_Part(q) for q in queries]) if queries else None

    def single_word(self, fieldname: str, text: str, token: _Token, what: str) -> str:
        """``text`` folded as ``fieldname`` folds words (case, accents); it must be one word."""
        field = self.schema[fieldname]
        folded = "".join(field.process_text(text, mode="query", tokenize=False, removestops=False))
        for chunk in filter(None, folded.split("*")):
            if list(field.process_text(chunk, mode="query")) != [chunk]:
                raise self.fail(f"'{token.text}'", token, f"{what} works on a single word")
        return folded

    def count_expanding(self, token: _Token) -> None:
        self.expanding += 1
        if self.expanding > MAX_EXPANDING:
            raise self.fail(f"'{token.text}'", token, f"a query can have at most {MAX_EXPANDING} wildcard or fuzzy words")

    def wildcard(self, field: str | None, token: _Token) -> _Part:
        self.count_expanding(token)
        if len(token.text.split("*")[0]) < 2:
            raise self.fail(f"'{token.text}'", token, "a wildcard needs at least two letters before the '*' (lukash*)")
        queries = []
        for spelling in spellings(token.text):
            for f in self.targets(field, True):
                pattern = self.single_word(f, spelling, token, "'*'")
                head = pattern.split("*")[0]
                queries.append(wq.Prefix(f, head) if pattern == head + "*" else wq.Wildcard(f, pattern))
        return _or([_Part(q) for q in queries])

    def fuzzy(self, field: str | None, token: _Token, text: str, distance: str) -> _Part:
        self.count_expanding(token)
        maxdist = int(distance) if distance else 1
        if maxdist not in (1, 2):
            raise self.fail(f"'{token.text}'", token, "the fuzzy distance after '~' can be 1 or 2")
        if "*" in text:
            raise self.fail(f"'{token.text}'", token, "a word cannot be both a wildcard and fuzzy")
        queries = [
            wq.FuzzyTerm(f, self.single_word(f, spelling, token, "'~'"), maxdist=maxdist, prefixlength=1)
            for spelling in spellings(text)
            for f in self.targets(field, True)
        ]
        return _or([_Part(q) for q in queries])

    def phrase(self, field: str | None, token: _Token) -> _Part:
        if not token.closed:
            raise self.fail("unclosed quote", token, "this '\"' has no closing quote")
        if field == "date":
            raise self.fail("phrase after date:", token, _DATE_HELP)
        if token.slop == "":
            raise self.fail("'~' after a phrase", token, 'it needs the number of words allowed between: "…"~3')
        slop = int(token.slop or 0)
        if slop > MAX_SLOP:
            raise self.fail(f"proximity ~{slop}", token, f"it can be at most ~{MAX_SLOP}")
        queries = []
        for spelling in spellings(token.text):
            for f in self.targets(field, True):
                words = list(self.schema[f].process_text(spelling, mode="query"))
                if len(words) == 1:
                    queries.append(wq.Term(f, words[0]))
                elif words:  # Whoosh's slop counts positions (1 = adjacent); ours counts words between
                    queries.append(BulkPhrase(f, words, slop=slop + 1))
        if not queries:
            raise self.fail("phrase", token, "it has no words to search for")
        return _or([_Part(q) for q in queries])

    def day_span(self, text: str, token: _Token) -> tuple[date, date]:
        try:
            return date_span(text)
        except _DateProblem as e:
            if e.impossible:
                raise self.fail(f"impossible date '{text}'", token, str(e)) from None
            raise self.fail(f"'date:{token.text}'", token, f"not a date; {_DATE_HELP}") from None

    def date_value(self, token: _Token) -> _Part:
        op, text = re.fullmatch(r"(<=|>=|<|>)?(.*)", token.text).groups()
        first, last = self.day_span(text, token)
        start, end = {
            None: (first, last),
            ">=": (first, None),
            ">": (last + timedelta(days=1), None),
            "<=": (None, last),
            "<": (None, first - timedelta(days=1)),
        }[op]
        return _Part(_date_range(start, end))

    def date_range(self, token: _Token) -> _Part:
        if not token.closed:
            raise self.fail("unclosed date range", token, "this '[' has no closing ']'")
        words = token.text[1:-1].split()
        upper = [w.upper() for w in words]
        if upper.count("TO") != 1 or len(words) > 3:
            raise self.fail(f"date range {token.text}", token, "write it like [2020-08-01 TO 2020-08-31]")
        cut = upper.index("TO")
        low, high = (words[:cut] or ["*"])[0], (words[cut + 1:] or ["*"])[0]
        start = self.day_span(low, token)[0] if low != "*" else None
        end = self.day_span(high, token)[1] if high != "*" else None
        if start and end and start > end:
            raise self.fail(f"date range {token.text}", token, "it ends before it starts")
        return _Part(_date_range(start, end))


def parse_query(text: str, schema, *, any_terms: bool = False) -> wq.Query:
    """Parse a query string against ``schema``; raises :class:`QueryError` with a one-line message.

    With ``any_terms`` juxtaposed words are alternatives (ranked by how many match) instead of
    all being required; ``AND``, ``+word`` and ``-word`` keep their meaning.
    """
    text = mend_surrogates(text.translate(_QUOTES))  # from a terminal's undecodable bytes, or JSON escapes
    if not text.strip():
        raise QueryError("empty query: give at least one word to search for")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long: {len(text):,} characters, at most {MAX_QUERY_LENGTH:,}")
    return _Parser(text, schema, any_terms).parse()


def query_words(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, field) of each plain word in the query ``text``, a word of a phrase included.

    Operators, field names, dates, and words with ``*`` or ``~`` are not plain words;
    ``field`` is the field a word is glued to (``title:word``), else None. For rewriting a
    query word by word, as did-you-mean does.
    """
    text = text.translate(_QUOTES)
    spans: list[tuple[int, int, str | None]] = []
    field: str | None = None
    for token in _lex(text):
        start = token.col - 1
        if token.kind == "field":
            field = token.text[:-1].lower()
            continue
        if field != "date" and (field is None or token.glued):
            if token.kind == "word" and not re.search(r"[*~]", token.text):
                spans.append((start, start + len(token.text), field))
            elif token.kind == "phrase":
                spans += [(start + 1 + m.start(), start + 1 + m.end(), field) for m in re.finditer(r"[^\s\"]+", token.text)]
        field = None
    return spans
