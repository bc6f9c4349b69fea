"""Writers' id and fingerprint lookups in the committed index (writer.Lookup)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import writer
from searchkit.storage import open_index
from searchkit.writer import Lookup, index_sources

from test_pipeline import news, small_batches, write_jsonl  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def replaced_index(tmp_path_factory):
    """An index of many small segments in which a third of the articles were replaced (deleted in their old segment)."""
    root = tmp_path_factory.mktemp("lookups")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(writer, "CHUNK_SIZE", 3)
        mp.setattr(writer, "SEGMENT_DOCS", 6)
        mp.setattr(writer, "MAX_SEGMENT_DOCS", 12)
        first = news(60)
        index_sources([write_jsonl(root / "first.jsonl", first)], root / "idx", procs=2)
        second = news(60, version="second")[::3]
        index_sources([write_jsonl(root / "second.jsonl", second)], root / "idx", procs=2)
    ix = writer.for_lookups(open_index(root / "idx"))
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) > 2 and any(r.has_deletions() for r, _ in reader.leaf_readers())
        fingerprints = [t.decode() for t in reader.lexicon("fingerprint")]
    yield ix, fingerprints


def test_lookups_answer_as_the_index_does_for_live_replaced_and_unknown_terms(replaced_index):
    ix, fingerprints = replaced_index
    ids = [f"n{i}" for i in range(80)]  # n60 to n79 never indexed
    with ix.reader() as reader:
        has_id, has_fingerprint = Lookup("id"), Lookup("fingerprint")
        for _ in range(3):  # the later rounds are answered from the segments' hashes
            assert [has_id(reader, i) for i in ids] == [writer._indexed(reader, "id", i) for i in ids]
            got = [has_fingerprint(reader, f) for f in fingerprints + ["nope"]]
            want = [writer._indexed(reader, "fingerprint", f) for f in fingerprints + ["nope"]]
            assert got == want
        assert 0 < want.count(False) < len(want)  # replaced versions' fingerprints are no longer indexed
        assert all(state[1] is not None for state in has_id._segments.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.integers(0, 90).map(lambda i: f"n{i}"), st.text(max_size=12)), max_size=80))
def test_lookups_agree_with_the_index_whatever_is_asked(replaced_index, asked):
    ix, _ = replaced_index
    with ix.reader() as reader:
        has_id = Lookup("id")
        assert [has_id(reader, text) for text in asked] == [writer._indexed(reader, "id", text) for text in asked]


def test_an_unknown_id_does_not_read_the_segments_once_they_are_hashed(replaced_index, monkeypatch):
    ix, _ = replaced_index
    with ix.reader() as reader:
        has_id = Lookup("id")
        for i in range(60):
            has_id(reader, f"n{i}")
        reads = []
        real = writer._indexed
        monkeypatch.setattr(writer, "_indexed", lambda *args: reads.append(args) or real(*args))
        assert not any(has_id(reader, f"new{i}") for i in range(100))
        assert not reads
        assert has_id(reader, "n7") and len(reads) >= 1


def test_an_empty_index_has_nothing(tmp_path):
    index_sources([write_jsonl(tmp_path / "none.jsonl", [])], tmp_path / "idx", procs=1)
    with writer.for_lookups(open_index(tmp_path / "idx")).reader() as reader:
        assert not Lookup("id")(reader, "n1")


def _resident_kb(folder: Path) -> int:
    """How much of the segment files in ``folder`` this process has in memory (kB, from /proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        first = line.split(" ", 1)[0]
        if "-" in first and all(c in "0123456789abcdef-" for c in first):
            name = line.rstrip().rsplit(" ", 1)[-1]
            inside = name.startswith(str(folder)) and name.endswith(".seg")
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads this process's memory map from /proc (Linux)")
def test_a_writers_lookups_keep_no_segment_pages_in_memory(tmp_path):
    """A writer probes and hashes every id of a segment; read from a map, those pages (64 kB
    around each page touched) counted in its memory: 150 MB for 2,000 ids in 1M articles."""
    index_sources([write_jsonl(tmp_path / "news.jsonl", news(3000))], tmp_path / "idx", procs=1)
    with open_index(tmp_path / "idx").reader() as reader:  # as searches read it: mapped
        for sub, _ in reader.leaf_readers():
            list(sub.lexicon("id"))
        assert _resident_kb(tmp_path / "idx") > 100  # 3,000 ids and their postings
    with writer.for_lookups(open_index(tmp_path / "idx")).reader() as reader:
        has_id = Lookup("id")
        assert has_id(reader, "n5") and not has_id(reader, "n3000")  # probed
        for i in range(800):  # new articles' ids, enough to hash every segment's
            has_id(reader, f"new{i}")
        assert all(state[1] is not None for state in has_id._segments.values())
        assert has_id(reader, "n5") and not has_id(reader, "n3000")  # hashed
        assert _resident_kb(tmp_path / "idx") == 0
