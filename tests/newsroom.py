"""A small invented news archive whose right answers the query tests know.

Each article is there for a reason, noted beside it. ``news`` is a module-scoped
fixture: an index of ``ARTICLES`` in a temporary folder, built once per test module
and never written to by the tests that use it.
"""

from __future__ import annotations

import pytest

from searchkit import Index

ARTICLES = [
    {   # accents, respelling (Lukašenko), stems (protesters), curly apostrophe
        "id": "minsk-protests", "date": "2020-08-19", "source": "Estavian Press Agency",
        "title": "Lukashenko rejects talks as protests grow in Minsk",
        "people": ["Alexander Lukashenko", "Sviatlana Tsikhanouskaya"],
        "body": "Alexander Lukashenko said on Wednesday he would not negotiate with the opposition. "
                "Protesters filled the centre of Minsk for a tenth day. Tsikhanouskaya, speaking from "
                "Vilnius, called for new elections. The Kremlin said Russia’s position had not changed.",
    },
    {   # phrases with straight quotes; Lavrov among the people; the Belarusian spelling Lukashenka
        "id": "kremlin-lavrov", "date": "2020-08-28", "source": "Coastal Herald",
        "title": "Kremlin warns against interference in the post-Soviet space",
        "people": ["Sergei Lavrov", "Dmitry Peskov"],
        "body": "Foreign Minister Sergei Lavrov said outside powers must respect the post-Soviet space. "
                "Peskov said there's currently no such need for Russian police in Belarus. Lavrov also "
                "praised Lukashenka's handling of the crisis.",
    },
    {   # Lavrov named in the body only, not among the people
        "id": "lavrov-mention", "date": "2020-08-31", "source": "Coastal Herald",
        "title": "Talks in Moscow",
        "people": ["Vladimir Makei"],
        "body": "Belarusian Foreign Minister Vladimir Makei met his Russian counterpart Lavrov in Moscow "
                "to discuss gas prices.",
    },
    {   # "climate change" (singular) and "sea wall" adjacent
        "id": "climate-summit", "date": "2021-11-02", "source": "Estavian Press Agency",
        "title": "Leaders meet on climate",
        "people": ["Greta Lindqvist-Holm"],
        "body": "Delegates discussed climate change and the cost of a new sea wall for coastal cities.",
    },
    {   # "climate changes" (plural) and "sea defence wall": one word between
        "id": "climate-report", "date": "2021-03-15", "source": "Coastal Herald",
        "title": "Report maps regional shifts",
        "people": [],
        "body": "The report maps climate changes across the region. A sea defence wall was proposed. "
                "Scientists expect more rain.",
    },
    {   # the same wire story twice, a day apart: relevance ties go to the newer
        "id": "storm-2019", "date": "2019-12-31", "source": "Estavian Press Agency",
        "title": "Storm closes harbour",
        "people": ["Lotte van der Sande"],
        "body": "A winter storm closed the harbour at Harrowmouth. Ferries were cancelled.",
    },
    {
        "id": "storm-2020", "date": "2020-01-01", "source": "Estavian Press Agency",
        "title": "Storm closes harbour",
        "people": ["Lotte van der Sande"],
        "body": "A winter storm closed the harbour at Harrowmouth. Ferries were cancelled.",
    },
    {   # "ferries" in the title here, in the body of the next: title weighs more
        "id": "ferry-title", "date": "2021-06-01", "source": "Coastal Herald",
        "title": "Ferries resume",
        "people": [],
        "body": "Services restart on the northern route after a long pause.",
    },
    {
        "id": "ferry-body", "date": "2021-06-02", "source": "Coastal Herald",
        "title": "Services restart",
        "people": [],
        "body": "Ferries resume on the northern route after a long pause.",
    },
    {   # Polish letters, curly quotes in the body
        "id": "bakery", "date": "2022-10-05", "source": "Estavian Press Agency",
        "title": "Baker counts the cost of the flood",
        "people": ["Łukasz Wiśniewski"],
        "body": "Łukasz Wiśniewski lost ovens and flour when the water rose. “We will reopen,” "
                "Wiśniewski said. The harbour wall had failed.",
    },
    {   # no date: comes last in date orders; ü folds to u and respells as ue
        "id": "chess-undated", "source": "Velgrad Courier",
        "title": "Müller wins chess final",
        "people": ["Thomas Müller"],
        "body": "Thomas Müller beat the defending champion in Velgrad. The harbour city cheered.",
    },
    {   # a long body: the snippet must be cut around the match, far from the start
        "id": "long-budget", "date": "2020-09-01", "source": "Velgrad Courier",
        "title": "City budget approved",
        "people": ["Adaeze Nwachukwu"],
        "body": " ".join(["The council debated road repairs, school meals and library hours."] * 12)
                + " Finally Nwachukwu announced a lighthouse restoration fund. "
                + " ".join(["Members then returned to parking fees and bus routes."] * 8),
    },
]


def ids(results) -> list[str]:
    """The ids of a page of results, in rank order."""
    return [hit.id for hit in results]


def matching(predicate) -> set[str]:
    """Ids of the fixture articles for which ``predicate(article)`` holds: the oracle for filters."""
    return {a["id"] for a in ARTICLES if predicate(a)}


def build(path) -> Index:
    index = Index.create(path)
    index.add(ARTICLES)
    return index


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    index = build(tmp_path_factory.mktemp("news") / "idx")
    yield index
    index.close()
