"""Did-you-mean: a corrected query from the index's own words and names, offered only if it finds more."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


from archive import archive, run  # noqa: F401 (fixtures)


@pytest.mark.parametrize("typed, meant", [
    ("lukashenka", "lukashenko"),  # a rare spelling next to the one the archive mostly uses
    ("Lukashenka", "Lukashenko"),  # the user's capitals are kept
    ("dokcers", "dockers"),  # two letters swapped
    ("dockers pikcet", "dockers picket"),  # only the wrong word changes
    ("people:okonkow", "people:okonkwo"),  # a field keeps its word to its field
    ('"wage ofer"', '"wage offer"'),  # inside a phrase
    ("tsikhanovskaya recount", "tsikhanouskaya recount"),
])
def test_suggestions(archive, typed, meant):
    results = archive.search(typed)
    assert results.suggestion == meant
    assert archive.search(meant).total > (0 if results.fallback else results.total)


@pytest.mark.parametrize("typed", [
    "dockers",  # plenty found: nothing to correct
    "zanzibar",  # nothing like it in the index
    "date:2020-08 lukashenko",
    "lukash*",
    "sorokina~",
])
def test_no_suggestion(archive, typed):
    assert archive.search(typed).suggestion is None


def test_filters_apply_to_the_corrected_query(archive):
    # Lukashenka is in an October article; no article from October on says Lukashenko.
    assert archive.search("lukashenka", since="2020-10").suggestion is None
    assert archive.search("lukashenka", until="2020-09-30").suggestion == "lukashenko"  # 0 found, 5 would be


def test_a_corrected_phrase_is_tried_without_whooshs_phrase_matcher(archive, monkeypatch):
    """Whoosh's phrase matcher reads positions article by article as soon as it is made; the
    corrected query is counted in bulk (a phrase of common words cost 40 ms on 100k articles)."""
    from whoosh.query.spans import SpanNear2

    def refused(*args, **kwargs):
        raise AssertionError("Whoosh's phrase matcher was made")

    monkeypatch.setattr(SpanNear2.SpanNear2Matcher, "__init__", refused)
    assert archive.search('"wage ofer"').suggestion == '"wage offer"'


def test_suggestion_can_be_switched_off(archive):
    assert archive.search("dokcers", suggest=False).suggestion is None


WORDS = ["dockers", "picket", "vandenberg", "okonkwo", "election", "tsikhanouskaya", "sorokina", "forecaster",
         "landslide", "recount", "satellites", "harrowmouth"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(WORDS), st.integers(min_value=1), st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
       st.sampled_from(["swap", "drop", "add", "change"]))
def test_a_suggestion_never_finds_fewer(archive, word, at, letter, edit):
    i = 1 + at % (len(word) - 2)  # never the first letter
    typo = {
        "swap": word[:i] + word[i + 1] + word[i] + word[i + 2:],
        "drop": word[:i] + word[i + 1:],
        "add": word[:i] + letter + word[i:],
        "change": word[:i] + letter + word[i + 1:],
    }[edit]
    results = archive.search(typo)
    if results.suggestion is not None:
        found = 0 if results.fallback else results.total
        assert archive.search(results.suggestion).total > found



def test_command_shows_the_suggestion(run):
    assert run("search", "dokcers").output == "No results for 'dokcers'.\nDid you mean: dockers?\n"
    lines = run("search", "lukashenka").output.splitlines()
    assert lines[0].startswith("1 result for 'lukashenka' (") and lines[1] == "Did you mean: lukashenko?"
    assert json.loads(run("search", "dokcers", "--json").stdout)["suggestion"] == "dockers"
    assert json.loads(run("search", "dockers", "--json").stdout)["suggestion"] is None


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """The archive's articles in three segments."""
    from archive import ARTICLES

    from searchkit import Index

    with Index.create(tmp_path_factory.mktemp("segmented") / "idx") as index:
        third = len(ARTICLES) // 3 + 1
        for start in range(0, len(ARTICLES), third):
            index.add(ARTICLES[start:start + third])
        yield index


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet="abcdeiklmnoprstuvwyz", min_size=1, max_size=10), reach=st.integers(0, 2),
       field=st.sampled_from(["body_exact", "people", "title_exact"]))
@example(word="dokcers", reach=1, field="body_exact")
@example(word="okonkow", reach=2, field="people")
@example(word="the", reach=1, field="body_exact")
def test_words_near_a_misspelling_are_those_a_scan_of_the_lexicon_finds(segmented, word, reach, field):
    """Every word of the field in any segment with the same first letter and at most ``reach`` edits
    (Whoosh's Damerau-Levenshtein distance: two swapped letters are one edit), with that distance."""
    from whoosh.support.levenshtein import distance

    from searchkit.suggest import _lexicon, words_near

    with segmented._searchers.lease() as s:
        leaves = [leaf for leaf, _ in s.reader().leaf_readers()]
        assert len(leaves) == 3
        assert all(_lexicon(leaf, field) is not None for leaf in leaves)  # read from the mapped terms file
        every = {w.decode() if isinstance(w, bytes) else w for leaf in leaves for w in leaf.lexicon(field)}
        expected = {w: distance(word, w) for w in every if w[:1] == word[:1] and distance(word, w) <= reach}
        assert words_near(word, reach, leaves, field) == expected
        if (word, field) == ("dokcers", "body_exact"):
            assert expected["dockers"] == 1


def test_segments_stored_otherwise_give_the_same_words(segmented, monkeypatch):
    """Where the terms file is not mapped as expected, the words come through Whoosh's cursor."""
    import searchkit.suggest as suggest

    with segmented._searchers.lease() as s:
        leaves = [leaf for leaf, _ in s.reader().leaf_readers()]
        mapped = {(i, f, c): suggest._read_words(leaf, f, c) for i, leaf in enumerate(leaves)
                  for f in ("body_exact", "people", "title_exact", "nofield") for c in "adlosté"}
        monkeypatch.setattr(suggest, "_lexicon", lambda leaf, fieldname: None)
        for (i, f, c), words in mapped.items():
            assert suggest._read_words(leaves[i], f, c) == words
        assert mapped[0, "body_exact", "d"] and mapped[0, "people", "o"]


def test_a_segment_without_the_fields_words_is_walked_too(tmp_path):
    """A segment where no article names anyone has no words in ``people``: the walk goes on over the others."""
    from searchkit import Index

    with Index.create(tmp_path / "idx") as index:
        index.add([{"id": f"p{i}", "title": "Port talks", "body": "Mara Okonkwo said the port talks went on.",
                    "people": ["Mara Okonkwo"]} for i in range(6)])
        index.add([{"id": "n1", "title": "Tide tables", "body": "the tide tables are out."}])
        index.add([{"id": "o1", "title": "Okonkow", "body": "a note on okonkow.", "people": ["Ada Okonkow"]}])
        results = index.search("people:okonkow")
        assert results.total == 1 and results.suggestion == "people:okonkwo"


def test_words_of_other_alphabets_are_corrected_too(tmp_path):
    """A first letter of two bytes in UTF-8 (Cyrillic) bounds its words in the terms file as one of one byte does."""
    import searchkit.suggest as suggest
    from searchkit import Index

    with Index.create(tmp_path / "idx") as index:
        index.add([{"id": f"m{i}", "title": "Talks", "body": f"Talks in Москва, day {i}; мост and море."} for i in range(6)]
                  + [{"id": "x1", "title": "Typo", "body": "a note from Мсоква."}])
        assert index.search("мсоква").suggestion == "москва"
        assert index.search("Мсоква").suggestion == "Москва"
        with index._searchers.lease() as s:
            leaf = next(leaf for leaf, _ in s.reader().leaf_readers())
            assert suggest._read_words(leaf, "body_exact", "м").split("\n") == ["море", "москва", "мост", "мсоква"]
