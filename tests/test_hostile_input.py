"""Hostile input: no file, however broken or malicious, crashes or hangs a reader, the normalizer or the CLI.

Every reader gets random bytes, and bytes built from the pieces of its own format
(tags, quotes, brackets, entities) mixed with NUL bytes, invalid UTF-8 and byte-order
marks, plain and gzipped. Named cases cover enormous lines, deep nesting, entity bombs,
gzip bombs and the inputs that once made a regex backtrack. Each read runs under a
time limit; what it yields must be articles with text, and every problem it reports
one line naming the file. Through the CLI, ``index`` and ``inspect`` end with a
message, never a traceback.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timebox import time_limit

from searchkit.cli import main
from searchkit.normalize import normalize_line, normalize_text
from searchkit.readers import FORMATS, ReadReport, read_articles

EXTENSIONS = [".txt", ".json", ".jsonl", ".csv", ".tsv", ".sgm", ".html", ".xhtml", ""]
SECONDS = 10  # per read: generous for a loaded machine, far below what a hang or backtracking takes
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=60)


def read(path: Path, **kw):
    """Read ``path`` under a time limit; check what a user would see: articles with text, one-line problems."""
    report = ReadReport()
    with time_limit(SECONDS, f"reading {path.name}"):
        articles = list(read_articles(path, report=report, **kw))
    for article in articles:
        assert article.title or article.body
        assert article.id
        json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")  # printable and storable as UTF-8
    for problem in report.problems:
        assert "\n" not in problem and problem.startswith(str(path)), problem
    return articles, report


# --- random and format-shaped bytes -------------------------------------------------------------

_HOSTILE = [
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x81",
    b"\r", b"\n", b"\r\n", b"\t", b" ", b"\xc2\xa0", b"\xe2\x80\xa8", b"\x1f\x8b", b"\\", b"\\u0000", b"\\ud83d",
    b"\xc3\xa9", b"\xe2\x80\x9c",
]
_SHAPES = {
    "text": [b"---\n", b"Title: ", b"Date: ", b"Author: ", b"URL: ", b"- ", b"\n\n", b"Related: ", b"https://x.example/",
             b"Photo: A B / C", b"word ", b"The ", b"said.", b"HARROWMOUTH, Oct 5 (EPA) - "],
    "json": [b"[", b"]", b"{", b"}", b",", b":", b'"title"', b'"body"', b'"date"', b'"articles"', b'"x"', b'"',
             b"null", b"true", b"1e999", b"-0", b"12345678901234567890", b'"2020-08-19"', b'{"name":'],
    "csv": [b"title,body,date\n", b",", b";", b'"', b'""', b"\n", b"\r\n", b"\t", b"text", b"1/2/2020"],
    "reuters": [b'<!DOCTYPE lewis SYSTEM "lewis.dtd">', b'<REUTERS NEWID="1">', b"</REUTERS>\n", b"<TEXT>", b"</TEXT>",
                b'<TEXT TYPE="UNPROC">', b"<TITLE>", b"</TITLE>", b"<BODY>", b"</BODY>", b"<DATE>", b"</DATE>",
                b"<D>", b"</D>", b"<PEOPLE>", b"&#3;", b"&lt;", b"&amp;", b"&#99999999;", b" Reuter", b"5-MAR-1987"],
    "html": [b"<!DOCTYPE html>", b"<html>", b"<head>", b"<body>", b"<p>", b"</p>", b"<article>", b"<figcaption>",
             b'<meta property="article:published_time" content="', b'<meta charset="', b"utf-16", b'">',
             b'<script type="application/ld+json">', b'"datePublished": "', b"</script>", b"<!--", b"-->",
             b"&amp;", b"&#x1F600;", b"&#0;", b"<![CDATA[", b"]]>", b"<!ENTITY a 'aaaa'>", b"&a;"],
}
_SHAPES["jsonl"] = _SHAPES["json"] + [b"\n"]
_SHAPES["tsv"] = _SHAPES["csv"]


def shaped_bytes(fmt: str):
    pieces = st.sampled_from(_SHAPES[fmt] + _HOSTILE)
    return st.lists(st.one_of(pieces, st.binary(max_size=6)), max_size=120).map(b"".join)


def _gz(data: bytes, cut: int) -> bytes:
    """Gzipped, and cut short when ``cut`` is positive."""
    packed = gzip.compress(data)
    return packed[: max(len(packed) - cut, 0)] if cut > 0 else packed


@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS), compress=st.sampled_from([None, 0, 8]))
def test_random_bytes_under_any_name(tmp_path_factory, data, ext, compress):
    path = tmp_path_factory.mktemp("r") / f"in{ext}{'.gz' if compress is not None else ''}"
    path.write_bytes(data if compress is None else _gz(data, compress))
    read(path)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "html"])
@FUZZ
@given(data=st.data())
def test_bytes_shaped_like_each_format(tmp_path_factory, fmt, data):
    raw = data.draw(shaped_bytes(fmt))
    gzipped = data.draw(st.booleans())
    folder = tmp_path_factory.mktemp(fmt)
    path = folder / f"in.{'sgm' if fmt == 'reuters' else 'txt' if fmt == 'text' else fmt}{'.gz' if gzipped else ''}"
    path.write_bytes(gzip.compress(raw) if gzipped else raw)
    read(path)  # detected from name and content
    read(path, format=fmt)  # and forced


@settings(FUZZ, max_examples=25)  # trafilatura makes each HTML read slower
@given(raw=shaped_bytes("html"))
def test_bytes_shaped_like_html(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_bytes(raw)
    read(path)


@FUZZ
@given(value=st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "body", "date", "id", "people", "url", "source", "author", "tags", "name", "x"]),
        inner, max_size=6),
    max_leaves=30,
))
def test_any_json_value_as_a_record(tmp_path_factory, value):
    folder = tmp_path_factory.mktemp("j")
    (folder / "a.jsonl").write_text(json.dumps(value) + "\n" + json.dumps([value]) + "\n")
    (folder / "b.json").write_text(json.dumps({"articles": [value, value]}))
    read(folder)


# --- named cases ---------------------------------------------------------------------------------

STORY = {"title": "Quay reopens", "body": "The quay reopened on Monday after the winter, the port said."}


def test_nul_bytes_and_invalid_utf8_in_every_format(tmp_path):
    """A UTF-8 file with a corrupt stretch (past the first 8 KB, where a NUL would mean binary): read, bad bytes replaced."""
    bad = "caf\udcc3\udca9 \x00 \udcff\udcfe mid\udced\udca0\udc80word " + "é" * 40  # surrogateescape: raw bytes
    files = {
        "a.txt": f"Title: Bad {bad}\n\nThe quay {bad} reopened.\n",
        "b.jsonl": json.dumps({"title": "B", "body": "x"}) + "\n" + f'{{"title": "Bad {bad}", "body": "quay {bad}"}}\n',
        "c.csv": f'title,body\nGood,"fine"\n"Bad {bad}","quay {bad}"\n',
        "d.sgm": f'<REUTERS NEWID="7"><TEXT><TITLE>BAD {bad}</TITLE><BODY>Quay {bad} reopened.</BODY></TEXT></REUTERS>\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes((" " * 9000).encode() + text.encode("utf-8", "surrogateescape"))
    articles, report = read(tmp_path)
    assert sorted((Path(a.origin).name[0], a.title.split()[0]) for a in articles) == [
        ("a", "Bad"), ("b", "B"), ("c", "Bad"), ("c", "Good"), ("d", "BAD")]
    assert all("\x00" not in a.body + a.title for a in articles)
    assert all("\ufffd" in a.body for a in articles if a.title.startswith("Bad"))  # Reuters files are latin-1
    assert report.warnings == {"undecodable bytes": 3}
    assert f"{tmp_path}/b.jsonl:2: malformed JSON: Invalid control character at column 21; skipped" in report.problems


def test_nul_bytes_at_the_start_mean_a_binary_file(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\x00" * 10 + json.dumps(STORY).encode())
    articles, report = read(path)
    assert articles == [] and report.skipped == {"binary file": 1}


def test_lone_surrogates_from_json_escapes_are_replaced(tmp_path):
    path = tmp_path / "emoji.jsonl"
    path.write_text('{"id": "e\\ud801", "title": "Cut \\ud83d emoji", "body": "The quay \\udfff reopened.", '
                    '"date": "2020-08-19\\ud800", "author": "\\udc00Ann"}\n')
    (a,), _ = read(path)
    assert (a.id, a.title, a.body) == ("e\ufffd", "Cut \ufffd emoji", "The quay \ufffd reopened.")
    assert normalize_line("a\ud800b") == "a\ufffdb"


def test_file_names_that_are_not_utf8(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Title: Quay reopens\n\nThe quay reopened.\n")
    (folder / os.fsdecode(b"empty\xff.txt")).write_text("")
    (a,), report = read(folder)
    assert a.title == "Quay reopens" and "\ufffd" in a.origin and "\ufffd" in a.id
    assert report.problems == [f"{folder}/empty\ufffd.txt: empty file; skipped"]


@pytest.mark.parametrize("name,make", [
    ("long.txt", lambda n: b"Title: Long\n\n" + b"word " * (n // 5)),
    ("long.jsonl", lambda n: json.dumps({"title": "Long", "body": "word " * (n // 5)}).encode() + b"\n"),
    ("long.csv", lambda n: b"title,body\nLong," + b"word " * (n // 5) + b"\n"),
    ("long.sgm", lambda n: b'<REUTERS NEWID="1"><TEXT><TITLE>LONG</TITLE><BODY>' + b"word " * (n // 5) + b"</BODY></TEXT></REUTERS>\n"),
    ("long.json", lambda n: json.dumps([{"title": "Long", "body": "word " * (n // 5)}]).encode()),
    ("nolines.txt", lambda n: b"x" * n),
])
def test_enormous_line_is_read_or_skipped_in_bounded_time(tmp_path, monkeypatch, name, make):
    """A line of several megabytes: read (it is under the article limit) in linear time; over the limit: skipped."""
    path = tmp_path / name
    path.write_bytes(make(3_000_000))
    articles, report = read(path)
    assert len(articles) == 1 and len(articles[0].body) > 2_000_000
    for module in ("source", "delimited", "jsonrecords", "reuters"):
        monkeypatch.setattr(f"searchkit.readers.{module}.MAX_ARTICLE_BYTES", 1_000_000)
    articles, report = read(path)
    if name != "long.json":  # a JSON document is one value: its articles are not measured one by one
        assert articles == [] and len(report.problems) == 1


def test_lines_of_one_repeated_character_in_the_normalizer():
    for ch in " \t-.:/|,\u00a0\u00adÃ©a1A\"“(":
        with time_limit(SECONDS, f"normalizing a run of {ch!r}"):
            normalize_text("Copyright" + ch * 300_000 + "!\nPhoto: " + ch * 100_000 + "\nA ," + ch * 50_000)


def test_deeply_nested_json_is_skipped_not_crashed(tmp_path):
    deep = lambda d: "[" * d + '"x"' + "]" * d  # noqa: E731
    (tmp_path / "a.json").write_text(json.dumps([STORY])[:-1] + f', {{"title": "Deep", "body": {deep(900)}}}, '
                                     + json.dumps(dict(STORY, title="After")) + "]")
    (tmp_path / "b.jsonl").write_text(f'{{"title": "Deep", "body": {{"name": {deep(500)}}}}}\n{deep(200000)}\n'
                                      + json.dumps(dict(STORY, title="Last")) + "\n")
    (tmp_path / "c.json").write_text("[" * 500000)
    articles, report = read(tmp_path)
    assert [a.title for a in articles] == ["Quay reopens", "After", "Last"]
    assert report.skipped == {"malformed JSON": 4}
    assert all("nested too deeply" in p or "c.json" in p for p in report.problems)


_LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace("&lol0;", "lol")


@pytest.mark.parametrize("name,text", [
    ("bomb.html", f"<!DOCTYPE html [{_LAUGHS}]><html><body><article><p>Start &lol9; end of the story about the quay.</p>"
                  "</article></body></html>"),
    ("bomb.xhtml", f'<?xml version="1.0"?><!DOCTYPE html [{_LAUGHS}]><html xmlns="http://www.w3.org/1999/xhtml"><body>'
                   "<p>Start &lol9; end of the story about the quay.</p></body></html>"),
    ("bomb.sgm", f'<!DOCTYPE lewis [{_LAUGHS}]>\n<REUTERS NEWID="1"><TEXT><TITLE>BOMB &lol9;</TITLE>'
                 "<BODY>Start &lol9; &#99999999999; &#x110000; &amp;amp;amp; end.</BODY></TEXT></REUTERS>\n"),
    ("bomb.txt", f"<!DOCTYPE x [{_LAUGHS}]>\nTitle: Bomb &lol9;\n\nStart &lol9; end.\n"),
])
def test_entity_bombs_are_not_expanded(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    articles, _ = read(path)
    assert all(len(a.body) + len(a.title) < 2 * len(text) for a in articles)  # 10**9 "lol"s were not made


def test_many_entities_and_deep_tags_in_html(tmp_path):
    (tmp_path / "ents.html").write_text("<html><body><p>" + "&#x41;" * 500_000 + "</p></body></html>")
    (tmp_path / "deep.html").write_text("<html><body>" + "<div>" * 50_000 + "text" + "</div>" * 50_000 + "</body></html>")
    read(tmp_path)


def test_gzip_bomb_stops_at_the_article_limit(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 40_000_000))  # 40 MB from 40 KB
    (tmp_path / "lines.jsonl.gz").write_bytes(gzip.compress(b"\n" * 2_000_000 + json.dumps(STORY).encode() + b"\n"))
    articles, report = read(tmp_path)
    assert [a.title for a in articles] == ["Quay reopens"]  # found after 2 MB of blank lines
    assert report.problems == [f"{tmp_path}/bomb.txt.gz: larger than 16 MB, too large for one article; skipped"]


def test_gzip_with_bad_checksum_or_trailing_garbage(tmp_path):
    good = gzip.compress(json.dumps(STORY).encode() + b"\n")
    (tmp_path / "crc.jsonl.gz").write_bytes(good[:-8] + b"\x00" * 8)
    (tmp_path / "tail.jsonl.gz").write_bytes(good + b"garbage after the stream")
    articles, report = read(tmp_path)
    assert len(report.problems) == 2 and all("stopped reading" in p or "cannot read" in p for p in report.problems)


@pytest.mark.parametrize("name,text", [
    ("header.txt", "Title: x" + " " * 200_000 + "y\n\nThe quay reopened.\n"),
    ("front.txt", "---\ntitle: x" + "\t" * 200_000 + "y\n---\nThe quay reopened.\n"),
    ("tags.sgm", '<REUTERS NEWID="2"><PLACES>' + "<D>" * 100_000 + "</PLACES><TEXT><TITLE>T</TITLE><BODY>"
                 + "<BODY " * 100_000 + "</TEXT></REUTERS>\n"),
    ("attrs.sgm", "<REUTERS " + "a" * 200_000 + "><TEXT><BODY>Quay.</BODY></TEXT></REUTERS>\n"),
    ("signoff.sgm", '<REUTERS NEWID="3"><TEXT><BODY>Quay' + " " * 300_000 + "x</BODY></TEXT></REUTERS>\n"),
    ("copyright.txt", "Title: C\n\nCopyright" + " " * 300_000 + "x\n\nThe quay reopened.\n"),
])
def test_inputs_that_made_a_regex_backtrack(tmp_path, name, text):
    """Each of these once took minutes to hours (a pattern backtracking over the long run); now well under a second."""
    path = tmp_path / name
    path.write_text(text)
    with time_limit(2, name):
        read(path)


# --- through the CLI ----------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _no_traceback(result, codes=(0, 1)):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in codes


@settings(FUZZ, max_examples=20)
@given(files=st.lists(st.tuples(st.sampled_from(EXTENSIONS), st.sampled_from(list(_SHAPES)), st.data()), min_size=1, max_size=4))
def test_cli_index_and_inspect_never_show_a_traceback(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("cli")
    for n, (ext, fmt, data) in enumerate(files):
        (folder / f"f{n}{ext}").write_bytes(data.draw(shaped_bytes(fmt)))
    with time_limit(3 * SECONDS, "searchkit index"):
        indexed = run("index", folder, "--index", folder / "idx")
    _no_traceback(indexed)
    with time_limit(3 * SECONDS, "searchkit inspect"):
        inspected = run("inspect", *sorted(folder.glob("f*")))
    _no_traceback(inspected)
    assert inspected.exit_code == 0 and isinstance(json.loads(inspected.stdout), list)


def test_cli_on_every_named_hostile_case_at_once(tmp_path):
    (tmp_path / "deep.jsonl").write_text('{"title": "Deep", "body": ' + "[" * 900 + "]" * 900 + "}\n")
    (tmp_path / "emoji.jsonl").write_text('{"title": "Cut \\ud83d", "body": "Half an emoji \\udfff here."}\n')
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text("Title: Caf\n\nThe cafe reopened.\n")
    (tmp_path / "bomb.sgm").write_text(f'<!DOCTYPE lewis [{_LAUGHS}]>\n<REUTERS NEWID="1"><TEXT><TITLE>B &lol9;</TITLE>'
                                       "<BODY>Quay &lol9;.</BODY></TEXT></REUTERS>\n")
    (tmp_path / "nul.csv").write_bytes(b"title,body\n\x00\x00,\xff\xfe\x00\n")
    result = run("index", tmp_path, "--index", tmp_path / "idx")
    _no_traceback(result)
    assert result.exit_code == 0 and "3 new" in result.stderr
    inspected = run("inspect", tmp_path / "emoji.jsonl", tmp_path / os.fsdecode(b"caf\xe9.txt"))
    _no_traceback(inspected)
    assert [a["title"] for a in json.loads(inspected.stdout)] == ["Cut \ufffd", "Caf"]


# --- queries ------------------------------------------------------------------------------------

from newsroom import news  # noqa: E402,F401 (fixture: a small index the query tests share)

from searchkit import QueryError  # noqa: E402
from searchkit.query import MAX_EXPANDING, MAX_QUERY_LENGTH  # noqa: E402

_WORDS = " ".join(f"w{i}" for i in range(MAX_QUERY_LENGTH))[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
HUGE_QUERIES = {
    "longest allowed, all words": _WORDS,
    "longest allowed, all OR": " OR ".join(_WORDS.split())[:MAX_QUERY_LENGTH].rsplit(" ", 2)[0],
    "longest allowed, all NOT": "lavrov " + " ".join(f"-{w}" for w in _WORDS.split())[: MAX_QUERY_LENGTH - 8].rsplit(" ", 1)[0],
    "longest allowed, one word": "a" * MAX_QUERY_LENGTH,
    "longest allowed, phrases": ('"lavrov said" ' * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH],
    "most wildcards allowed": " OR ".join(["lu*", "mi*", "la*", "pe*"] * (MAX_EXPANDING // 4)),
    "most fuzzy words allowed": " OR ".join(["lavrov~2", "minsk~2"] * (MAX_EXPANDING // 2)),
    "unbalanced quotes": '"' * (MAX_QUERY_LENGTH - 1),
    "unbalanced brackets": "[" * MAX_QUERY_LENGTH,
    "unbalanced parentheses": "(" * MAX_QUERY_LENGTH,
    "closing parentheses": "lavrov" + ")" * 3000,
    "deep but allowed": "(" * 32 + "lavrov" + ")" * 32,
    "many fields": "title:" * 600,
    "many dates": " OR ".join(["date:[2020 TO 2021]"] * 170),
    "nul and controls": "lavrov\x00\x01\x1b[31m minsk\x7f",
    "lone surrogates": "lavrov \udcff \ud800* \udfff~",
}
REFUSED = {
    "one character too long": ("x" * (MAX_QUERY_LENGTH + 1), "query too long: 4,001 characters, at most 4,000"),
    "a megabyte": ("lavrov " * 150_000, "query too long"),
    "one wildcard too many": (" ".join(["lu*"] * (MAX_EXPANDING + 1)), f"at most {MAX_EXPANDING} wildcard or fuzzy"),
}


@pytest.mark.parametrize("query", HUGE_QUERIES.values(), ids=list(HUGE_QUERIES))
def test_huge_and_broken_queries_are_answered_or_refused_quickly(news, query):
    assert len(query) <= MAX_QUERY_LENGTH
    with time_limit(SECONDS, "search"):
        try:
            results = news.search(query, limit=3)
        except QueryError as e:
            assert len(str(e).splitlines()) == 1 and str(e).encode("utf-8")
            return
    assert results.total >= len(results.hits)


@pytest.mark.parametrize("query,message", REFUSED.values(), ids=list(REFUSED))
def test_queries_over_the_limits_are_refused_before_any_work(news, query, message):
    with time_limit(1, "refusing a query"), pytest.raises(QueryError, match=message):
        news.search(query)


def test_ids_that_cannot_exist_are_not_found(news):
    assert news.get("\udcff") is None and news.delete("\ud800") is False


_QUERY_PIECES = st.sampled_from(['"', "(", ")", "[", "]", " TO ", "*", "~", "~2", ":", "title:", "date:", "-", "+",
                                 " AND ", " OR ", " NOT ", "lavrov", "minsk", "lu", "\x00", "\udcff", "’", "\\", "\n"])


@settings(FUZZ, max_examples=100)
@given(st.lists(st.one_of(_QUERY_PIECES, st.text(max_size=5)), max_size=300).map("".join))
def test_random_queries_end_quickly_with_results_or_one_line(news, query):
    with time_limit(SECONDS, "search"):
        try:
            news.search(query[:MAX_QUERY_LENGTH], limit=3, any_terms=len(query) % 2 == 1)
        except QueryError as e:
            assert "\n" not in str(e)


@pytest.mark.parametrize("query", ["lavrov \udcff", '"' * 500, "(" * 500, "x" * 5000, "lu* " * 20, "-lavrov"])
def test_cli_search_answers_or_says_what_is_wrong_in_one_line(news, query):
    result = run("search", "--index", news.path, "--", query)
    _no_traceback(result, codes=(0, 2))
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("Error: ")
    shown = run("show", "--index", news.path, "\udcff")
    assert shown.exit_code == 2 and shown.stderr.startswith("Error: no article with id")
