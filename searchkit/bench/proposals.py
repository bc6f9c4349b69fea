"""Benchmark proposals: schema changes measured by the bench, not adopted.

``python -m searchkit.bench run --schema proposed`` indexes with :func:`proposed_schema`
so the gain is measured in the same run as the rest.

``phrase=False`` on the stemmed ``title`` and ``body``: no word positions in the
stemmed fields, so smaller postings to write. Not adopted because positions there
are read: a query word that the analyzer splits in several (``post-Soviet``,
``COVID-19``) is searched as a phrase of its stems (see ``query._words_query``).
"""

from __future__ import annotations


def proposed_schema():
    """searchkit's schema without positions in the stemmed fields."""
    from whoosh import fields

    from .. import schema as sk_schema
    from ..analysis import one_pass_fields

    def without_positions(name, field):
        if name not in ("title", "body"):
            return field
        return fields.TEXT(analyzer=field.analyzer, phrase=False, field_boost=field.format.field_boost)

    return one_pass_fields(fields.Schema(**{name: without_positions(name, field)
                                            for name, field in sk_schema.make_schema().items()}))
