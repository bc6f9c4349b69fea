"""Query stage: a user's query string becomes a Whoosh query, or a clear QueryError.

Unfielded words search title, people and body, and every word is required.
Quoted phrases are matched against the unstemmed twin fields, so they are exact.
"""

from __future__ import annotations

import copy
import re

from whoosh import qparser
from whoosh.qparser.plugins import PhrasePlugin
from whoosh.query import NullQuery, Query

from .errors import QueryError
from .schema import EXACT_TWIN, TEXT_FIELDS

SEARCHABLE_FIELDS = ("title", "people", "body", "source")


class _ExactPhrasePlugin(PhrasePlugin):
    """Quoted phrases search the unstemmed twin of their field."""

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            node = copy.copy(self)
            node.fieldname = EXACT_TWIN.get(fieldname, fieldname)
            return PhrasePlugin.PhraseNode.query(node, parser)

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return _ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)


def _check(text: str) -> None:
    """Raise QueryError for mistakes Whoosh would silently turn into something else."""
    if not text.strip():
        raise QueryError("empty query: give at least one word to search for")
    depth = 0
    in_quote = None
    for col, ch in enumerate(text, start=1):
        if ch == '"':
            in_quote = None if in_quote else col
        elif in_quote:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(f"unbalanced parenthesis: ')' at column {col} has no matching '('")
    if in_quote:
        raise QueryError(f"unclosed quote: the '\"' at column {in_quote} has no closing quote")
    if depth > 0:
        raise QueryError("unbalanced parenthesis: a '(' is never closed")
    unquoted = re.sub(r'"[^"]*"', lambda m: " " * len(m[0]), text)
    for m in re.finditer(r"(?<![\w.])(\w+):", unquoted):
        name = m[1]
        if name not in SEARCHABLE_FIELDS:
            raise QueryError(
                f"unknown field '{name}:' at column {m.start() + 1} "
                f"(fields you can search: {', '.join(SEARCHABLE_FIELDS)})"
            )
        if not unquoted[m.end():].strip() or unquoted[m.end()].isspace() or unquoted[m.end()] == ")":
            raise QueryError(f"field '{name}:' at column {m.start() + 1} needs something to search for")


def parse_query(text: str, schema, *, any_terms: bool = False) -> Query:
    """Parse a query string against ``schema``; raises :class:`QueryError` with a one-line message.

    ``any_terms`` joins the words with OR instead of AND.
    """
    text = text.replace("“", '"').replace("”", '"').replace("„", '"')
    _check(text)
    group = qparser.OrGroup if any_terms else qparser.AndGroup
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, group=group)
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(_ExactPhrasePlugin())
    try:
        q = parser.parse(text)
    except Exception as e:  # Whoosh raises assorted errors on odd input; the user sees one line
        raise QueryError(f"cannot parse query {text!r}: {e}") from None
    if q is None or q is NullQuery:
        raise QueryError(f"query {text!r} has no words that can be searched (only stopwords or punctuation?)")
    return q
