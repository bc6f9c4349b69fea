"""Ingest benchmark: reading and normalizing a Reuters-21578-sized corpus, as ratios to plain line reading.

Run: python bench/bench_ingest.py [repeats]. Writes 22 invented SGML files (21,578 records) to a
temporary folder and prints medians of `repeats` runs (default 5), all in this one process.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sgml_maker import write_corpus  # noqa: E402

from searchkit.normalize import normalize_text  # noqa: E402
from searchkit.readers import read_articles, read_records  # noqa: E402


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = write_corpus(Path(tmp))

        def plain_lines():  # the baseline: decode and iterate every line, nothing more
            for path in files:
                with open(path, encoding="latin-1") as f:
                    for _ in f:
                        pass

        base = median_seconds(plain_lines, repeats)
        read = median_seconds(lambda: sum(1 for _ in read_records(tmp)), repeats)
        full = median_seconds(lambda: sum(1 for _ in read_articles(tmp)), repeats)
        bodies = [a.body for a in read_articles(tmp)]

    import ftfy

    clean = median_seconds(lambda: [normalize_text(b, caption=False) for b in bodies], repeats)
    fixed = median_seconds(lambda: [ftfy.fix_text(b) for b in bodies], repeats)
    n = len(bodies)
    print(f"records: {n}, repeats: {repeats} (medians)")
    print(f"plain line reading (baseline): {base:.3f} s")
    print(f"read_records (parse SGML):     {read:.3f} s  = {read / base:.1f}x baseline, {n / read:,.0f} records/s")
    print(f"read_articles (+ assemble):    {full:.3f} s  = {full / base:.1f}x baseline, {n / full:,.0f} articles/s")
    print(f"normalize_text on the bodies:  {clean:.3f} s  (ftfy skipped: no sign of mojibake)")
    print(f"ftfy.fix_text on every body:   {fixed:.3f} s  = {fixed / clean:.1f}x normalize_text")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
