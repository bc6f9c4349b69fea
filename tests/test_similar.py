"""Similar stories: the articles most like one, by its distinctive words and people, without its duplicates."""

from __future__ import annotations

import json

import pytest

from searchkit import ArticleNotFoundError, Index, Results

from archive import archive, run  # noqa: F401 (fixtures)


def ids(results) -> list[str]:
    return [hit.id for hit in results]


@pytest.mark.parametrize("article, story", [
    ("strike-walkout", {"strike-picket", "strike-offer", "strike-ends", "strike-ends-copy"}),
    # the exiled press's article spells the name Lukashenka and shares little else
    ("vote-landslide", {"vote-protests", "vote-lavrov", "vote-envoys", "vote-inauguration"}),
    ("chess-sisters", {"chess-round-one", "chess-round-two"}),
])
def test_the_rest_of_the_story_comes_first(archive, article, story):
    results = archive.similar(article, limit=len(story))
    assert isinstance(results, Results) and set(ids(results)) == story
    assert [hit.rank for hit in results] == list(range(1, len(story) + 1))
    assert all(a.score >= b.score > 0 for a, b in zip(results.hits, results.hits[1:]))


def test_itself_and_its_exact_duplicates_are_left_out(archive):
    found = ids(archive.similar("strike-ends", limit=20))
    assert "strike-ends" not in found and "strike-ends-copy" not in found
    assert set(found[:3]) == {"strike-offer", "strike-walkout", "strike-picket"}
    assert "strike-ends" not in ids(archive.similar("strike-ends-copy", limit=20))


def test_sharing_people_counts(archive):
    # Both rounds of the final share the players with each other; the sisters' article shares one.
    assert ids(archive.similar("chess-round-one", limit=2)) == ["chess-round-two", "chess-sisters"]


def test_hits_are_full_records_with_snippets(archive):
    hit = archive.similar("strike-walkout", limit=1).hits[0]
    assert hit.title and hit.date and hit.people and hit.snippet
    assert hit.highlights and all(hit.snippet[s:e] for s, e in hit.highlights)


def test_filters_limit_what_is_listed(archive):
    later = ids(archive.similar("strike-walkout", since="2021-05"))
    assert later and all(i in ("strike-offer", "strike-ends", "strike-ends-copy", "storm-warning", "storm-passes",
                               "chess-round-one", "chess-round-two", "chess-sisters") for i in later)
    assert "strike-picket" not in later
    assert ids(archive.similar("strike-walkout", source="gazette")) == ["strike-picket", "strike-ends"]
    assert len(archive.similar("vote-landslide", limit=2)) == 2


def test_unknown_id_and_bad_limit(archive):
    with pytest.raises(ArticleNotFoundError, match="no article with id 'nope'"):
        archive.similar("nope")
    with pytest.raises(ValueError):
        archive.similar("strike-walkout", limit=0)


def test_an_article_with_nothing_to_share(tmp_path):
    with Index.create(tmp_path / "idx") as index:
        index.add([{"id": "a", "title": "Quince harvest", "body": "Quince trees fruited."},
                   {"id": "b", "title": "Bridge repair", "body": "Engineers closed lanes."}])
        assert ids(index.similar("a")) == []



def test_command(run):
    result = run("similar", "chess-round-one", "--limit", "2")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("The 2 articles most like 'chess-round-one' (")
    assert "1. Sorokina draws level in the final" in result.output and "id: chess-sisters" in result.output
    data = json.loads(run("similar", "chess-round-one", "-n", "2", "--json").stdout)
    assert [h["id"] for h in data["hits"]] == ["chess-round-two", "chess-sisters"] and data["query"] == "chess-round-one"


def test_command_errors(run):
    result = run("similar", "nope")
    assert result.exit_code == 2 and result.output.startswith("Error: no article with id 'nope'")
    assert result.output.count("\n") == 1
    assert run("similar", "chess-round-one", "--since", "2022-02-30").exit_code == 2
