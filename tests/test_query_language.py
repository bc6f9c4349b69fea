"""Each form of the query language, searched through the API on the newsroom fixture."""

from __future__ import annotations

import pytest

from newsroom import ARTICLES, ids, matching, news  # noqa: F401 (news is a fixture)


def found(index, query, **kw) -> set[str]:
    return set(ids(index.search(query, limit=50, **kw)))


def test_every_word_is_required(news):
    assert found(news, "storm harbour") == {"storm-2019", "storm-2020"}
    assert found(news, "harbour") == matching(lambda a: "harbour" in (a["title"] + a["body"]).lower())


def test_words_are_stemmed(news):
    assert found(news, "protest") == {"minsk-protests"}  # "protests", "Protesters"
    assert found(news, "climate changing") == {"climate-summit", "climate-report"}


def test_common_words_are_ignored_not_required(news):
    assert found(news, "the lukashenko") == found(news, "lukashenko") == {"minsk-protests"}


def test_fallback_ranks_articles_with_some_words_and_says_so(news):
    results = news.search("harbour zanzibar")
    assert results.fallback
    assert results.total == len(matching(lambda a: "harbour" in (a["title"] + a["body"]).lower()))
    exact = news.search("harbour storm")
    assert not exact.fallback and exact.total == 2


def test_no_fallback_for_a_single_word_or_explicit_and(news):
    assert news.search("zanzibar").total == 0 and not news.search("zanzibar").fallback
    explicit = news.search("harbour AND zanzibar")
    assert (explicit.total, explicit.fallback) == (0, False)


def test_any_terms_ranks_articles_matching_more_words_first(news):
    results = news.search("storm harbour ferries", any_terms=True)
    assert not results.fallback
    assert set(ids(results)[:2]) == {"storm-2019", "storm-2020"}  # all three words
    assert {"ferry-title", "bakery"} <= set(ids(results))  # one word each


def test_quoted_phrase_is_exact_not_stemmed(news):
    assert found(news, '"climate changes"') == {"climate-report"}
    assert found(news, '"climate change"') == {"climate-summit"}
    assert found(news, "climate changes") == {"climate-summit", "climate-report"}


def test_phrase_ignores_case_accents_and_quote_style(news):
    assert found(news, '"RUSSIA\'S POSITION"') == {"minsk-protests"}  # text has a curly ’
    assert found(news, "“there’s currently no such need”") == {"kremlin-lavrov"}  # curly quotes in the query
    assert found(news, '"lukasz wisniewski lost"') == {"bakery"}


def test_proximity(news):
    assert found(news, '"sea wall"') == {"climate-summit"}
    assert found(news, '"sea wall"~1') == {"climate-summit", "climate-report"}  # sea defence wall
    assert found(news, '"wall sea"~3') == set()  # the words keep their order


def test_boolean_operators(news):
    assert found(news, "minsk OR moscow") == {"minsk-protests", "lavrov-mention"}
    assert found(news, "lavrov NOT gas") == {"kremlin-lavrov"}
    assert found(news, "lavrov -gas") == {"kremlin-lavrov"}
    assert found(news, "lavrov AND gas") == {"lavrov-mention"}
    assert found(news, "(minsk OR moscow) -gas") == {"minsk-protests"}


def test_or_binds_tighter_than_and(news):
    # belarus AND (gas OR police), not (belarus AND gas) OR police
    assert found(news, "belarusian gas OR police") == {"lavrov-mention"}
    assert found(news, "(belarusian gas) OR police") == {"lavrov-mention", "kremlin-lavrov"}


def test_plus_requires_a_word_in_any_mode(news):
    assert found(news, "+storm ferries", any_terms=True) == {"storm-2019", "storm-2020"}
    assert found(news, "storm ferries", any_terms=True) == {"storm-2019", "storm-2020", "ferry-title", "ferry-body"}


def test_hyphenated_word_is_not_a_negation(news):
    assert found(news, "post-Soviet") == {"kremlin-lavrov"}


def test_a_split_word_is_found_in_a_row_without_positions_in_the_stemmed_body(tmp_path):
    """The stemmed body keeps counts only: a word the analyzer splits is its words in a row in the
    exact twin there (and still a phrase of stems in an older index, whose body has positions)."""
    from whoosh import fields, index as whoosh_index

    from searchkit import Article, Index
    from searchkit.bulk import BulkPhrase, SplitWord
    from searchkit.query import parse_query
    from searchkit.ranking import query_words
    from searchkit.schema import make_schema
    from searchkit.storage import FORMAT_FILE

    schema = make_schema()
    assert not schema["body"].format.supports("positions")
    q = parse_query("post-Soviets", schema)
    split = [p for p in q.leaves() if isinstance(p, SplitWord)]
    assert [(p.fieldname, p.words, p.stems) for p in split] == [("body_exact", ["post", "soviets"], ["post", "soviet"])]
    assert query_words(q) == {"post", "soviet"}

    old = tmp_path / "old"
    old.mkdir()
    body = schema["body"]
    older = fields.Schema(**{name: fields.TEXT(analyzer=body.analyzer) if name == "body" else field
                             for name, field in make_schema().items() if name != "body_pairs"})
    whoosh_index.create_in(str(old), older).close()
    (old / FORMAT_FILE).write_text('{"format": 3}\n')
    articles = [Article(id="a", title="Talks", body="The post-Soviet space was discussed."),
                Article(id="b", title="Talks", body="Post offices in Soviet times."),
                Article(id="c", title="Talks", body="Many post-Soviets states met.")]
    with Index.open(old) as before, Index.create(tmp_path / "new") as now:
        for index in (before, now):
            index.add(articles)
        assert any(type(p) is BulkPhrase and p.fieldname == "body" for p in before._queries("post-Soviet")[0].leaves())
        assert {h.id for h in before.search("post-Soviet")} == {"a", "c"}  # stems in a row
        assert {h.id for h in now.search("post-Soviet")} == {"a"}  # the words as written
        assert {h.id for h in now.search("post-Soviets")} == {"c"}


def test_fields(news):
    assert found(news, "title:ferries") == {"ferry-title"}
    assert found(news, "body:ferries") == {"ferry-body", "storm-2019", "storm-2020"}
    assert found(news, "people:lavrov") == {"kremlin-lavrov"}
    assert found(news, "lavrov") == {"kremlin-lavrov", "lavrov-mention"}
    assert found(news, "source:courier") == matching(lambda a: a["source"] == "Velgrad Courier")
    assert found(news, 'source:"coastal herald" ferries') == {"ferry-title", "ferry-body"}
    assert found(news, "title:(storm OR chess)") == {"storm-2019", "storm-2020", "chess-undated"}
    assert found(news, 'title:"post-soviet space"') == {"kremlin-lavrov"}
    assert found(news, "TITLE:ferries") == {"ferry-title"}


@pytest.mark.parametrize(
    "query, predicate",
    [
        ("date:2020", lambda d: d.startswith("2020")),
        ("date:2020-08", lambda d: d.startswith("2020-08")),
        ("date:2020-08-28", lambda d: d == "2020-08-28"),
        ("date:[2020-08-01 TO 2020-08-31]", lambda d: "2020-08-01" <= d <= "2020-08-31"),
        ("date:[2020-08-20 to 2021]", lambda d: "2020-08-20" <= d <= "2021-12-31"),
        ("date:[2021 TO *]", lambda d: d >= "2021"),
        ("date:>=2020-08-28", lambda d: d >= "2020-08-28"),
        ("date:>2020-08", lambda d: d >= "2020-09"),
        ("date:<2020", lambda d: d < "2020"),
        ("date:<=2020-01-01", lambda d: d <= "2020-01-01"),
    ],
)
def test_dates(news, query, predicate):
    expected = matching(lambda a: bool(a.get("date")) and predicate(a["date"]))
    assert expected and found(news, query) == expected


def test_date_combines_with_words(news):
    assert found(news, "storm date:2020") == {"storm-2020"}
    assert found(news, "storm -date:2020") == {"storm-2019"}
    assert found(news, "date:(2019 OR 2022)") == {"storm-2019", "bakery"}


def test_prefix_wildcard(news):
    assert found(news, "lukash*") == {"minsk-protests", "kremlin-lavrov"}  # Lukashenko, Lukashenka
    assert found(news, "Wiśniew*") == {"bakery"}
    assert found(news, "people:tsikh*") == {"minsk-protests"}
    assert found(news, "fe*ies") == {"storm-2019", "storm-2020", "ferry-title", "ferry-body"}


def test_fuzzy(news):
    assert found(news, "lukashenka~") == {"minsk-protests", "kremlin-lavrov"}
    assert found(news, "lukashenkx~") == {"minsk-protests", "kremlin-lavrov"}
    assert found(news, "lukashexxx~2") == set()
    assert found(news, "lukashenxx~2") == {"minsk-protests", "kremlin-lavrov"}


def test_case_and_accents_are_ignored_everywhere(news):
    assert found(news, "WISNIEWSKI") == found(news, "Wiśniewski") == {"bakery"}
    assert found(news, "Lukašenko") == {"minsk-protests"}  # respelled: Lukashenko
    assert found(news, "muller") == found(news, "Müller") == found(news, "MÜLLER") == {"chess-undated"}
    assert found(news, "people:lukasz") == {"bakery"}


def test_title_weighs_more_than_body(news):
    ranked = ids(news.search("ferries resume"))
    assert ranked[:2] == ["ferry-title", "ferry-body"]  # ferry-body is newer, yet second


def test_relevance_ties_go_to_the_newer_article(news):
    assert ids(news.search("storm harbour")) == ["storm-2020", "storm-2019"]
    assert ids(news.search("date:2020-08")) == ["lavrov-mention", "kremlin-lavrov", "minsk-protests"]


def test_sort_by_date_with_undated_last(news):
    dated = sorted((a["date"], a["id"]) for a in ARTICLES if "harbour" in a["body"].lower() and a.get("date"))
    newest = ids(news.search("harbour", sort="newest"))
    oldest = ids(news.search("harbour", sort="oldest"))
    assert newest == [i for _, i in reversed(dated)] + ["chess-undated"]
    assert oldest == [i for _, i in dated] + ["chess-undated"]


def test_filters(news):
    assert found(news, "lavrov", people=["Lavrov"]) == {"kremlin-lavrov"}
    assert found(news, "lavrov", people="Sergei Lavrov") == {"kremlin-lavrov"}
    assert found(news, "said", people=["lavrov", "peskov"]) == {"kremlin-lavrov"}
    assert found(news, "said", people=["lavrov", "lukashenko"]) == set()
    assert found(news, "storm", people=["Van der Sande"]) == {"storm-2019", "storm-2020"}
    assert found(news, "harbour", people=["Wisniewski"]) == {"bakery"}
    assert found(news, "lukashenko", people=["Lukašenko"]) == {"minsk-protests"}
    assert found(news, "harbour", source="Estavian Press Agency") == {"storm-2019", "storm-2020", "bakery"}
    assert found(news, "harbour", source="courier") == {"chess-undated"}
    assert found(news, "storm", since="2020") == {"storm-2020"}
    assert found(news, "storm", until="2019-12") == {"storm-2019"}
    from datetime import date

    assert found(news, "lavrov", since=date(2020, 8, 29), until="2020-08-31") == {"lavrov-mention"}


def test_paging(news):
    everything = ids(news.search("harbour", limit=50))
    pages = [ids(news.search("harbour", limit=2, page=p)) for p in (1, 2, 3)]
    assert sum(pages, []) == everything[:6]
    second = news.search("harbour", limit=2, page=2)
    assert [h.rank for h in second] == [3, 4] and second.total == len(everything)
    beyond = news.search("harbour", limit=2, page=99)
    assert beyond.hits == [] and beyond.total == len(everything)


def test_results_report_total_and_time(news):
    results = news.search("harbour", limit=1)
    assert len(results) == 1 and results.total > 1
    assert results.took_ms > 0


def test_letters_english_news_spells_with_two_are_also_searched_respelled(tmp_path):
    from searchkit import Index

    with Index.create(tmp_path / "idx") as index:
        index.add([
            {"id": "en", "title": "Mueller and Lukashenko meet", "body": "Gerd Mueller met Alexander Lukashenko."},
            {"id": "de", "title": "Müller trifft Lukašenko", "body": "Gerd Müller traf Aljaksandr Lukašenko."},
        ])
        assert found(index, "Müller") == found(index, "Lukašenko") == {"en", "de"}
        assert found(index, '"gerd müller"') == {"en", "de"}
        assert found(index, "Lukaš*") == {"en", "de"}
        assert found(index, "muller") == {"de"}  # plain folding: ü is u
