"""Searching through the CLI, as a user would, and through the Python API."""

import json
import os
import shutil

from click.testing import CliRunner

from searchkit import Index, QueryError, read_articles
from searchkit.cli import main

from conftest import CORPUS


def run(*args, **kw):
    return CliRunner().invoke(main, list(args), **kw)


def test_phrase_with_straight_apostrophe_finds_curly_text(seed_index):
    hits = seed_index.search('"there\'s currently no such need"')
    assert [h.title for h in hits] == [seed_index.get(hits[0].id).title]
    assert hits.total == 1
    assert seed_index.search('"post-Soviet space"').total == 1


def test_credit_and_url_are_not_searchable_body_text(seed_index):
    assert seed_index.search("Lovetsky").total == 0
    assert seed_index.search("themoscowtimes").total == 0


def test_phrase_is_exact_not_stemmed(index_dir):
    with Index.create(index_dir) as index:
        index.add([
            {"id": "a", "title": "Summit", "body": "Leaders discussed climate change at length."},
            {"id": "b", "title": "Report", "body": "The report maps climate changes across the region."},
        ])
        assert [h.id for h in index.search('"climate changes"')] == ["b"]
        assert [h.id for h in index.search('"climate change"')] == ["a"]
        assert {h.id for h in index.search("climate changes")} == {"a", "b"}  # ranked search stems


def test_snippet_marks_only_the_phrase(index_dir):
    with Index.create(index_dir) as index:
        index.add([{"id": "a", "title": "T", "body": "Space is big. The post-Soviet space is contested."}])
        (hit,) = index.search('"post-Soviet space"')
        marked = [hit.snippet[s:e] for s, e in hit.highlights]
        assert marked == ["post-Soviet space"]


def test_accents_and_case_are_ignored(index_dir):
    with Index.create(index_dir) as index:
        index.add([{"id": "a", "title": "Visit", "body": "José Ramírez met the ÉLITE squad."}])
        assert index.search("jose ramirez").total == 1
        assert index.search("elite").total == 1


def test_api_get_delete_and_reindex(index_dir, seed_path):
    with Index.create(index_dir) as index:
        first = index.add(read_articles(seed_path))
        again = index.add(read_articles(seed_path))
        assert (first.added, again.added, again.unchanged, len(index)) == (1, 0, 1, 1)
        (article,) = read_articles(seed_path)
        assert index.get(article.id).body == article.body
        assert index.delete(article.id) and len(index) == 0
        assert index.get(article.id) is None


def test_changed_article_replaces_old_version(index_dir):
    with Index.create(index_dir) as index:
        index.add([{"id": "x", "title": "Old", "body": "old words"}])
        report = index.add([{"id": "x", "title": "New", "body": "new words"}])
        assert report.updated == 1 and len(index) == 1
        assert index.search("old").total == 0 and index.search("new").total == 1


def test_api_raises_query_error(seed_index):
    for bad in ['title:(', '"unclosed', "", "nosuchfield:x"]:
        try:
            seed_index.search(bad)
        except QueryError as e:
            assert "\n" not in str(e)
        else:
            raise AssertionError(f"{bad!r} should raise QueryError")


def test_cli_index_twice_keeps_the_count(tmp_path):
    idx = str(tmp_path / "idx")
    first = run("index", str(CORPUS), "--index", idx)
    assert first.exit_code == 0, first.output
    count = len(Index.open(idx))
    assert count == len(list(read_articles(CORPUS)))
    second = run("index", str(CORPUS), "--index", idx)
    assert second.exit_code == 0
    assert len(Index.open(idx)) == count
    assert f"{count} unchanged" in second.output


def test_cli_json_output(tmp_path):
    idx = str(tmp_path / "idx")
    run("index", str(CORPUS), "--index", idx)
    result = run("search", "Lukashenko", "--index", idx, "--json", "--limit", "3")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["query"] == "Lukashenko" and data["total"] >= 1
    hit = data["hits"][0]
    assert {"id", "title", "date", "people", "score", "snippet"} <= hit.keys()
    assert "Alexander Lukashenko" in hit["people"]
    assert len(data["hits"]) <= 3
    dated = [h["date"] for h in json.loads(run("search", "said", "--index", idx, "--json", "--limit", "50").stdout)["hits"] if h["date"]]
    assert dated and all(len(d) == 10 and d[4] == "-" for d in dated)


def test_cli_human_output_highlights_on_a_terminal(seed_index):
    plain = run("search", "Peskov", "--index", str(seed_index.path))
    assert plain.exit_code == 0
    assert "1 result for 'Peskov'" in plain.output
    assert "Dmitry Peskov" in plain.output and "\x1b[" not in plain.output
    coloured = run("search", "Peskov", "--index", str(seed_index.path), color=True)
    assert "\x1b[1m\x1b[33mPeskov" in coloured.output or "\x1b[33m\x1b[1mPeskov" in coloured.output


def test_cli_no_hits_is_not_an_error(seed_index):
    result = run("search", "zanzibar", "--index", str(seed_index.path))
    assert result.exit_code == 0
    assert result.output.strip() == "No results for 'zanzibar'."


def test_cli_malformed_query_one_line_exit_2(seed_index):
    result = run("search", "title:(", "--index", str(seed_index.path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "parenthesis" in lines[0]
    assert "Traceback" not in result.output


def test_cli_missing_index_says_how_to_build_one(tmp_path):
    result = run("search", "x", "--index", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "searchkit index" in result.output and "Traceback" not in result.output


def test_default_index_is_built_from_corpus_on_first_search(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run("search", '"post-Soviet space"')
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert "building it from corpus/" in result.output
    assert "1 result for" in result.output
    assert Index.exists(tmp_path / "index")


def test_bundled_corpus_is_big_and_varied():
    articles = list(read_articles(CORPUS))
    assert len(articles) >= 26
    years = {a.date.year for a in articles if a.date}
    assert len(years) >= 2
    assert {a.origin.rsplit(".", 1)[-1].split(":")[0] for a in articles} >= {"txt", "jsonl"}
