"""Each input format, read from fixtures in tests/data/ingest, as a user would see the articles."""

import gzip
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.readers import ReadReport, read_articles, read_records

DATA = Path(__file__).parent / "data" / "ingest"


def read(path, **kw):
    report = ReadReport()
    return list(read_articles(path, report=report, **kw)), report


def by_title(articles):
    return {a.title: a for a in articles}


def test_text_with_header_block():
    (a,), report = read(DATA / "header.txt")
    assert a.title == "Velgrad tram line to close for summer repairs"
    assert (a.date, a.date_raw) == (date(2020, 8, 19), "Aug. 19, 2020")
    assert (a.author, a.source) == ("Petra Nowak", "Velgrad Ledger")
    assert a.id == a.url == "https://velgrad-ledger.example/city/velgrad-tram-repairs"
    assert a.body == (
        "The number 4 tram line between the central station and the university will close from June 1 for "
        "ten weeks while the city replaces worn rails, the transport department said on Wednesday.\n\n"
        "Replacement buses will run every six minutes at peak times. The department said the work had been "
        "delayed twice because of a shortage of welders."
    )
    assert not report.problems


def test_text_with_yaml_front_matter():
    (a,), _ = read(DATA / "front-matter.txt")
    assert a.title == "Harrowmouth library reopens after flood repairs"
    assert a.date == date(2024, 2, 12) and a.author == "Ines Kowalski"
    assert a.topics == ["libraries", "floods"] and a.places == ["Harrowmouth"]
    assert a.body.startswith("The central library in Harrowmouth reopened on Monday, 16 months after flood")


def test_text_title_from_headline_line_or_lead_sentence():
    (a,), _ = read(DATA / "headline.txt")
    assert a.title == "Valcor vineyards report early harvest after hot summer"
    assert a.body.startswith("Growers in the Valcor hills")
    (b,), _ = read(DATA / "dateline.txt")
    assert b.title == "The city council approved a new cycle lane along the harbour front on Wednesday, a plan…"


def test_date_from_dateline_never_from_body_or_related_url():
    (a,), _ = read(DATA / "dateline.txt")
    assert a.date == date(2021, 3, 3)  # not Aug. 9, 2020 in the text, nor 2019-06-30 in the related link
    assert "coastal-herald" not in a.body and "Related" not in a.body


def test_seed_has_no_date(seed_path):
    (a,), _ = read(seed_path)
    assert a.date is None and a.date_raw == ""


def test_json_array_with_aliases_and_nested_source():
    articles, report = read(DATA / "wire-array.json")
    a = by_title(articles)["Northmark opens new ferry terminal"]
    assert a.date == date(2024, 5, 2) and a.author == "Lea Moreau" and a.source == "Northmark Observer"
    assert a.url == "https://northmark-observer.example/2024/05/02/ferry-terminal"
    assert a.topics == ["transport", "ferries"]
    assert a.body == "The new ferry terminal at Northmark opened on Thursday.\n\nIt cost 120 million crowns."
    undated = by_title(articles)["Undated notice from the port"]
    assert undated.date == date(2023, 11, 8) and undated.date_raw == ""  # from its own URL
    unreadable = by_title(articles)["A date nobody can read"]
    assert unreadable.date is None and unreadable.date_raw == "sometime next week"
    assert report.warnings == {"unparsable date": 1}
    assert report.skipped == {"not an article object": 1}
    assert any("wire-array.json:" in p and "record 4" in p for p in report.problems)


def test_json_object_wrapping_a_list_and_a_single_object():
    articles, _ = read(DATA / "newsapi.json")
    assert [a.source for a in articles] == ["Estavia Today", "Estavia Today"]
    assert [a.date for a in articles] == [date(2025, 1, 15), date(2025, 1, 15)]  # 15/01/2025 is day first
    (one,), _ = read(DATA / "one.json")
    assert one.id == "ledger-7781" and one.date == date(2023, 6, 14) and one.people[0] == "Mirela Dobre"


def test_json_lines_skip_bad_lines_and_go_on():
    articles, report = read(DATA / "mixed.jsonl")
    assert [a.id for a in articles] == ["m-1", "m-4"]
    assert report.skipped == {"malformed JSON": 1, "not an article object": 1, "no title or text": 2}
    lines = sorted(p.split(": ", 1)[0].rsplit(":", 1)[1] for p in report.problems)
    assert lines == ["2", "3", "4", "7"]


def test_field_option_maps_other_names():
    articles, _ = read(DATA / "mixed.jsonl", fields={"title": "headline_text", "body": "story_text", "date": "when", "id": "uid"})
    tidal = by_title(articles)["Tidal gate tested"]
    assert tidal.id == "m-5" and tidal.date == date(2025, 9, 7)
    assert tidal.body == "Engineers closed the new tidal gate for the first time on Sunday."


def test_field_option_reaches_into_nested_objects(tmp_path):
    path = tmp_path / "guardian.json"
    path.write_text('[{"webTitle": "Quay reopens", "fields": {"bodyText": "The quay reopened."}, "id": "g1"}]')
    (a,), _ = read(path)
    assert (a.title, a.body) == ("Quay reopens", "The quay reopened.")
    path.write_text('[{"t": "Quay reopens", "x": {"story": "The quay reopened."}}]')
    (b,), _ = read(path, fields={"title": "t", "body": "x.story"})
    assert (b.title, b.body) == ("Quay reopens", "The quay reopened.")


def test_csv_with_unnamed_index_column_multiline_fields_and_a_bad_row():
    articles, report = read(DATA / "news.csv")
    titles = by_title(articles)
    assert list(titles) == [
        "Valcor reservoir at lowest level in a decade", "Harrowmouth marathon draws record field",
        "Museum opens late on Fridays",
    ]
    reservoir = titles["Valcor reservoir at lowest level in a decade"]
    assert reservoir.source == "Valley Courier" and reservoir.author == "Anna Petrov"
    assert reservoir.body == "The Valcor reservoir has fallen to 31 percent of capacity.\n\nWater companies asked customers to save water."
    assert reservoir.date == titles["Harrowmouth marathon draws record field"].date == date(2020, 8, 19)
    assert report.problems[0] == f"{DATA / 'news.csv'}:6: row has 4 fields, the header has 7; skipped"
    assert report.warnings == {"unparsable date": 1}


def test_tsv():
    articles, report = read(DATA / "news.tsv")
    assert [a.title for a in articles] == ["Northmark bans cars from old town square", "Velgrad airport adds night flights"]
    assert articles[0].author == "Sanne Vos" and articles[0].date == date(2024, 7, 1)
    assert not report.problems


def test_csv_field_larger_than_the_csv_module_default(tmp_path):
    big = "The harbour wall is long. " * 20000  # 520,000 characters, four times csv's default limit
    path = tmp_path / "big.csv"
    path.write_text(f'title,content\n"Long one","{big}"\n"Short one","Brief."\n')
    articles, report = read(path)
    assert [a.title for a in articles] == ["Long one", "Short one"]
    assert len(articles[0].body) == len(big.strip()) and not report.problems


def test_csv_with_semicolons(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("title;date;text\nQuay closes;2024-01-02;The quay closed for the winter.\n")
    (a,), _ = read(path)
    assert (a.title, a.date, a.body) == ("Quay closes", date(2024, 1, 2), "The quay closed for the winter.")


def test_reuters_sgml():
    articles, report = read(DATA / "reut2-000.sgm")
    wheat, brief, unproc, crown = articles
    assert wheat.id == "reuters-21578-101" and wheat.source == "Reuters"
    assert wheat.title == "ESTAVIA SEEKS MORE U.S. WHEAT UNDER <EEP> PROGRAM"
    assert wheat.date == date(1987, 3, 5) and wheat.date_raw == "5-MAR-1987 09:12:33.10"
    assert wheat.people[:2] == ["James Baker", "de Larosiere"]
    assert wheat.places == ["estavia", "usa"] and wheat.topics == ["grain", "wheat"]
    paragraphs = wheat.body.split("\n\n")
    assert len(paragraphs) == 3 and paragraphs[-1] == "Officials said a decision was expected within two weeks."
    assert "Société Céréalière de Velgrad" in wheat.body  # latin-1 read as such
    assert "Reuter" not in wheat.body and "\x03" not in wheat.body and "&#" not in wheat.body
    assert (brief.title, brief.body) == ("HARROW MILLS SETS QUARTERLY DIVIDEND OF 12 CTS", "")
    assert brief.date == date(1987, 2, 26)
    assert unproc.body.startswith("Timber prices in the northern provinces rose")
    assert crown.title == "ESTAVIAN CROWN STEADY AFTER CENTRAL BANK & TREASURY MEET"
    assert crown.people[0] == "O'Connell"
    assert report.skipped == {"no title or text": 1}
    assert "reut2-000.sgm:88 (NEWID 105)" in report.problems[0]


def test_reuters_records_cut_short_are_skipped_and_named():
    articles, report = read(DATA / "reut2-001.sgm")
    assert [a.id for a in articles] == ["reuters-21578-201", "reuters-21578-203"]
    assert report.skipped == {"record cut short": 2}
    assert [p.split(": ")[0].rsplit("/", 1)[1] for p in report.problems] == [
        "reut2-001.sgm:18 (NEWID 202)", "reut2-001.sgm:40 (NEWID 204)",
    ]


def test_html_page_main_text_without_furniture():
    (a,), report = read(DATA / "ferry.html")
    assert a.title == "Ferry service to Velgrad resumes after ice clears"
    assert a.author == "Mara Okonjo" and a.date == date(2023, 2, 14)
    assert a.url == a.id == "https://courier.example/2023/02/14/ferry-velgrad-resumes"
    assert a.body.startswith("The ferry link between Harrowmouth and Velgrad reopened on Tuesday")
    assert a.body.endswith("until the backlog of freight had cleared.")
    assert len(a.body.split("\n\n")) == 4
    for furniture in ("Home", "Advertisement", "Sponsored", "Related", "Ice closes", "Share", "Finally!",
                      "icebreakers", "Subscribe", "rights reserved", "Northern Star"):
        assert furniture not in a.body, furniture
    assert a.caption == "The Northern Star leaves Harrowmouth harbour on Tuesday." and a.credits == ["Ilse Marr"]
    assert not report.problems


def test_html_declared_charset_and_no_date_from_related_stories():
    (a,), report = read(DATA / "crane-cp1252.html")
    assert a.title == "Crane drivers return to work at Harrowmouth container quay"
    assert "“We got what we came for,” said Grete Vasquez" in a.body  # windows-1252 quotes decoded
    assert a.date is None  # the related stories' <time> and URLs are 2019 and 2020: not this page's date
    assert a.source == "Harbour Weekly" and a.topics == ["port", "labour"]
    for furniture in ("cookies", "Log in", "Sign up", "More from the port", "Night shift row", "comments", "Privacy"):
        assert furniture not in a.body, furniture
    assert not report.problems


def test_html_without_the_extra_says_how_to_install_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "trafilatura" else real(name, *a))
    articles, report = read(DATA / "ferry.html")
    assert articles == []
    assert report.problems == [f"{DATA / 'ferry.html'}: HTML pages need the html extra: pip install 'searchkit[html]'; skipped"]


def test_folder_is_read_recursively_with_gz_and_hidden_files_left_out(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(DATA / "headline.txt", tmp_path / "a" / "headline.txt")
    with gzip.open(tmp_path / "a" / "b" / "news.csv.gz", "wb") as f:
        f.write((DATA / "news.csv").read_bytes())
    with gzip.open(tmp_path / "reut2-000.sgm.gz", "wb") as f:
        f.write((DATA / "reut2-000.sgm").read_bytes())
    (tmp_path / ".hidden.txt").write_text("Hidden headline here\n\nNot to be read.")
    (tmp_path / "README.md").write_text("# My notes\n")
    articles, report = read(tmp_path)
    assert len(articles) == 1 + 3 + 4
    assert {a.origin.split(str(tmp_path))[1].split(":")[0] for a in articles} == {
        "/a/headline.txt", "/a/b/news.csv.gz", "/reut2-000.sgm.gz",
    }
    assert report.ignored == 1 and report.files == 3


def test_format_detected_by_content_and_overridden(tmp_path):
    jsonl_as_json = tmp_path / "feed.json"
    jsonl_as_json.write_text('{"title": "One", "body": "First."}\n{"title": "Two", "body": "Second."}\n')
    assert [a.title for a in read(jsonl_as_json)[0]] == ["One", "Two"]
    no_extension = tmp_path / "export"
    no_extension.write_bytes((DATA / "reut2-000.sgm").read_bytes())
    assert len(read(no_extension)[0]) == 4
    in_folder = tmp_path / "dump"
    in_folder.mkdir()
    (in_folder / "articles.data").write_text("title,content\nQuay,The quay closed.\n")
    assert [a.title for a in read(in_folder)[0]] == ["Quay"]
    as_text = read(DATA / "one.json", format="text")[0]
    assert len(as_text) == 1 and '"id": "ledger-7781"' in as_text[0].body
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        list(read_records(DATA, format="xml"))


def test_ids_are_stable_across_runs_and_distinct_per_record():
    first = [a.id for a in read(DATA)[0]]
    assert first == [a.id for a in read(DATA)[0]]
    assert len(set(first)) == len(first)
    assert "news-" in " ".join(first)  # a TSV row without id or url: file name, path hash and line


def test_raw_records_cross_processes_and_assemble_the_same():
    import pickle

    from searchkit.assemble import assemble

    records = list(read_records(DATA))
    assert len(records) == 25
    for record in records:
        copy = pickle.loads(pickle.dumps(record))
        assert assemble(copy) == assemble(record)


_VALUES = st.one_of(st.none(), st.text(max_size=50), st.integers(), st.lists(st.text(max_size=10), max_size=3),
                    st.dictionaries(st.sampled_from(["name", "id"]), st.text(max_size=10), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "title", "body", "date", "url", "people", "author", "source",
                                        "places", "topics", "dateline", "caption"]), _VALUES))
def test_assemble_never_raises_on_odd_field_values(raw):
    from searchkit.assemble import RawRecord, assemble

    article = assemble(RawRecord(raw, default_id="x-1", origin="test"))
    assert article.id and isinstance(article.body, str) and all(isinstance(p, str) for p in article.people)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300))
def test_web_page_extraction_never_raises(page):
    from searchkit.readers.webpage import extract_webpage

    assert isinstance(extract_webpage(f"<html><body><p>{page}</p></body></html>"), dict)
    assert isinstance(extract_webpage(page), dict)
