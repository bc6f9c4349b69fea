"""Bad input: each case is repaired or skipped with one line naming the file and line, and reading goes on."""

import gzip
import json
from pathlib import Path

import pytest

from searchkit.readers import ReadReport, read_articles

DATA = Path(__file__).parent / "data" / "ingest"
STORY = "Title: Quay reopens\n\nThe quay reopened on Monday, the port said.\n"


def read(path, **kw):
    report = ReadReport()
    return list(read_articles(path, report=report, **kw)), report


def test_windows_1252_text_is_detected_and_reported(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Title: Café owner’s “best year”\n\nThe café on the quay had its best year, its owner said.\n".encode("cp1252"))
    (a,), report = read(path)
    assert a.title == "Café owner’s “best year”"
    assert a.body == "The café on the quay had its best year, its owner said."
    assert report.warnings == {"encoding guessed": 1}
    assert report.problems[0].startswith(f"{path}: not UTF-8; read as cp125")


def test_cyrillic_legacy_encoding_is_detected(tmp_path):
    path = tmp_path / "ru.txt"
    text = "Паром в Вельград снова ходит после зимнего перерыва, сообщил перевозчик во вторник утром."
    path.write_bytes(f"Title: Паром снова ходит\n\n{text}\n".encode("cp1251"))
    (a,), report = read(path)
    assert a.body == text and report.warnings == {"encoding guessed": 1}


def test_stray_bad_bytes_in_utf8_are_replaced_and_the_line_named(tmp_path):
    path = tmp_path / "wire.jsonl"
    good = json.dumps({"title": "Café reopens", "body": "The café on the quay reopened."}, ensure_ascii=False)
    bad = json.dumps({"title": "Crane fixed", "body": "The crane was fixed."}).encode().replace(b"fixed.", b"fixed\xff.")
    path.write_bytes(good.encode() + b"\n" + bad + b"\n")
    articles, report = read(path)
    assert [a.body for a in articles] == ["The café on the quay reopened.", "The crane was fixed\ufffd."]
    assert report.problems == [f"{path}:2: undecodable bytes replaced"]


def test_empty_and_blank_files_are_skipped(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n  \n")
    (tmp_path / "good.txt").write_text(STORY)
    articles, report = read(tmp_path)
    assert [a.title for a in articles] == ["Quay reopens"]
    assert report.skipped == {"empty file": 2}
    assert f"{tmp_path / 'empty.txt'}: empty file; skipped" in report.problems


def test_binary_files_are_skipped_or_ignored(tmp_path):
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (tmp_path / "dump.jsonl").write_bytes(b"\x00\x01\x02garbage\x00" * 100)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    (tmp_path / "good.txt").write_text(STORY)
    articles, report = read(tmp_path)
    assert len(articles) == 1
    assert report.skipped == {"binary file": 2} and report.ignored == 1
    assert f"{tmp_path / 'scan.txt'}: a PDF (extract its text first), not text; skipped" in report.problems


def test_json_document_cut_short_keeps_what_came_before(tmp_path):
    path = tmp_path / "cut.json"
    records = [{"title": f"Story {i}", "body": f"Text {i}."} for i in range(3)]
    path.write_text(json.dumps(records, indent=1)[:-40])
    articles, report = read(path)
    assert [a.title for a in articles] == ["Story 0", "Story 1"]
    assert report.skipped == {"malformed JSON": 1}
    assert report.problems[0].startswith(f"{path}:") and "rest of file" in report.problems[0]


def test_json_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100000 + "]" * 100000 + "\n" + json.dumps({"title": "Fine", "body": "Ok."}) + "\n")
    articles, report = read(path)
    assert [a.title for a in articles] == ["Fine"]
    assert report.problems == [f"{path}:1: malformed JSON: nested too deeply; skipped"]


def test_csv_row_with_unclosed_quote_is_skipped_and_named(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_text('title,content\n"Good","Fine."\n"Bad","unclosed\nmore\n"Next","x"\n')
    articles, report = read(path)
    assert [a.title for a in articles] == ["Good"]
    assert report.problems == [f"{path}:3: row has 3 fields, the header has 2; skipped"]


def test_csv_field_over_the_article_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("searchkit.readers.delimited.MAX_ARTICLE_BYTES", 1000)
    path = tmp_path / "dump.csv"
    path.write_text(f'title,content\n"Huge","{"x" * 5000}"\n"Small","Fine."\n')
    articles, report = read(path)
    assert [a.title for a in articles] == ["Small"]
    assert report.skipped == {"malformed CSV row": 1}
    assert report.problems[0].startswith(f"{path}:2: malformed row (field larger than field limit")


def test_text_file_too_large_for_one_article(tmp_path, monkeypatch):
    monkeypatch.setattr("searchkit.readers.source.MAX_ARTICLE_BYTES", 1000)
    (tmp_path / "huge.txt").write_text("Title: Huge\n\n" + "word " * 1000)
    (tmp_path / "small.txt").write_text(STORY)
    articles, report = read(tmp_path)
    assert [a.title for a in articles] == ["Quay reopens"]
    assert report.problems == [f"{tmp_path / 'huge.txt'}: larger than 0 MB, too large for one article; skipped"]


def test_gzip_cut_short_keeps_the_records_before(tmp_path):
    lines = "".join(json.dumps({"title": f"Story {i}", "body": f"Text number {i}."}) + "\n" for i in range(2000))
    whole = gzip.compress(lines.encode())
    path = tmp_path / "wire.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    articles, report = read(path)
    assert 0 < len(articles) < 2000
    assert [a.title for a in articles] == [f"Story {i}" for i in range(len(articles))]
    assert report.skipped == {"file cut short": 1}
    assert report.problems[-1].startswith(f"{path}: stopped reading (")


def test_gz_name_on_a_plain_file_is_read_as_plain(tmp_path):
    path = tmp_path / "story.txt.gz"
    path.write_text(STORY)
    assert [a.title for a in read(path)[0]] == ["Quay reopens"]


def test_missing_path_is_reported():
    articles, report = read("/no/such/news")
    assert articles == [] and report.problems == ["/no/such/news: no such file or folder; skipped"]


@pytest.mark.parametrize("name", ["bad.sgm", "bad.html", "bad.json", "bad.csv", "bad.txt"])
def test_garbage_in_any_format_never_raises(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"<REUTERS NEWID='1'><TEXT>\x81\xfe {[\"\n,,,\"\n<html><body><p>" * 50)
    articles, report = read(path)
    assert all(a.title or a.body for a in articles)
