"""The fast segment writer makes the same index as Whoosh's own, whether its postings fit in memory or not."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from searchkit import Index
from searchkit.bench.synth import write_corpus
from searchkit.readers import read_records
from searchkit.schema import make_schema
from searchkit.segments import FastSegmentWriter, TermPool, _flat
from searchkit.writer import _assembled, _document, index_sources


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> list:
    from searchkit.readers import ReadReport

    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 120, seed=3)
    return list(_assembled((r for r in read_records(folder)), ReadReport()))


def _build(folder: Path, writer_class, articles: list, **options):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = writer_class(ix, **options)
    for article in articles:
        writer.add_document(**_document(article, article.fingerprint(), writer.schema))
    writer.commit()
    return ix


def _postings(ix) -> dict:
    """Every word of every field, with its postings (document, weight, value) and statistics."""
    out = {}
    with ix.reader() as reader:
        for fieldname, word in reader.all_terms():
            m = reader.postings(fieldname, word)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            info = reader.term_info(fieldname, word)
            out[fieldname, word] = (postings, info.weight(), info.doc_frequency(), info.min_length(),
                                    info.max_length(), info.max_weight())
    return out


def _documents(ix) -> list:
    """Every document's stored fields, field lengths and column values."""
    with ix.reader() as reader:
        schema = reader.schema
        scorable = [name for name in schema.names() if schema[name].scorable]
        columns = {name: reader.column_reader(name) for name in schema.names() if reader.has_column(name)}
        return [(reader.stored_fields(d), [reader.doc_field_length(d, name) for name in scorable],
                 {name: column[d] for name, column in columns.items()}) for d in range(reader.doc_count_all())]


@pytest.mark.parametrize("limitmb", [128, 0.05], ids=["in memory", "spilled to disk in runs"])
def test_same_postings_as_whoosh(tmp_path, articles, limitmb):
    ours = _build(tmp_path / "ours", FastSegmentWriter, articles, limitmb=limitmb)
    theirs = _build(tmp_path / "theirs", SegmentWriter, articles, limitmb=128)
    mine = _postings(ours)
    assert mine == _postings(theirs)
    assert len(mine) > 5000
    documents = _documents(ours)
    assert documents == _documents(theirs)
    assert all(columns["body_counts"] for _, _, columns in documents)
    assert not list((tmp_path / "ours").glob("*.tmp"))  # the runs are cleaned up


def test_merging_segments_keeps_every_posting(tmp_path, articles):
    """Merging reads postings word by word from each segment: documents arrive out of order."""
    folder = tmp_path / "ix"
    ix = _build(folder, FastSegmentWriter, articles[:60])
    writer = FastSegmentWriter(ix)
    for article in articles[60:]:
        writer.add_document(**_document(article, article.fingerprint(), writer.schema))
    writer.commit()
    writer = FastSegmentWriter(ix, limitmb=0.05)
    writer.commit(optimize=True)  # everything merged into one segment
    merged = whoosh_index.open_dir(str(folder))
    assert len(merged._segments()) == 1
    assert _postings(merged) == _postings(_build(tmp_path / "theirs", SegmentWriter, articles))


@pytest.mark.parametrize("limitmb", [128, 0.05], ids=["in memory", "spilled to disk in runs"])
def test_a_writer_that_merges_and_adds_keeps_every_posting(tmp_path, articles, limitmb):
    """Merged segments' postings come one by one, new articles' word pairs as arrays: one field gets both."""
    folder = tmp_path / "ix"
    ix = _build(folder, FastSegmentWriter, articles[:60])
    writer = FastSegmentWriter(ix, limitmb=limitmb)
    for article in articles[60:]:
        writer.add_document(**_document(article, article.fingerprint(), writer.schema))
    writer.commit(optimize=True)
    merged = whoosh_index.open_dir(str(folder))
    assert len(merged._segments()) == 1
    mine = _postings_by_id(merged)  # the merged segment numbers the new articles first
    assert mine == _postings_by_id(_build(tmp_path / "theirs", SegmentWriter, articles))
    assert sum(field == "body_pairs" for field, _ in mine) > 1000


def _postings_by_id(ix) -> dict:
    with ix.reader() as reader:
        ids = {d: reader.stored_fields(d)["id"] for d in range(reader.doc_count_all())}
    return {key: (sorted((ids[d], weight, value) for d, weight, value in postings), *stats)
            for key, (postings, *stats) in _postings(ix).items()}


def test_searches_find_the_same_articles(tmp_path, articles):
    import json

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles))
    index_sources([corpus], tmp_path / "ours", procs=2)
    _build(tmp_path / "theirs", SegmentWriter, articles).close()
    words = articles[5].body.split()
    rare = [w for w in words if len(w) > 7 and w.isalpha()]  # made-up words, never stopwords
    person = next(name for a in articles for name in a.people)
    queries = [f'"{" ".join(words[10:13])}"', f"{rare[0][:3]}* OR {rare[1]}",
               f"title:{max(articles[7].title.split(), key=len)}", f'people:"{person}"', rare[2]]
    with Index.open(tmp_path / "ours") as ours, Index.open(tmp_path / "theirs") as plain:
        for query in queries:
            found = [h.id for h in ours.search(query, limit=200).hits]
            assert found, query
            assert found == [h.id for h in plain.search(query, limit=200).hits], query


def test_an_index_made_with_plain_chains_is_written_the_fast_way(tmp_path, articles):
    """An index from before the one-pass analyzers keeps working, and its writers use them."""
    from whoosh import fields

    from searchkit.analysis import OnePassAnalyzer
    from searchkit.schema import exact_analyzer, ranked_analyzer

    def plain(name, field):
        if not isinstance(field, fields.TEXT):
            return field
        chain = ranked_analyzer() if name in ("title", "body") else exact_analyzer()
        return fields.TEXT(analyzer=chain, phrase=field.format.supports("positions"), field_boost=field.format.field_boost)

    older = fields.Schema(**{name: plain(name, field) for name, field in make_schema().items()})
    folder = tmp_path / "old"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), older)
    assert type(ix.schema["body"].analyzer) is not OnePassAnalyzer
    writer = FastSegmentWriter(ix)
    for article in articles:
        writer.add_document(**_document(article, article.fingerprint(), writer.schema))
    writer.commit()
    assert type(whoosh_index.open_dir(str(folder)).schema["body"].analyzer) is OnePassAnalyzer
    assert _postings(ix) == _postings(_build(tmp_path / "theirs", SegmentWriter, articles))


def test_posting_blocks_are_pickled_with_protocol_5(tmp_path, articles):
    """Protocol 2 (Whoosh's) pickles each posting's positions as a function call that loading runs again:
    a block of a common word then loads ten times slower."""
    import zlib

    ix = _build(tmp_path / "ours", FastSegmentWriter, articles)
    with ix.reader() as reader:
        m = reader.postings("body", b"said")
        assert m.is_active()
        raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        assert (zlib.decompress(raw) if m._compression else raw)[:2] == b"\x80\x05"


_WORDS = st.sampled_from([f"w{i}" for i in range(40)])
_DOCUMENT = st.tuples(
    st.dictionaries(_WORDS, st.tuples(st.sampled_from([1.0, 2.0, 1.5]), st.binary(max_size=6)), max_size=12),
    st.lists(st.binary(min_size=1, max_size=3), max_size=8, unique=True))


def _pool_terms(folder: Path, limitmb: float, documents: list) -> tuple[list, int]:
    """The pool's words and postings (as flat lists), and how many runs it wrote to disk."""
    from whoosh.filedb.filestore import FileStorage

    folder.mkdir()
    pool = TermPool(FileStorage(str(folder)), limitmb)
    for docnum, (words, pairs) in enumerate(documents):
        pool.add_words("body", docnum, [(word, 1, weight, value) for word, (weight, value) in words.items()])
        pool.add_bare("pairs", docnum, pairs)
        if docnum % 3 == 0:
            pool.add(("title", b"t%d" % (docnum % 4), docnum, 2.0, b"v"))
    runs = len(pool.runs)
    terms = [(field, word, _flat(postings)) for field, word, postings in pool.terms()]
    pool.cleanup()
    return terms, runs


@settings(max_examples=60, deadline=None)
@given(documents=st.lists(_DOCUMENT, max_size=80), limit_kb=st.integers(6, 40),
       chunk_words=st.integers(1, 30), chunk_items=st.integers(1, 200))
def test_a_pool_spilled_to_disk_keeps_every_posting(tmp_path_factory, documents, limit_kb, chunk_words, chunk_items):
    """Written to disk in runs (in chunks of any size) and read back, every word keeps its postings
    (values, weights), in document order."""
    folder = tmp_path_factory.mktemp("pool")
    expected, runs = _pool_terms(folder / "roomy", 64, documents)
    assert not runs
    with patch.multiple("searchkit.segments", _CHUNK_WORDS=chunk_words, _CHUNK_ITEMS=chunk_items):
        assert _pool_terms(folder / "small", limit_kb / 1000, documents)[0] == expected
    assert [(field, word) for field, word, _ in expected] == sorted((field, word) for field, word, _ in expected)


def test_a_full_pool_writes_runs_and_gives_back_every_posting(tmp_path):
    """A pool much smaller than its postings writes several runs, and loses or reorders none of them."""
    documents = [({f"w{(d * 7 + i) % 300}": (1.5, b"\x01" * (i % 3)) for i in range(60)}, [b"p%d" % (d % 50)])
                 for d in range(400)]
    terms, runs = _pool_terms(tmp_path / "pool", 0.2, documents)
    assert runs >= 3
    assert terms == _pool_terms(tmp_path / "roomy", 64, documents)[0]
    with patch.multiple("searchkit.segments", _CHUNK_WORDS=16, _CHUNK_ITEMS=100):
        assert _pool_terms(tmp_path / "chunked", 0.2, documents)[0] == terms
    assert len(terms) == 300 + 50 + 4
    assert sum(len(postings) for field, _, postings in terms if field == "body") == 3 * 60 * 400
