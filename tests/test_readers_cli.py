"""Ingesting through the CLI and the Python API: summary, duplicates, --strict, --format, --field, inspect."""

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import main
from searchkit.ingest import ingest

DATA = Path(__file__).parent / "data" / "ingest"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_index_summary_counts_indexed_duplicates_skipped_and_warnings(tmp_path):
    result = run("index", DATA, "--index", tmp_path / "idx")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "Indexed 24 new and 0 changed articles (0 unchanged)" in result.stderr
    assert "1 duplicate (same title and text) indexed once." in lines
    assert (
        "Skipped 9: 3 no title or text, 2 not an article object, 2 record cut short, 1 malformed JSON, "
        "1 malformed CSV row." in lines
    )
    assert "Warnings 2: 2 unparsable date." in lines
    assert f"warning: {DATA / 'mixed.jsonl'}:3: not a JSON object (list); skipped" in lines
    assert "\r" not in result.stderr  # no progress line when not on a terminal
    with Index.open(tmp_path / "idx") as index:
        assert len(index) == 24
        assert index.get("m-4") is None and index.get("m-1") is not None  # m-4 repeats m-1's title and text
        wheat = index.get("reuters-21578-101")
        assert wheat.places == ["estavia", "usa"] and wheat.topics == ["grain", "wheat"]
        assert index.search("Velgrad snow leopards").total == 1


def test_reindexing_counts_unchanged_and_still_drops_duplicates(tmp_path):
    run("index", DATA, "--index", tmp_path / "idx")
    again = run("index", DATA, "--index", tmp_path / "idx")
    assert again.exit_code == 0
    assert "Indexed 0 new and 0 changed articles (24 unchanged)" in again.stderr
    assert "1 duplicate (same title and text) indexed once." in again.stderr


def test_strict_fails_when_anything_was_skipped(tmp_path):
    result = run("index", DATA / "mixed.jsonl", "--index", tmp_path / "idx", "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Error: --strict: some input was skipped or repaired")
    assert len(Index.open(tmp_path / "idx")) == 1  # what could be indexed still was
    clean = run("index", DATA / "one.json", "--index", tmp_path / "idx2", "--strict")
    assert clean.exit_code == 0, clean.output


def test_nothing_indexable_exits_non_zero_with_one_line(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    result = run("index", tmp_path, "--index", tmp_path / "idx")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Error: nothing could be indexed from {tmp_path}"
    assert "Traceback" not in result.output


def test_format_and_field_options(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"story_text": "The gate closed.", "headline_text": "Gate test"}) + "\n")
    result = run("index", path, "--index", tmp_path / "idx", "--format", "jsonl",
                 "--field", "body=story_text", "--field", "title=headline_text")
    assert result.exit_code == 0, result.output
    assert Index.open(tmp_path / "idx").search("gate").total == 1
    bad = run("index", path, "--index", tmp_path / "idx", "--field", "bogus=x")
    assert bad.exit_code == 2 and "expected OURS=THEIRS with OURS one of id, title" in bad.output
    unknown = run("index", path, "--format", "xml")
    assert unknown.exit_code == 2 and "'xml' is not one of" in unknown.output


def test_progress_line_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr("searchkit.cli._on_terminal", lambda: True)
    result = run("index", DATA / "news.csv", "--index", tmp_path / "idx")
    assert result.exit_code == 0
    # Workers report a chunk at a time, so the count can jump; it ends at every article handled.
    assert re.search(r"\r[1-9]\d* articles?, [\d,]+/s", result.stderr)
    assert "\r \r" not in result.stderr and " \rwarning: " in result.stderr  # cleared before the summary


def test_inspect_prints_normalized_articles_as_json_without_indexing(tmp_path, seed_path):
    result = run("inspect", seed_path, DATA / "mixed.jsonl")
    assert result.exit_code == 0
    articles = json.loads(result.stdout)
    assert [a["id"] for a in articles[1:]] == ["m-1", "m-4"]
    seed = articles[0]
    assert seed["credits"] == ["Dmitri Lovetsky"] and seed["date"] is None
    assert "Related article" not in seed["body"]
    assert "warning: " in result.stderr and "malformed JSON" in result.stderr
    limited = run("inspect", DATA / "reut2-000.sgm", "--limit", "1")
    assert [a["title"] for a in json.loads(limited.stdout)] == ["ESTAVIA SEEKS MORE U.S. WHEAT UNDER <EEP> PROGRAM"]
    assert not list(tmp_path.iterdir())


def test_python_api_ingest(tmp_path):
    shutil.copy(DATA / "news.tsv", tmp_path)
    seen = []
    with Index.create(tmp_path / "idx") as index:
        report = ingest([tmp_path / "news.tsv", DATA / "one.json"], index, progress=seen.append)
        assert (report.added, report.duplicates, report.failed(strict=True)) == (3, 0, False)
        assert seen and seen[-1] == 3 and seen == sorted(seen)  # counts only grow, and end at every article
        assert len(index) == 3
