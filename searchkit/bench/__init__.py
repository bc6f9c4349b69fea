"""Benchmarks: a synthetic news corpus (``synth``), the yardsticks (``baselines``), the
measurements (``harness``) and schema variants measured but not adopted (``proposals``).

Run as ``python -m searchkit.bench``; nothing here is imported by searchkit itself.
"""
