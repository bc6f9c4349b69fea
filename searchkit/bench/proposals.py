"""Benchmark proposals: schema changes measured by the bench, not adopted.

``python -m searchkit.bench run --schema proposed`` indexes with :func:`proposed_schema`
so the gain is measured in the same run as the rest.

``phrase=False`` on the stemmed ``title``: no word positions there, so smaller postings
to write. Adopted for ``body`` in index format 4, where a query word that the analyzer
splits in several (``post-Soviet``) is searched in a row in ``body_exact`` instead (see
``query._words_query``); the title keeps its positions (its postings are small).
"""

from __future__ import annotations


def proposed_schema():
    """searchkit's schema without positions in the stemmed title either."""
    from whoosh import fields

    from .. import schema as sk_schema
    from ..analysis import one_pass_fields

    def without_positions(name, field):
        if name != "title":
            return field
        return fields.TEXT(analyzer=field.analyzer, phrase=False, field_boost=field.format.field_boost)

    return one_pass_fields(fields.Schema(**{name: without_positions(name, field)
                                            for name, field in sk_schema.make_schema().items()}))
