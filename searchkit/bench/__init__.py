"""Benchmarks: a synthetic news corpus (``synth``), the yardsticks (``baselines``), the
measurements (``harness``) and faster schema variants awaiting adoption (``proposals``).

Run as ``python -m searchkit.bench``; nothing here is imported by searchkit itself.
"""
