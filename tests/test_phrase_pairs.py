"""Exact phrases with common words: narrowed by the body_pairs field, and still exact."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Article, Index
from searchkit.analysis import WordPairs
from searchkit.schema import COMMON_WORDS, exact_analyzer, make_schema

COMMON = ["the", "of", "and", "said", "to", "a", "in"]
RARE = ["harbour", "levy", "quay", "storm", "tide", "minister", "salt", "gull", "ferry", "pier"]


def _bodies(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(COMMON if rng.random() < 0.45 else RARE) for _ in range(rng.randint(0, 60)))
            for _ in range(n)]


def _containing(bodies: dict[str, str], phrase: list[str]) -> set[str]:
    found = set()
    for id_, body in bodies.items():
        words = body.split()
        if any(words[i:i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1)):
            found.add(id_)
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """300 articles in three commits (so three segments), then 30 of them replaced by new versions."""
    bodies = {f"a{i:03d}": body for i, body in enumerate(_bodies(300, seed=11))}
    index = Index.create(tmp_path_factory.mktemp("pairs") / "idx")
    ids = sorted(bodies)
    for part in (ids[:100], ids[100:200], ids[200:]):
        index.add([Article(id=i, title="", body=bodies[i]) for i in part])
    for i, body in zip(ids[::10], _bodies(30, seed=12)):  # the old versions stay in the segments, deleted
        bodies[i] = body
    index.add([Article(id=i, title="", body=bodies[i]) for i in ids[::10]])
    yield index, bodies
    index.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phrase=st.lists(st.sampled_from(COMMON + RARE), min_size=2, max_size=4))
def test_a_phrase_finds_exactly_the_articles_with_its_words_in_a_row(corpus, phrase):
    index, bodies = corpus
    results = index.search('"' + " ".join(phrase) + '"', limit=1000, snippets=False, suggest=False)
    assert {hit.id for hit in results} == _containing(bodies, phrase)
    assert results.total == len(_containing(bodies, phrase))


def test_phrases_found_in_articles_appear_there(corpus):
    """Phrases taken from the articles themselves (so they match), common words included."""
    index, bodies = corpus
    rng = random.Random(5)
    for body in rng.sample(sorted(bodies.values()), 40):
        words = body.split()
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 2)
        phrase = words[start:start + rng.randint(2, 3)]
        found = {hit.id for hit in index.search('"' + " ".join(phrase) + '"', limit=1000, snippets=False,
                                                 suggest=False)}
        assert found == _containing(bodies, phrase) and found


def _phrase_candidates(tmp_path, monkeypatch, bodies: list[str], phrase: str) -> tuple[int, list]:
    """How many articles of ``bodies`` the phrase finds, and how many candidates its positions were read for."""
    import searchkit.bulk as bulk

    with Index.create(tmp_path / "idx") as index:
        index.add([Article(id=f"a{i}", title="", body=body) for i, body in enumerate(bodies)])
        candidates = []
        real = bulk._phrase_scores

        def spy(ms, terms, reader, only=None):
            candidates.append(None if only is None else len(only))
            return real(ms, terms, reader, only)

        monkeypatch.setattr(bulk, "_phrase_scores", spy)
        return index.search(phrase, limit=100, snippets=False, suggest=False).total, candidates


@pytest.mark.parametrize("every, some, phrase, found", [
    ("harbour the levy the quay " * 3, "the harbour", "the harbour", 10),  # a common word
    ("levy quay harbour gull levy ", "harbour levy", "harbour levy", 10),  # uncommon words: their pair too
])
def test_the_positions_of_only_the_pairs_candidates_are_read(tmp_path, monkeypatch, every, some, phrase, found):
    """Every article has the phrase's words; the pair of its words narrows the candidates first."""
    bodies = [every + (some if i % 20 == 0 else "") for i in range(200)]
    total, candidates = _phrase_candidates(tmp_path, monkeypatch, bodies, f'"{phrase}"')
    assert total == found
    assert candidates and all(n is not None for n in candidates) and sum(candidates) < 40


def test_the_most_common_word_is_read_for_the_articles_still_in_the_running(tmp_path, monkeypatch):
    """In "quay the levy", "quay" and "levy" are read first (fewer articles have them); articles where
    "levy" is not two words after "quay" drop out before the positions of "the" are read. Each
    article has both pairs, so the pairs alone narrow nothing."""
    import searchkit.bulk as bulk

    with Index.create(tmp_path / "idx") as index:
        index.add([Article(id=f"a{i}", title="", body="quay the levy" if i % 20 == 0 else "quay the gull the levy")
                   for i in range(200)] + [Article(id=f"b{i}", title="", body="the harbour") for i in range(100)])
        asked = {}
        real = bulk.segment_scores

        def spy(matcher, reader, keep=None, only=None):
            term = bulk._term_matcher(matcher)
            if term is not None and term.term()[0] == "body_exact":
                asked[term.term()[1].decode()] = None if only is None else len(only)
            return real(matcher, reader, keep, only)

        monkeypatch.setattr(bulk, "segment_scores", spy)
        results = index.search('"quay the levy"', limit=100, snippets=False, suggest=False)
        assert results.total == 10
        assert asked["the"] == 10


def test_pair_buckets_do_not_change():
    """Indexes store these numbers: a change of the function needs a new index format (storage.FORMAT)."""
    field = WordPairs(exact_analyzer(), {"the", "of", "said"})  # an index keeps its own common words
    assert field.buckets("the minister of the interior said".split()) == {8899, 12390, 18618, 20808}
    assert field.pair_terms(["of", "harbour"]) == [str(next(iter(field.buckets(["of", "harbour"]))))]
    assert field.buckets(["of", "the"]) == set()  # two common words: no pair
    assert field.buckets(["harbour", "levy"]) == {30391}  # two other words: a pair too
    assert make_schema()["body_pairs"].common == COMMON_WORDS


def test_an_index_without_pairs_finds_the_same_phrases(tmp_path):
    """Formats 1-3 have no body_pairs: phrases read the positions of every article with all the words."""
    from whoosh import fields, index as whoosh_index

    from searchkit.storage import FORMAT_FILE

    old = tmp_path / "old"
    old.mkdir()
    schema = fields.Schema(**{name: field for name, field in make_schema().items() if name != "body_pairs"})
    whoosh_index.create_in(str(old), schema).close()
    (old / FORMAT_FILE).write_text('{"format": 3}\n')
    bodies = {f"a{i:03d}": body for i, body in enumerate(_bodies(120, seed=21))}
    with Index.open(old) as before, Index.create(tmp_path / "new") as now:
        for index in (before, now):
            index.add([Article(id=i, title="", body=b) for i, b in bodies.items()])
        for phrase in (["the", "harbour"], ["of", "the", "tide"], ["salt", "said"], ["gull", "pier", "and"]):
            text = '"' + " ".join(phrase) + '"'
            expected = _containing(bodies, phrase)
            assert {h.id for h in before.search(text, limit=500, snippets=False)} == expected
            assert {h.id for h in now.search(text, limit=500, snippets=False)} == expected


def test_an_index_keeps_the_common_words_it_was_built_with(tmp_path):
    """The pairs' common words are stored with the index: a later list of them changes nothing there."""
    from whoosh import index as whoosh_index

    from searchkit.storage import FORMAT_FILE

    folder = tmp_path / "other"
    folder.mkdir()
    schema = make_schema()
    schema._fields["body_pairs"] = WordPairs(exact_analyzer(), {"harbour", "tide"})
    whoosh_index.create_in(str(folder), schema).close()
    (folder / FORMAT_FILE).write_text('{"format": 4}\n')
    bodies = {f"a{i:03d}": body for i, body in enumerate(_bodies(150, seed=31))}
    with Index.open(folder) as index:
        index.add([Article(id=i, title="", body=b) for i, b in bodies.items()])
        for phrase in (["the", "harbour"], ["harbour", "levy"], ["of", "salt"], ["gull", "the"], ["of", "the", "tide"],
                       ["salt", "tide", "and"]):
            found = {h.id for h in index.search('"' + " ".join(phrase) + '"', limit=500, snippets=False)}
            assert found == _containing(bodies, phrase)
