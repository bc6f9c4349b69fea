"""The normalizer on the user's seed article and on small cases of each rule."""

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit import read_articles
from searchkit.normalize import derive_title, normalize_text, split_credit


def test_seed_body_is_clean(seed_path):
    (article,) = read_articles(seed_path)
    assert "Lovetsky" not in article.body
    assert "Related article" not in article.body
    assert "http" not in article.body and "themoscowtimes" not in article.body
    # The sentence the URL line cut in two is whole again, curly quotes kept for display.
    assert "“but there’s currently no such need [to send assistance],”" in article.body
    assert "the fight for the post-Soviet space" in article.body
    assert article.caption.startswith("Russia criticized alleged foreign involvement")
    assert article.caption.endswith("the election's outcome.")
    assert article.credits == ["Dmitri Lovetsky"]
    assert article.date is None  # the body's "Aug. 9" and the related URL's date are not publication dates


def test_seed_paragraphs_are_unwrapped(seed_path):
    (article,) = read_articles(seed_path)
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("The Kremlin said Wednesday")
    assert all("\n" not in p for p in paragraphs)
    assert paragraphs[-1] == "AFP contributed reporting."


def test_hyphenated_line_breaks():
    text = "Voter partici-\npation fell, the post-\nSoviet states said, and post-\nelection talks began."
    body = normalize_text(text).body
    assert "participation fell" in body
    assert "post-Soviet states" in body
    assert "post-election talks" in body


def test_boilerplate_lines_dropped():
    text = "First para.\n\nRelated: Another story\n\nhttps://example.org/x\n\nwww.example.org\n\nSecond para."
    assert normalize_text(text).body == "First para.\n\nSecond para."


def test_caption_only_when_it_ends_in_a_credit():
    assert split_credit("Crowds in the square. Anna Berg / Reuters") == ("Crowds in the square.", ["Anna Berg"])
    assert split_credit("The mayor said the wall would hold.") == ("The mayor said the wall would hold.", [])
    plain = normalize_text("A headline-like opening.\n\nThe story goes on.")
    assert plain.caption == "" and plain.body.startswith("A headline-like opening.")


def test_derived_title_cut_at_word_boundary():
    title = derive_title("The harbour authority said on Monday that its cranes would stay idle until the dispute was settled. More.")
    assert title.endswith("…") and len(title) <= 91
    assert not title[:-1].endswith(" ")
    assert derive_title("Short lead sentence. Then more.") == "Short lead sentence"


@settings(max_examples=200, deadline=1000)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2000))
def test_normalizer_never_raises_and_is_idempotent(text):
    once = normalize_text(text, caption=False).body
    assert normalize_text(once, caption=False).body == once
