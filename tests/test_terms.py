"""Terms: the words and two-word phrases that most set the matching articles apart (log-likelihood G²)."""

from __future__ import annotations

import json
import math
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchkit import QueryError
from searchkit import terms as terms_module
from searchkit.results import BodyWords, word_lister
from searchkit.schema import make_schema
from searchkit.terms import STOPWORDS, log_likelihood

from archive import ARTICLES, archive, run  # noqa: F401 (fixtures)


def textbook_g2(table: list[list[float]]) -> float:
    """G² = 2 Σ observed · ln(observed / expected), expected from the margins."""
    total = sum(map(sum, table))
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    return 2 * sum(
        o * math.log(o / (rows[i] * cols[j] / total)) for i, r in enumerate(table) for j, o in enumerate(r) if o
    )


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=4, max_size=4).filter(lambda t: all(
    (t[0] + t[1], t[2] + t[3], t[0] + t[2], t[1] + t[3]))))
def test_log_likelihood_is_the_textbook_g2(cells):
    a, b, c, d = cells
    assert log_likelihood(a, b, c, d) == pytest.approx(textbook_g2([[a, b], [c, d]]), rel=1e-9, abs=1e-9)


def test_independent_counts_score_zero():
    assert log_likelihood(10, 90, 100, 900) == pytest.approx(0, abs=1e-9)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
       | st.lists(st.sampled_from(["Łukasz", "Müller’s", "U.S.", "3.5", "İstanbul", "ΟΔΟΣ", "straße", "a-b", "\n", " "]))
       .map("".join))
def test_words_are_listed_as_the_index_splits_them(text):
    analyzer = make_schema()["body_exact"].analyzer
    expected = [t.text for t in analyzer(text)]
    assert word_lister(analyzer)(text) == expected
    assert BodyWords(analyzer).fold(text) == expected


def words_of(text: str) -> list[str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return re.findall(r"\w+(?:\.?\w+)*", folded)


def content(word: str) -> bool:
    return len(word) > 1 and word not in STOPWORDS and not re.search(r"\d", word)


def oracle(selected: set[str], top: int) -> tuple[list[tuple], list[tuple]]:
    """Every word and phrase of the fixture scored from scratch: (text, articles, in_index, G²), best first."""
    per_article = {}
    for a in ARTICLES:
        tokens = words_of(a["body"])
        words = {w for w in tokens if content(w)}
        pairs = {f"{x} {y}" for x, y in zip(tokens, tokens[1:]) if content(x) and content(y)}
        per_article[a["id"]] = (words, pairs)
    n, total = len(selected), len(ARTICLES)
    lists = []
    for kind in (0, 1):
        scored = []
        for term in set().union(*(per_article[i][kind] for i in selected)):
            here = sum(term in per_article[i][kind] for i in selected)
            everywhere = sum(term in v[kind] for v in per_article.values())
            rest = everywhere - here
            if here >= min(2, n) and here * (total - n) > rest * n:
                g2 = textbook_g2([[here, n - here], [rest, total - n - rest]])
                scored.append((term, here, everywhere, round(g2, 6)))
        lists.append(sorted(scored, key=lambda t: (-t[3], t[0]))[:top])
    return lists[0], lists[1]


def as_tuples(found) -> list[tuple]:
    return [(t.text, t.articles, t.in_index, round(t.score, 6)) for t in found]


@pytest.mark.parametrize("query, filters", [
    ("dockers", {}), ("lukashenko", {}), ("final", {}), ("storm", {}), (None, {"since": "2022"}),
    ("said", {"people": ["Okonkwo"]}),
])
def test_words_and_phrases_match_a_from_scratch_count(archive, query, filters):
    selected = {h.id for h in archive.search(query or "date:>=2022", limit=100, suggest=False, **filters)}
    report = archive.terms(query, top=8, **filters)
    words, phrases = oracle(selected, 8)
    assert (report.articles, report.sampled) == (len(selected), len(selected))
    assert as_tuples(report.words) == words
    assert as_tuples(report.phrases) == phrases  # the phrase search stopped early without losing any


def test_what_a_strike_is_about(archive):
    report = archive.terms("dockers", top=5)
    assert {"dockers", "wage", "offer", "picket"} <= {t.text for t in report.words}
    assert report.phrases[0].text == "wage offer" and (report.phrases[0].articles, report.phrases[0].in_index) == (5, 5)


def test_stopwords_numbers_and_single_letters_never_listed(archive):
    report = archive.terms("dockers", top=1000)
    listed = [t.text for t in report.words] + [w for t in report.phrases for w in t.text.split()]
    assert listed and not any(w in STOPWORDS or re.search(r"\d", w) or len(w) == 1 for w in listed)
    assert "40" not in listed and "the" not in listed


def test_large_selections_are_sampled_and_scaled(archive, monkeypatch):
    monkeypatch.setattr(terms_module, "SAMPLE", 2)
    report = archive.terms("dockers", top=50)
    assert (report.articles, report.sampled) == (5, 2)
    assert report.words and all(t.articles <= t.in_index for t in report.words)
    dockers = next(t for t in report.words if t.text == "dockers")
    assert (dockers.articles, dockers.in_index) == (5, 5)  # in both sampled articles: scaled to all 5
    assert report.to_dict()["sampled"] == 2


def test_needs_a_query_or_a_filter(archive):
    with pytest.raises(QueryError, match="needs a query or a filter"):
        archive.terms()
    assert archive.terms("zanzibar").words == []



def test_command(run):
    result = run("terms", "dockers", "--top", "3")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "What sets apart the 5 articles matching 'dockers':"
    assert "Words:" in lines and "Phrases:" in lines
    phrases = lines[lines.index("Phrases:") + 2:]
    assert re.fullmatch(r" +\d+\.\d +5 +5  wage offer", phrases[0])


def test_command_json_and_errors(run):
    data = json.loads(run("terms", "--since", "2022", "--json").stdout)
    assert data["articles"] == 3 and data["words"][0].keys() == {"text", "articles", "in_index", "score"}
    assert "log-likelihood" in data["scoring"]
    for args in (["terms"], ["terms", "dockers AND"]):
        result = run(*args)
        assert result.exit_code == 2 and result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert run("terms", "zanzibar").output == "No articles matching 'zanzibar'.\n"
