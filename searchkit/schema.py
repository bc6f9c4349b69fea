"""Index stage, part 1: the Whoosh schema and the analyzers behind it.

Ranked search uses stemmed fields; quoted phrases use unstemmed twins
(``title_exact``, ``body_exact``) so "climate changes" does not match "climate
change". Every analyzer folds case and accents, and ignores the style of quotes.
"""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from .analysis import WordCounts, WordPairs, one_pass_fields

# Any apostrophe or quote, straight or curly, ends a token ("Russia’s" and "Russia's" both
# give "russia" "s"), so the style of quotes never matters and "Lukashenko’s" finds "Lukashenko".
# Dots inside a word keep it whole ("U.S", "3.5").
_TOKEN = r"\w+(?:\.?\w+)*"


def exact_analyzer():
    """Lowercased, accent- and quote-folded words, no stemming, no stopwords: for phrases and names."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)


# Whoosh's English stopword list (Snowball's: pronouns, auxiliaries, question words, what a
# sentence typed as a query is full of), except "who", which in news is also the WHO. The
# shorter default StopFilter list is not used: it drops "us" and "may" (the US, Theresa May).
STOPWORDS = frozenset(stoplists["en"]) - {"who"}
# Words whose pairs with each other are not kept for phrase searches (``body_pairs``): a pair
# of two of them ("of the", "it was") narrows little.
COMMON_WORDS = frozenset(stoplists["en"])


def ranked_analyzer():
    """The exact analyzer plus stopword removal and English (Porter) stemming: for ranked search."""
    return exact_analyzer() | StopFilter(stoplist=STOPWORDS) | StemFilter(cachesize=50000)


SCHEMA_VERSION = 2

# Field weights (Whoosh multiplies a word's count in the field by these when indexing).
# A title word scores like a body word: headline words nearly always recur in the body, so
# they count twice already. Doubling them made ranking worse on both test collections
# (RELEVANCE.md). People keep their earlier weight: the test collections name no one.
TITLE_BOOST = 1.0
PEOPLE_BOOST = 1.5

TEXT_FIELDS = ("title", "people", "body")  # searched by unfielded terms
EXACT_TWIN = {"title": "title_exact", "body": "body_exact"}  # where quoted phrases go
PAIRS_OF = {"body_exact": "body_pairs"}  # the WordPairs field that narrows a phrase search in a field


def make_schema() -> fields.Schema:
    """The schema of a searchkit index. The whole article is kept in ``record`` for display.

    ``body_counts`` is a column of each article's counts of its ``body`` words, for feedback
    re-ranking (:mod:`searchkit.ranking`); indexes made before it (format 1) re-rank without it.
    ``person_words`` holds :func:`name_runs` of each name, for the person filter; indexes
    made before it (formats 1 and 2) filter by a phrase in ``people`` instead. ``body`` keeps
    each word's count but no positions (phrases search ``body_exact``). ``body_pairs``
    (:class:`WordPairs`) narrows phrase searches in ``body_exact``; without it (formats 1-3)
    they read the positions of every article having all the phrase's words.
    """
    body_analyzer = ranked_analyzer()
    return one_pass_fields(fields.Schema(
        id=fields.ID(stored=True, unique=True),
        fingerprint=fields.ID(),  # lets re-indexing skip unchanged articles without reading them
        record=fields.STORED(),
        title=fields.TEXT(analyzer=ranked_analyzer(), field_boost=TITLE_BOOST),
        title_exact=fields.TEXT(analyzer=exact_analyzer()),
        people=fields.TEXT(analyzer=exact_analyzer(), field_boost=PEOPLE_BOOST),
        person=fields.KEYWORD(commas=True, lowercase=False, scorable=False),  # exact names, for counting
        person_words=fields.KEYWORD(commas=True, lowercase=False, scorable=False),  # see name_runs()
        body=fields.TEXT(analyzer=body_analyzer, phrase=False),  # counts only: see query._words_query
        body_counts=WordCounts(body_analyzer),
        body_exact=fields.TEXT(analyzer=exact_analyzer()),
        body_pairs=WordPairs(exact_analyzer(), COMMON_WORDS),
        source=fields.TEXT(analyzer=exact_analyzer()),
        date=fields.DATETIME(sortable=True),
    ))


MAX_RUN = 8  # longer runs of a name's words are not indexed in person_words (the filter then reads positions)


def name_runs(people_field, name: str) -> list[str]:
    """Every run of consecutive words of ``name`` (up to MAX_RUN), as the ``people`` field folds
    them, space-joined: what a person filter may ask for (``lavrov``, ``sergei lavrov``).

    One indexed term per run lets the filter find an article's names in one lookup, and only
    within one name ("Lee Brown" does not select an article naming Anna Lee and Brown Smith).
    """
    words = list(people_field.process_text(name, mode="index"))
    return [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + MAX_RUN) + 1)]
