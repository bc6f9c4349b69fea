"""Sources stage: the names of the input formats the readers know.

Kept out of :mod:`searchkit.readers` so the CLI can offer them as choices without
importing the readers (which import the normalizer and people extraction).
"""

FORMATS = ("text", "json", "jsonl", "csv", "tsv", "reuters", "html")
