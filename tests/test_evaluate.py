"""`searchkit eval`: the measures against a case worked out by hand, and the command end to end."""

import json
import math

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import main
from searchkit.evaluate import plain_words, read_qrels, read_queries, score_run
from searchkit.readers import ReadReport

# Worked by hand, binary relevance (any grade >= 1), 1,000 results judged:
# q1 relevant {d1, d3}, ranked d1 d2 d3 d4 d5:
#   AP = (1/1 + 2/3) / 2 = 5/6; DCG@10 = 1 + 1/log2(4) = 1.5, ideal = 1 + 1/log2(3);
#   P@10 = 2/10 (the rest of the ten count as misses); recall@100 = 2/2.
# q2 relevant {d5}, ranked d2 d5: AP = 1/2, nDCG@10 = 1/log2(3), P@10 = 0.1, recall@100 = 1.
# q3 relevant {d4}, nothing found: every measure 0, and it still counts in the mean.
RUN = {
    "q1": [("d1", 9.0), ("d2", 8.0), ("d3", 7.0), ("d4", 6.0), ("d5", 5.0)],
    "q2": [("d2", 3.0), ("d5", 2.0)],
    "q3": [],
    "q9": [("d1", 1.0)],  # no judgments: not scored
}
QRELS = {
    "q1": {"d1": 3, "d3": 1, "d2": 0},
    "q2": {"d5": 2},
    "q3": {"d4": 1},
}
Q1 = {"MAP": 5 / 6, "nDCG@10": 1.5 / (1 + 1 / math.log2(3)), "P@10": 0.2, "R@100": 1.0}
Q2 = {"MAP": 0.5, "nDCG@10": 1 / math.log2(3), "P@10": 0.1, "R@100": 1.0}


def test_measures_match_the_hand_computed_case():
    evaluation = score_run(RUN, QRELS)
    assert evaluation.per_query["q1"] == pytest.approx(Q1)
    assert evaluation.per_query["q2"] == pytest.approx(Q2)
    assert evaluation.per_query["q3"] == {"MAP": 0.0, "nDCG@10": 0.0, "P@10": 0.0, "R@100": 0.0}
    assert evaluation.overall == pytest.approx({m: (Q1[m] + Q2[m]) / 3 for m in Q1})
    assert evaluation.unjudged == ["q9"]


def test_tied_scores_keep_the_engines_order():
    # trec_eval would break these ties by document id (d5 first); the ranking shown to users is what counts.
    tied = {"q2": [("d2", 1.0), ("d5", 1.0)]}
    assert score_run(tied, {"q2": {"d5": 1}}).per_query["q2"]["MAP"] == pytest.approx(0.5)


def test_sentences_are_searched_as_plain_words():
    assert plain_words("nickel in nutrition: requirements (i.e. 1) toxicity?") == "nickel in nutrition requirements i.e. 1 toxicity"
    assert plain_words('sea wall AND "storm" - -flood') == "sea wall and storm flood"
    assert plain_words("post-Soviet space") == "post-Soviet space"


# A small invented collection: each query has one or two relevant articles.
DOCS = [
    {"id": "n1", "title": "Harbour wall raised before winter storms", "body": "Engineers raised the harbour wall by a metre before the winter storms, the port authority said."},
    {"id": "n2", "title": "Storm damage in the old town", "body": "The storm flooded cellars in the old town; the harbour wall held."},
    {"id": "n3", "title": "Central bank raises interest rates", "body": "The central bank raised interest rates by half a point to slow inflation."},
    {"id": "n4", "title": "Bakery wins regional prize", "body": "A family bakery won the regional prize for its rye bread."},
    {"id": "n5", "title": "Rates held steady", "body": "The bank held interest rates steady, saying inflation had eased."},
    {"id": "n6", "title": "Dengue vaccine trial", "body": "A dengue vaccine trial enrolled four thousand volunteers across three provinces."},
]
QUERIES = "1\tharbour wall\n2\tinterest rates set by the central bank to fight inflation\n3\tdengue vaccine\n"
QRELS_TEXT = "1 0 n1 2\n1 0 n2 1\n2 0 n3 1\n2 0 n5 1\n3 0 n6 1\n3 0 n4 0\n"


@pytest.fixture
def collection(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    (tmp_path / "queries.tsv").write_text(QUERIES, encoding="utf-8")
    (tmp_path / "qrels.txt").write_text(QRELS_TEXT, encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _table(output: str) -> dict[str, list[float]]:
    rows = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] != "query":
            rows[parts[0]] = [float(p) for p in parts[1:]]
    return rows


def test_cli_eval_from_docs_prints_the_four_measures(collection):
    result = run("eval", "--queries", collection / "queries.tsv", "--qrels", collection / "qrels.txt",
                 "--docs", collection / "docs.jsonl", "--per-query")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["query", "MAP", "nDCG@10", "P@10", "R@100"]
    rows = _table(result.output)
    assert set(rows) == {"1", "2", "3", "all"}
    # Every relevant article is found and ranked above the rest, so MAP and nDCG are perfect;
    # a query with two relevant articles has P@10 = 2/10.
    assert rows["all"][:2] == [1.0, 1.0] and rows["all"][3] == 1.0
    assert rows["1"][2] == 0.2 and rows["3"][2] == 0.1
    assert "3 judged queries" in result.output


def test_cli_eval_on_an_index_matches_docs_and_writes_a_run(collection, tmp_path):
    idx = tmp_path / "idx"
    assert run("index", collection / "docs.jsonl", "--index", idx).exit_code == 0
    run_file = tmp_path / "run.txt"
    on_index = run("eval", "--queries", collection / "queries.tsv", "--qrels", collection / "qrels.txt",
                   "--index", idx, "--run", run_file)
    on_docs = run("eval", "--queries", collection / "queries.tsv", "--qrels", collection / "qrels.txt",
                  "--docs", collection / "docs.jsonl")
    assert on_index.exit_code == 0, on_index.output
    assert _table(on_index.output) == _table(on_docs.output)
    lines = [line.split() for line in run_file.read_text().splitlines()]
    assert lines and all(len(p) == 6 and p[1] == "Q0" and p[5] == "searchkit" for p in lines)
    first = [p for p in lines if p[0] == "3"]
    assert first[0][2] == "n6" and first[0][3] == "1"
    assert [int(p[3]) for p in lines if p[0] == "2"] == list(range(1, len([p for p in lines if p[0] == "2"]) + 1))


def test_cli_eval_mistakes_are_one_line(collection, tmp_path):
    args = ["eval", "--queries", collection / "queries.tsv", "--docs", collection / "docs.jsonl"]
    for extra, expected in [
        (["--qrels", tmp_path / "missing.txt"], "missing.txt"),
        (["--qrels", collection / "qrels.txt", "--index", tmp_path / "idx"], "exactly one of"),
    ]:
        result = run(*args, *extra)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.output


def test_cli_eval_skips_bad_lines_and_goes_on(collection, tmp_path):
    qrels = tmp_path / "some-bad.txt"
    qrels.write_text(QRELS_TEXT.replace("2 0 n3 1", "2 0 n3 high").replace("3 0 n6 1", "3 0 n6"), encoding="utf-8")
    result = run("eval", "--queries", collection / "queries.tsv", "--qrels", qrels, "--docs", collection / "docs.jsonl")
    assert result.exit_code == 0, result.output
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2 and f"{qrels}:3" in warnings[0] and f"{qrels}:5" in warnings[1]
    assert "2 judged queries" in result.stdout  # query 3 lost its only relevant article


def test_read_qrels_reads_grades(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("7 0 a 4\n7 0 b 0\n\n8 0 c 1\n", encoding="utf-8")
    assert read_qrels(path) == {"7": {"a": 4, "b": 0}, "8": {"c": 1}}
    queries = tmp_path / "q.tsv"
    queries.write_text("1\tsea wall: height?\n2 no tab here\n3\t  \n", encoding="utf-8")
    report = ReadReport()
    assert read_queries(queries, report) == {"1": "sea wall: height?"}
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{queries}:2", f"{queries}:3"]


def test_eval_runs_queries_the_way_search_does(collection, tmp_path):
    # The run file holds, for each query, the ids `search` returns, in the same order.
    with Index.create(tmp_path / "idx") as index:
        index.add(DOCS)
        expected = [h.id for h in index.search("interest rates set by the central bank to fight inflation", limit=1000)]
    run_file = tmp_path / "run.txt"
    run("eval", "--queries", collection / "queries.tsv", "--qrels", collection / "qrels.txt",
        "--index", tmp_path / "idx", "--run", run_file)
    assert [p.split()[2] for p in run_file.read_text().splitlines() if p.startswith("2 ")] == expected
