"""The normalizer on the user's seed article and on small cases of each rule."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import read_articles
from searchkit.normalize import derive_title, normalize_line, normalize_text, split_credit


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


# Pieces of the things the normalizer acts on, so random texts hit its rules, not just plain characters.
_PIECES = st.sampled_from([
    "\n", "\n\n", " ", "-", "-\n", "post-\n", "partici-\npation", "COVID-\n19", "Related: more", "Click here",
    "https://x.example/a", "www.x.example", "Share", "Email", "Advertisement", "Sign up for our newsletter",
    "© 2024 Herald", "Photo: Ann Lee / AP", "Ann Lee / AP", " Anna Berg / Reuters", "Ã©", "â€œ", "â€", "Â", "Ã",
    "\u00ad", "\u0301", "\x1f", "\x85", "\u2028", "\r", "\t", "\u00a0", "\ufb01", "\u200b", "e", ".", "The ",
    "word ", "said.", "a" * 130, "“", "”",
])
_TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS, st.booleans())
def test_normalizer_is_idempotent_on_texts_built_from_its_own_cases(text, caption):
    once = normalize_text(text, caption=caption)
    assert normalize_text(once.body, caption=False).body == once.body
    assert "\n\n\n" not in once.body and once.body == once.body.strip()
    line = normalize_line(text)
    assert normalize_line(line) == line and "\n" not in line


@settings(max_examples=50, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=5), st.integers(min_value=2000, max_value=20000))
def test_normalizer_is_quick_on_long_repetitive_input(pieces, times):
    text = "".join(pieces) * times  # up to a few hundred kilobytes of the same pattern
    start = time.perf_counter()
    normalize_text(text)
    assert time.perf_counter() - start < 5


def test_mojibake_is_repaired_and_good_text_left_alone():
    assert normalize_text("The cafÃ© reopened on MondayÃ¢â‚¬â„¢s").body == "The café reopened on Monday’s"
    assert normalize_text("Lech WaÅ‚Ä™sa said â€œnoâ€\x9d").body == "Lech Wałęsa said “no”"
    for good in ("CAFÉ… closed", "São Paulo — “ok”", "naïve résumé Ångström", "It’s “quoted”"):
        assert normalize_text(good).body == good


def test_unicode_is_nfc_and_invisible_characters_go():
    body = normalize_text("Jose\u0301 met the \ufb01nance\u200b team.\u00a0Then left.").body
    assert body == "José met the finance team. Then left."


def test_share_subscribe_and_copyright_lines_dropped_but_not_sentences_that_mention_them():
    text = (
        "Sign up for our newsletter\n\nThe mayor spoke.\n\nShare on Facebook | Share on Twitter | Email\n\n"
        "Advertisement\n\n© 2023 The Courier. All rights reserved.\n\nClick here to read more\n\n"
        "The new\nsubscribe button was added, the\nnewsletter said.\n\nSubscribers rose by a tenth last year."
    )
    assert normalize_text(text).body == (
        "The mayor spoke.\n\nThe new subscribe button was added, the newsletter said.\n\n"
        "Subscribers rose by a tenth last year."
    )


def test_caption_with_labelled_credit_anywhere_in_the_text():
    cleaned = normalize_text(
        "The mayor said the wall would hold.\n\nA crowd on the quay on Tuesday. (Photo: Ilse Marr / Courier)\n\nThe end."
    )
    assert cleaned.body == "The mayor said the wall would hold.\n\nThe end."
    assert cleaned.caption == "A crowd on the quay on Tuesday."
    assert cleaned.credits == ["Ilse Marr"]


def test_long_lines_are_paragraphs_of_their_own():
    first, second = "A" + " long sentence" * 10 + ".", "Another" + " long sentence" * 10 + "."
    assert normalize_text(f"{first}\n{second}").body == f"{first}\n\n{second}"


def test_hyphen_before_digits_and_soft_hyphens():
    assert normalize_text("COVID-\n19 cases and a re\u00ad\nturn").body == "COVID-19 cases and a return"


def test_derived_title_leaves_out_the_dateline():
    assert derive_title("HARROWMOUTH, Oct 5 (EPA) - A storm surge flooded the old town. More.") == (
        "A storm surge flooded the old town"
    )
