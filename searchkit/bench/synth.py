"""Benchmark corpus: a deterministic generator of synthetic news articles.

The articles are invented word by word from a made-up vocabulary, so nothing is
copied from anywhere, yet they look like news to the indexer: lengths with a
median near 400 words and a long tail, word frequencies that follow Zipf's law
(with English function words at the top, so stopwords and stemming matter), a
pool of people named the way news names them ("Minister Kara Dovel said"), and
publication dates spread over ten years. Article ``i`` of seed ``s`` is always
the same, whatever the size asked for.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SIZES = {"tiny": 200, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# The most frequent words of English news, in rough order: the head of the Zipf curve.
_FUNCTION_WORDS = (
    "the of to and a in that for is on said with was he it as at by from his be have has are but not"
    " an they this who were their will after had been would its which or more one about year new two"
    " than also when people last first she over up government into there other could we all her"
    " some out what can if officials so no only told because against most percent three since"
).split()
_ONSETS = "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl st str t th tr v w z".split()
_VOWELS = "a e i o u ai ea ee io ou oa".split()
_CODAS = "b d g k l m n nd nt p r rd rk rm rn s st t x".split() + [""] * 6
_SUFFIXES = ["", "", "", "s", "ed", "ing", "er", "ers", "ion", "ions", "ly", "ment", "al"]
_ROLES = ("President", "Minister", "Prime Minister", "Senator", "Governor", "Mayor", "spokeswoman",
          "spokesman", "Judge", "Director", "Ambassador", "analyst", "economist", "Chancellor")
_VERBS = ("said", "told reporters", "added", "warned", "noted", "argued")
_SOURCES = ("Harbor Courier", "Daily Meridian", "Northgate Ledger", "Valley Wire", "Coastal Post",
            "Evening Standardbearer", "Metro Dispatch", "Union Gazette")
_START = date(2015, 1, 1)
_DAYS = 3652  # ten years


def _syllable_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


@dataclass(frozen=True)
class Vocabulary:
    """The words of the synthetic language, most frequent first, with Zipfian cumulative weights."""

    words: list[str]
    cum_weights: list[float]
    first_names: list[str]
    last_names: list[str]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        total, words, cw = self.cum_weights[-1], self.words, self.cum_weights
        hi = len(words) - 1
        return [words[bisect.bisect(cw, rng.random() * total, 0, hi)] for _ in range(k)]


def make_vocabulary(seed: int = 7, size: int = 60_000, exponent: float = 1.05) -> Vocabulary:
    """A vocabulary of ``size`` words (function words first) and pools of first and last names."""
    rng = random.Random(seed)
    seen = set(_FUNCTION_WORDS)
    words = list(_FUNCTION_WORDS)
    while len(words) < size:
        w = _syllable_word(rng, rng.choice((1, 1, 2, 2, 2, 3))) + rng.choice(_SUFFIXES)
        if w not in seen and len(w) > 2:
            seen.add(w)
            words.append(w)
    cum_weights = list(itertools.accumulate(1.0 / (r ** exponent) for r in range(1, size + 1)))
    # Real given names (from the list the people extractor ships), so people are found the way news names them.
    from ..names import given_names

    first = sorted(n.capitalize() for n in rng.sample(sorted(n for n in given_names() if n.isalpha() and len(n) > 3), 400))
    last = sorted({_syllable_word(rng, rng.choice((2, 2, 3))).capitalize() for _ in range(1200)})
    return Vocabulary(words, cum_weights, first, last)


@dataclass
class SyntheticArticle:
    """One generated article, with the facts the query benchmarks need."""

    id: str
    title: str
    date: date
    body: str
    source: str
    people: list[str]  # the persons named in the body, as the body names them

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date.isoformat(), "body": self.body,
                "source": self.source, "url": f"https://news.example/{self.id}"}

    def to_text(self) -> str:
        """A plain-text file: header lines, then the body hard-wrapped as if copied from a PDF."""
        paragraphs = ["\n".join(textwrap.wrap(p, 76, break_on_hyphens=False)) for p in self.body.split("\n\n")]
        return (f"Title: {self.title}\nDate: {self.date.isoformat()}\nSource: {self.source}\n"
                f"URL: https://news.example/{self.id}\n\n" + "\n\n".join(paragraphs) + "\n")


class NewsGenerator:
    """Deterministic synthetic news: ``generator.article(i)`` depends only on the seed and ``i``."""

    def __init__(self, seed: int = 7, people: int = 5000):
        self.seed = seed
        self.vocab = make_vocabulary(seed)
        rng = random.Random(seed + 1)
        self.people = [f"{rng.choice(self.vocab.first_names)} {rng.choice(self.vocab.last_names)}"
                       for _ in range(people)]
        # Some people are in the news far more than others.
        self._people_cw = list(itertools.accumulate(1.0 / r for r in range(1, people + 1)))

    def _person(self, rng: random.Random) -> str:
        return self.people[bisect.bisect(self._people_cw, rng.random() * self._people_cw[-1], 0, len(self.people) - 1)]

    def _sentence(self, rng: random.Random, people: list[str]) -> str:
        words = self.vocab.draw(rng, rng.randint(8, 26))
        if rng.random() < 0.1:
            name = self._person(rng)
            if name not in people:
                people.append(name)
            verb = rng.choice(_VERBS)
            if rng.random() < 0.5:
                head = f"{rng.choice(_ROLES)} {name} {verb}"
            else:
                head = f"{name} {verb}"
            return f"{head} {' '.join(words)}."
        return f"{' '.join(words).capitalize()}."

    def article(self, i: int) -> SyntheticArticle:
        rng = random.Random(self.seed * 1_000_003 + i)
        target = int(min(6000, max(40, math.exp(rng.gauss(math.log(400), 0.6)))))
        people: list[str] = []
        paragraphs, n = [], 0
        while n < target:
            sentences = [self._sentence(rng, people) for _ in range(rng.randint(1, 4))]
            n += sum(s.count(" ") + 1 for s in sentences)
            paragraphs.append(" ".join(sentences))
        title_words = self.vocab.draw(rng, rng.randint(4, 9))
        if people and rng.random() < 0.4:
            title_words.insert(rng.randint(0, len(title_words)), people[0].split()[-1])
        title = " ".join(title_words)
        return SyntheticArticle(
            id=f"syn-{i:07d}",
            title=title[:1].upper() + title[1:],
            date=_START + timedelta(days=rng.randrange(_DAYS)),
            body="\n\n".join(paragraphs),
            source=rng.choice(_SOURCES),
            people=people,
        )

    def articles(self, n: int, start: int = 0) -> Iterator[SyntheticArticle]:
        return (self.article(i) for i in range(start, start + n))


def write_corpus(out: Path, n: int, *, format: str = "jsonl", seed: int = 7, per_file: int = 50_000) -> list[Path]:
    """Write ``n`` synthetic articles under ``out``: JSON Lines files of ``per_file`` articles, or one .txt each."""
    out.mkdir(parents=True, exist_ok=True)
    gen = NewsGenerator(seed)
    paths: list[Path] = []
    if format == "jsonl":
        for start in range(0, n, per_file):
            path = out / f"news-{start // per_file:04d}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for a in gen.articles(min(per_file, n - start), start):
                    f.write(json.dumps(a.to_json(), ensure_ascii=False) + "\n")
            paths.append(path)
    elif format == "text":
        for a in gen.articles(n):
            folder = out / f"{int(a.id[4:]) // 1000:04d}"  # a thousand files a folder
            folder.mkdir(exist_ok=True)
            path = folder / f"{a.id}.txt"
            path.write_text(a.to_text(), encoding="utf-8")
            paths.append(path)
    else:
        raise ValueError(f"unknown format {format!r} (jsonl or text)")
    return paths
