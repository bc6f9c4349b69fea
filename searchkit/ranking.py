"""Ranking: how search scores articles (BM25F over title, people and body).

Field weights live on the schema fields (``field_boost``); the BM25 parameters here.
"""

from __future__ import annotations

from whoosh.scoring import BM25F


def weighting() -> BM25F:
    """The scoring model every search uses."""
    return BM25F(B=0.75, K1=1.2)
