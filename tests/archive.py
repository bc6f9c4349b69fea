"""A small invented archive whose timeline, people, similar stories and distinctive terms are known.

Four stories told in several articles each, so that counts over time, co-mentions and
similarity have right answers the analysis tests can check:

- a dock strike at Harrowmouth (2021-03 to 2021-07), with an exact copy of its last article;
- an election in Belarus (2020-08 to 2020-10), one article spelling the president Lukashenka;
- a chess final (2022-01), with two players called Sorokina;
- a storm (2021-12) where only the forecaster, named alone, speaks; and one undated article.

``archive`` is a module-scoped fixture: the index of ``ARTICLES`` in a temporary folder,
never written to by the tests that use it; ``run`` runs a command on it.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import main

STRIKE = [
    {
        "id": "strike-walkout", "date": "2021-03-02", "source": "Harrowmouth Gazette",
        "title": "Dockers walk out at Harrowmouth",
        "people": ["Mara Okonkwo", "Piet Vandenberg"],
        "body": "Dockers at Harrowmouth walked out on Tuesday after the port rejected a wage offer. "
                "Mara Okonkwo, who leads the dockers union, said the picket would stay. Piet Vandenberg, "
                "the port director, called the strike regrettable.",
    },
    {
        "id": "strike-picket", "date": "2021-03-20", "source": "Harrowmouth Gazette",
        "title": "Picket line holds at the port",
        "people": ["Mara Okonkwo", "Piet Vandenberg"],
        "body": "The picket line held for a third week. Okonkwo said the wage offer was not enough for "
                "the dockers. Vandenberg said cargo ships were waiting offshore.",
    },
    {
        "id": "strike-offer", "date": "2021-05-11", "source": "Coastal Herald",
        "title": "Port makes dockers a new wage offer",
        "people": ["Mara Okonkwo", "Piet Vandenberg", "Ilse Marr"],
        "body": "Piet Vandenberg made a third wage offer to the dockers. Mara Okonkwo put it to a vote. "
                "Ilse Marr, a shipping analyst, said the strike had cost the region 40 million.",
    },
    {
        "id": "strike-ends", "date": "2021-07-01", "source": "Harrowmouth Gazette",
        "title": "Dockers return to work",
        "people": ["Mara Okonkwo", "Jonas Berg"],
        "body": "The dockers voted to accept the wage offer and returned to work on Thursday. Okonkwo "
                "thanked the picket. Jonas Berg, the mayor, welcomed the end of the strike.",
    },
    {   # the same article again (case and spacing aside): similar stories leave it out
        "id": "strike-ends-copy", "date": "2021-07-02", "source": "Coastal Herald",
        "title": "DOCKERS RETURN TO WORK",
        "people": ["Mara Okonkwo", "Jonas Berg"],
        "body": "The dockers voted to accept the wage offer and  returned to work on Thursday.\nOkonkwo "
                "thanked the picket. Jonas Berg, the mayor, welcomed the end of the strike.",
    },
]

ELECTION = [
    {
        "id": "vote-landslide", "date": "2020-08-10", "source": "Estavian Press Agency",
        "title": "Lukashenko claims landslide",
        "people": ["Alexander Lukashenko", "Sviatlana Tsikhanouskaya"],
        "body": "Alexander Lukashenko claimed a landslide in the presidential election. Sviatlana "
                "Tsikhanouskaya said the count was rigged and called for a recount.",
    },
    {
        "id": "vote-protests", "date": "2020-08-12", "source": "Estavian Press Agency",
        "title": "Protests spread across Belarus",
        "people": ["Alexander Lukashenko", "Sviatlana Tsikhanouskaya"],
        "body": "Protesters marched in Minsk against Lukashenko. Tsikhanouskaya urged calm and a recount "
                "of the presidential election.",
    },
    {
        "id": "vote-lavrov", "date": "2020-08-25", "source": "Coastal Herald",
        "title": "Moscow backs Minsk",
        "people": ["Sergei Lavrov", "Alexander Lukashenko"],
        "body": "Sergei Lavrov said Moscow recognised the election and would support Lukashenko.",
    },
    {
        "id": "vote-envoys", "date": "2020-09-03", "source": "Coastal Herald",
        "title": "Opposition leader meets envoys",
        "people": ["Sviatlana Tsikhanouskaya", "Alexander Lukashenko"],
        "body": "Tsikhanouskaya met envoys in Vilnius and asked them not to recognise Lukashenko.",
    },
    {
        "id": "vote-inauguration", "date": "2020-09-20", "source": "Estavian Press Agency",
        "title": "Lukashenko sworn in without notice",
        "people": ["Alexander Lukashenko"],
        "body": "Alexander Lukashenko was sworn in at a ceremony announced only afterwards.",
    },
    {   # the Belarusian spelling: did-you-mean offers the one the archive mostly uses
        "id": "vote-exile-press", "date": "2020-10-02", "source": "Velgrad Courier",
        "title": "Exiled editors keep printing",
        "people": ["Alexander Lukashenka"],
        "body": "Editors in exile write Alexander Lukashenka, as Belarusians spell the name.",
    },
]

CHESS = [
    {
        "id": "chess-round-one", "date": "2022-01-15", "source": "Velgrad Courier",
        "title": "Müller leads after round one",
        "people": ["Thomas Müller", "Anya Sorokina"],
        "body": "Thomas Müller beat Anya Sorokina with the black pieces in the first round of the final.",
    },
    {
        "id": "chess-round-two", "date": "2022-01-16", "source": "Velgrad Courier",
        "title": "Sorokina draws level in the final",
        "people": ["Anya Sorokina", "Thomas Müller"],
        "body": "Anya Sorokina won the second round of the final against Müller with a rook endgame.",
    },
    {
        "id": "chess-sisters", "date": "2022-01-18", "source": "Velgrad Courier",
        "title": "Sorokina sisters share a board",
        "people": ["Anya Sorokina", "Nina Sorokina"],
        "body": "Nina Sorokina coached her sister Anya Sorokina between rounds of the chess final.",
    },
]

STORM = [
    {
        "id": "storm-warning", "date": "2021-12-05", "source": "Coastal Herald",
        "title": "Storm warning for the coast",
        "people": ["Hedda Lund"],
        "body": "Forecaster Hedda Lund warned of gales and high tides along the coast.",
    },
    {
        "id": "storm-passes", "date": "2021-12-06", "source": "Coastal Herald",
        "title": "Storm passes without damage",
        "people": ["Hedda Lund"],
        "body": "The storm passed in the night. Lund said the sea wall had held.",
    },
    {
        "id": "forecasting-undated", "source": "Coastal Herald",
        "title": "Forecasting in the age of satellites",
        "people": [],
        "body": "Satellites changed how forecasters read the weather over the sea.",
    },
]

ARTICLES = STRIKE + ELECTION + CHESS + STORM

# Articles per month, as the dates above give them (the undated one aside).
MONTHS = {"2020-08": 3, "2020-09": 2, "2020-10": 1, "2021-03": 2, "2021-05": 1, "2021-07": 2,
          "2021-12": 2, "2022-01": 3}


def build(path) -> Index:
    index = Index.create(path)
    index.add(ARTICLES)
    return index


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    index = build(tmp_path_factory.mktemp("archive") / "idx")
    yield index
    index.close()


@pytest.fixture(scope="module")
def run(archive):
    """Run a searchkit command on the archive, as a user would: ``run("people", "--top", "3")``."""

    def run(*args):
        return CliRunner().invoke(main, [*args, "--index", str(archive.path)])

    return run
