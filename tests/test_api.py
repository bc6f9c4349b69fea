"""The Python API: opening, writing, reading, statistics, and many threads searching one Index."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from searchkit import Article, Index, IndexNotFoundError, QueryError, Results

from newsroom import ARTICLES, build, ids, matching


def test_create_open_and_context_manager(tmp_path):
    with build(tmp_path / "idx") as index:
        assert len(index) == len(ARTICLES)
    with Index.open(tmp_path / "idx") as again:
        results = again.search("storm harbour")
        assert isinstance(results, Results) and results.total == 2
    with pytest.raises(IndexNotFoundError):
        Index.open(tmp_path / "nothing")


def test_a_closed_index_refuses_to_search(tmp_path):
    index = build(tmp_path / "idx")
    index.close()
    with pytest.raises(ValueError):
        index.search("harbour")


def test_hits_are_typed_records(tmp_path):
    with build(tmp_path / "idx") as index:
        hit = index.search("lukashenko").hits[0]
        assert (hit.rank, hit.id, hit.date) == (1, "minsk-protests", date(2020, 8, 19))
        assert hit.people == ["Alexander Lukashenko", "Sviatlana Tsikhanouskaya"]
        assert hit.source == "Estavian Press Agency" and hit.score > 0
        as_json = hit.to_dict()
        assert as_json["date"] == "2020-08-19" and as_json["highlights"] == [list(s) for s in hit.highlights]


def test_get_returns_the_full_article(tmp_path):
    with build(tmp_path / "idx") as index:
        article = index.get("bakery")
        assert isinstance(article, Article)
        assert article.people == ["Łukasz Wiśniewski"] and article.date == date(2022, 10, 5)
        assert article.body.startswith("Łukasz Wiśniewski lost ovens")
        assert index.get("no-such-id") is None


def test_add_update_delete_are_seen_by_the_next_search(tmp_path):
    with build(tmp_path / "idx") as index:
        assert index.search("lighthouse").total == 1  # warms the searcher pool
        report = index.add([{"id": "new", "title": "Lighthouse keeper retires", "body": "After forty years."}])
        assert report.added == 1
        assert set(ids(index.search("lighthouse"))) == {"long-budget", "new"}
        assert index.update({"id": "new", "title": "Keeper retires", "body": "After forty years."})
        assert set(ids(index.search("lighthouse"))) == {"long-budget"}
        assert index.get("new").title == "Keeper retires"
        assert not index.update({"id": "newer", "title": "Another lighthouse", "body": "Opened."})
        assert index.delete("newer") and not index.delete("newer")
        assert set(ids(index.search("lighthouse"))) == {"long-budget"}
        assert len(index) == len(ARTICLES) + 1


def test_another_index_object_sees_committed_changes(tmp_path):
    with build(tmp_path / "idx") as reader, Index.open(tmp_path / "idx") as writer:
        assert reader.search("lighthouse").total == 1
        writer.add([{"id": "w", "title": "Lighthouse", "body": "A second one."}])
        assert reader.search("lighthouse").total == 2


def test_fallback_flag_in_results(tmp_path):
    with build(tmp_path / "idx") as index:
        results = index.search("harbour zanzibar")
        assert results.fallback and results.to_dict()["fallback"] is True
        assert not index.search("harbour zanzibar", any_terms=True).fallback


def test_bad_arguments(tmp_path):
    with build(tmp_path / "idx") as index:
        with pytest.raises(ValueError, match="sort must be one of relevance, newest, oldest"):
            index.search("harbour", sort="best")
        with pytest.raises(ValueError, match="at least 1"):
            index.search("harbour", limit=0)
        with pytest.raises(QueryError):
            index.search("harbour", since="2020-02-30")


def test_stats(tmp_path):
    with build(tmp_path / "idx") as index:
        stats = index.stats(top_people=2)
        dates = sorted(a["date"] for a in ARTICLES if a.get("date"))
        assert stats.articles == len(ARTICLES)
        assert (stats.first_date.isoformat(), stats.last_date.isoformat()) == (dates[0], dates[-1])
        assert stats.undated == len(ARTICLES) - len(dates)
        assert stats.people[0] == ("Lotte van der Sande", 2) and len(stats.people) == 2
        assert stats.size_bytes > 0 and stats.to_dict()["articles"] == len(ARTICLES)
        index.delete("storm-2019")
        assert index.stats(top_people=1).people != [("Lotte van der Sande", 2)]  # deleted articles don't count


def test_stats_of_an_empty_index(tmp_path):
    with Index.create(tmp_path / "idx") as index:
        stats = index.stats()
        assert (stats.articles, stats.first_date, stats.people) == (0, None, [])


# What each thread asks, and the answer it must get every time.
_QUESTIONS = {
    "storm harbour": ["storm-2020", "storm-2019"],
    '"post-Soviet space"': ["kremlin-lavrov"],
    "lukash*": None,  # any order: checked as a set
    "date:2020-08": ["lavrov-mention", "kremlin-lavrov", "minsk-protests"],
    "ferries resume": None,
}
_SETS = {
    "lukash*": {"minsk-protests", "kremlin-lavrov"},
    "ferries resume": {"ferry-title", "ferry-body"},
}


def test_one_index_serves_many_threads(tmp_path):
    """8 threads x 50 searches on one Index, while two more threads keep adding articles."""
    with build(tmp_path / "idx") as index:
        wrong: list[str] = []
        errors: list[BaseException] = []
        start = threading.Barrier(10)
        questions = list(_QUESTIONS)

        def searcher(n: int) -> None:
            start.wait()
            try:
                for i in range(50):
                    query = questions[(n + i) % len(questions)]
                    results = index.search(query)
                    got = ids(results)
                    expected = _QUESTIONS[query]
                    if (got if expected else set(got)) != (expected or _SETS[query]):
                        wrong.append(f"{query}: {got}")
                    if "Lukashenko" not in " ".join(h.snippet for h in index.search("lukashenko")):
                        wrong.append("snippet lost its match")
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        def writer(n: int) -> None:
            start.wait()
            for i in range(3):
                index.add([{"id": f"extra-{n}-{i}", "title": f"Unrelated note {i}", "body": "Nothing to see."}])

        threads = [threading.Thread(target=searcher, args=(n,)) for n in range(8)]
        threads += [threading.Thread(target=writer, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert not wrong, wrong[:5]
        assert len(index) == len(ARTICLES) + 6


def test_a_write_while_another_process_writes_is_a_clear_error(tmp_path):
    from whoosh.index import open_dir

    from searchkit import SearchkitError

    with build(tmp_path / "idx") as index:
        other = open_dir(str(tmp_path / "idx")).writer()  # another process holding the write lock
        try:
            with pytest.raises(SearchkitError, match="being written by another process"):
                index.delete("bakery")
        finally:
            other.cancel()
        assert index.delete("bakery")


def test_matching_oracle_agrees_with_the_fixture():
    # The tests lean on matching(); make sure it is not vacuous.
    assert matching(lambda a: a.get("date", "").startswith("2020-08")) == {
        "minsk-protests", "kremlin-lavrov", "lavrov-mention"
    }
