"""Every regular expression the ingest pipeline runs on untrusted text, checked for catastrophic backtracking.

The patterns are found, not listed: compiled patterns the modules hold, plus every
``re.<function>(pattern, ...)`` call in their source, so a new pattern is audited
without anyone remembering to add it. Each is run the way the code runs it (search at
every position, match, or fullmatch) on adversarial inputs made from its own parse
tree: long runs of what each repeat repeats, after the shortest text that reaches that
repeat, and of its literal strings, alone or two alternating, each with an end that
makes the match fail. One that is slow on 4,000 characters must take less than 8 times
as long on 16,000 (linear: 4x; quadratic: 16x). A pattern the code only ever applies to
a short slice must be quick at that slice's length (``BOUNDED``)."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import re
import time
from pathlib import Path

import pytest
from timebox import time_limit

try:  # the parser of the re module: private, but stable across 3.10-3.13
    from re import _constants as sre_constants, _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants
    import sre_parse

MODULES = [
    "searchkit.normalize", "searchkit.dates", "searchkit.people", "searchkit.names", "searchkit.schema",
    "searchkit.query", "searchkit.results",
    *(f"searchkit.readers.{p.stem}" for p in sorted((Path(__file__).parents[1] / "searchkit" / "readers").glob("*.py"))),
]
_FLAGS_AT = {  # re.<function> -> position of its flags argument
    "compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3, "sub": 4, "subn": 4,
}
# How a call runs a pattern: "search" tries every position (search, sub, findall, split all do).
_MODE = {"search": "search", "sub": "search", "subn": "search", "findall": "search", "finditer": "search",
         "split": "search", "match": "match", "fullmatch": "fullmatch"}
ALL_MODES = frozenset(("search", "match", "fullmatch"))
EXTRA = {"searchkit.schema._TOKEN": ("searchkit.schema", "_TOKEN")}  # handed to Whoosh's RegexTokenizer (search)

# Patterns the code only ever applies to a bounded slice of text (by name or by pattern): longest input, and why.
BOUNDED = {
    "searchkit.dates._SHAPES": (80, "parse_date gives up on strings longer than 80 characters"),
    r"(\w+)-$": (40, "_join_lines looks at the last 40 characters of a line"),
    "searchkit.readers.webpage._CHARSET": (4096, "read_html looks for a charset in the first 4096 bytes"),
    r"(?:^|\n)\s*by$": (24, "people._evidence looks at the last 24 characters before a name"),
    r'[,”\"’]\s*\S+$': (90, "people._evidence looks at the 90 characters before a name"),
}

LARGE = 4000  # input size; a pattern slow at it is timed again at 4x the size: linear grows 4x, quadratic 16x
FLOOR = 0.01  # seconds: a pattern this fast on the large input is fine whatever its growth
BOUNDED_LIMIT = 0.05  # seconds a BOUNDED pattern may take on the longest input it is given

# Characters tried as members of the pattern's classes: ASCII, the spaces, quotes and dashes news text uses.
_POOL = (
    [chr(c) for c in range(32, 127)] + list("\t\n\r\x0b\x0c\x00\x85")
    + list("\u00a0\u2028’‘“”—–…é©·•»«\u00ad\u200bÃ€\ufb01Я")
)


def _module_patterns(module) -> list[tuple[str, re.Pattern]]:
    """Compiled patterns a module holds, directly or in a dict, list or tuple."""
    found = []
    for name, value in vars(module).items():
        values = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        found += [(f"{module.__name__}.{name}", v) for v in values if isinstance(v, re.Pattern)]
    return found


def _uses(tree: ast.AST) -> dict[str, set[str]]:
    """For each module-level name, how the source runs it: ``_X.search(...)``, ``_X[k].match``, ``map(_X.fullmatch, ...)``."""
    uses: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _MODE:
            holder = node.value.value if isinstance(node.value, ast.Subscript) else node.value
            if isinstance(holder, ast.Name):
                uses.setdefault(holder.id, set()).add(_MODE[node.attr])
    return uses


def _call_patterns(module, tree: ast.AST) -> tuple[list[tuple[str, re.Pattern, set[str] | None]], list[str]]:
    """Patterns passed to ``re.*`` calls in a module's source, and the names holding those built at run time."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found, dynamic = [], []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FLAGS_AT
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
        ):
            continue
        where = f"{module.__name__}:{node.lineno}"
        position = _FLAGS_AT[node.func.attr]
        flags = next((k.value for k in node.keywords if k.arg == "flags"), None)
        flags = node.args[position] if flags is None and len(node.args) > position else flags
        try:
            pattern = eval(compile(ast.Expression(node.args[0]), where, "eval"), vars(module))
            flag_value = eval(compile(ast.Expression(flags), where, "eval"), vars(module)) if flags is not None else 0
        except NameError:  # built from local names; then the module must keep the compiled patterns
            top = node
            while top in parents and not isinstance(parents[top], ast.Module):
                top = parents[top]
            target = top.targets[0].id if isinstance(top, ast.Assign) and isinstance(top.targets[0], ast.Name) else None
            dynamic.append(target or where)
            continue
        # A compiled pattern is run where it is used (see _uses); the module holds it, unless it is made in a function.
        modes = {_MODE[node.func.attr]} if node.func.attr in _MODE else None
        found.append((where, re.compile(pattern, flag_value), modes))
    return found, dynamic


def audited_patterns() -> tuple[list[tuple[str, str, re.Pattern, frozenset]], list[str]]:
    """``(module, where, pattern, modes)`` for every pattern the audited modules use, and what the audit could not see.

    A module-level pattern the module never runs itself (or runs in a way not recognised)
    is checked in every mode.
    """
    merged: dict[tuple, list] = {}
    unseen = []
    for name in MODULES:
        module = importlib.import_module(name)
        tree = ast.parse(inspect.getsource(module))
        calls, dynamic = _call_patterns(module, tree)
        held = _module_patterns(module)
        uses = _uses(tree)
        unseen += [f"{name}.{t}" for t in dynamic if not any(w == f"{name}.{t}" for w, _ in held)]
        entries = [(w, rx, uses.get(w.rsplit(".", 1)[1]) or set(ALL_MODES)) for w, rx in held] + calls
        for where, rx, modes in entries:
            entry = merged.setdefault((rx.pattern, rx.flags), [name, where, rx, set()])
            entry[3] |= modes if modes is not None else set() if entry[3] else set(ALL_MODES)
    for where, (name, attr) in EXTRA.items():
        rx = re.compile(getattr(importlib.import_module(name), attr))
        merged.setdefault((rx.pattern, rx.flags), [name, where, rx, set()])[3].add("search")
    return [(m, w, rx, frozenset(modes)) for m, w, rx, modes in merged.values()], unseen


# --- what a pattern repeats, from its parse tree ---------------------------------------------------

_CATEGORY = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def _in_set(ch: str, items, ignore_case: bool) -> bool:
    variants = {v for v in (ch, ch.lower(), ch.upper()) if len(v) == 1} if ignore_case else {ch}
    negate, hit = False, False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit |= chr(av) in variants
        elif name.startswith("RANGE"):
            hit |= any(av[0] <= ord(v) <= av[1] for v in variants)
        elif name == "CATEGORY":
            hit |= bool(re.fullmatch(_CATEGORY[str(av)], ch))
    return hit != negate


def _atom_matches(op, av, ch: str, flags: int) -> bool | None:
    """Whether one-character atom ``(op, av)`` matches ``ch``; None when the node is not such an atom."""
    name, ic = str(op), bool(flags & re.IGNORECASE)
    if name == "LITERAL":
        return ch == chr(av) or (ic and ch.lower() == chr(av).lower())
    if name == "NOT_LITERAL":
        return not (ch == chr(av) or (ic and ch.lower() == chr(av).lower()))
    if name == "ANY":
        return ch != "\n" or bool(flags & re.DOTALL)
    if name == "IN":
        return _in_set(ch, av, ic)
    return None


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _children(op, av) -> list:
    """The sub-sequences a node holds (a group's content, a repeat's body, each branch), none for atoms."""
    name = str(op)
    if name in _REPEATS:
        return [av[2]]
    if name == "SUBPATTERN":
        return [av[-1]]
    if name == "ATOMIC_GROUP":
        return [av]
    if name == "BRANCH":
        return list(av[1])
    if name == "GROUPREF_EXISTS":
        return [b for b in av[1:] if b is not None]
    return []  # atoms, anchors, lookarounds (which consume nothing)


class _Shape:
    """What a parsed pattern is made of, for building inputs that make it backtrack."""

    def __init__(self, rx: re.Pattern):
        self.flags = rx.flags
        self.atoms: list = []  # every one-character atom
        self.runs: list[tuple[str, list]] = []  # (text that leads up to a long repeat, the atoms inside it)
        self.literals: set[str] = set()  # literal strings of two or more characters
        self.repeated_literals: set[str] = set()
        self._walk(sre_parse.parse(rx.pattern if isinstance(rx.pattern, str) else rx.pattern.decode("latin-1"), rx.flags), "", False)

    def matches(self, op, av, ch: str) -> bool:
        return bool(_atom_matches(op, av, ch, self.flags))

    def example(self, sequence) -> str:
        """A short string the sequence of nodes matches (best effort: lookarounds and anchors ignored)."""
        out = []
        for op, av in sequence:
            if _atom_matches(op, av, "a", self.flags) is not None:
                out.append(next((ch for ch in _POOL if self.matches(op, av, ch)), ""))
            elif str(op) in _REPEATS:
                out.append(self.example(av[2]) * av[0])
            elif str(op) == "BRANCH":
                out.append(min((self.example(b) for b in av[1]), key=len))
            elif str(op) in ("SUBPATTERN", "ATOMIC_GROUP"):
                out.append(self.example(_children(op, av)[0]))
        return "".join(out)

    def _walk(self, sequence, prefix: str, repeated: bool) -> None:
        literal = ""
        for i, (op, av) in enumerate(sequence):
            if str(op) == "LITERAL":
                literal += chr(av)
            else:
                self._literal(literal, repeated)
                literal = ""
            if _atom_matches(op, av, "a", self.flags) is not None:
                self.atoms.append((op, av))
                continue
            before = prefix + self.example(sequence[:i])
            long = str(op) in _REPEATS and (av[1] == sre_constants.MAXREPEAT or av[1] >= 20)
            if long:
                inner = []
                self._collect(av[2], inner)
                self.runs.append((before, inner, self.example(av[2])))
            for child in _children(op, av):
                self._walk(child, before, repeated or long)
        self._literal(literal, repeated)

    def _collect(self, sequence, into: list) -> None:
        for op, av in sequence:
            if _atom_matches(op, av, "a", self.flags) is not None:
                into.append((op, av))
            for child in _children(op, av):
                self._collect(child, into)

    def _literal(self, literal: str, repeated: bool) -> None:
        if len(literal) > 1:
            self.literals.add(literal)
            if repeated:
                self.repeated_literals.add(literal)


def _representatives(pool: list[str], atoms: list, flags: int) -> list[str]:
    """One character per class of characters that every atom treats alike."""
    by_signature: dict[tuple, str] = {}
    for ch in pool:
        signature = tuple(_atom_matches(op, av, ch, flags) for op, av in atoms)
        by_signature.setdefault(signature, ch)
    return list(by_signature.values())


_ENDS = ("", "\x00", "!\n", " ")  # nothing, and characters that make a match fail at the very end


def adversarial_cases(rx: re.Pattern) -> list[tuple[str, str, str]]:
    """``(lead, piece, end)``: a long run of ``piece`` after ``lead``, then ``end``.

    For each long repeat in the pattern the lead is the shortest text that reaches it
    (or nothing) and the pieces are what it repeats; literal strings of the pattern run
    on their own; characters and repeated literals run two by two, alternating.
    """
    shape = _Shape(rx)
    pool = sorted(set(_POOL) | {ch for lit in shape.literals for ch in lit})
    cases = set()
    chars: set[str] = set()
    every = _representatives(pool, shape.atoms, rx.flags)
    for lead, inner, example in shape.runs:
        pieces = [ch for ch in every if any(shape.matches(o, a, ch) for o, a in inner)]
        chars.update(pieces)
        # After the lead, a character the run does not match stops an earlier repeat from swallowing the run.
        stops = [ch for ch in every if ch not in pieces][:3]
        for piece in pieces + ([example] if example else []):
            cases |= {(start, piece, end) for start in {lead, ""} for end in _ENDS}
            cases |= {(lead + stop, piece, end) for stop in stops for end in _ENDS[:2]}
    for literal in shape.literals:
        cases |= {("", literal, end) for end in _ENDS}
    for a, b in itertools.combinations(sorted(chars | shape.repeated_literals), 2):
        cases |= {("", a + b, end) for end in _ENDS[:2]}
    if not shape.runs:  # no long repeat: runs of each character class it reads
        cases |= {("", ch, end) for ch in every for end in _ENDS[:2]}
    return sorted(cases)


def instantiate(rx: re.Pattern, case: tuple[str, str, str], size: int) -> str | bytes:
    lead, piece, end = case
    text = lead + piece * (size // len(piece)) + end
    return text if isinstance(rx.pattern, str) else text.encode("latin-1", errors="ignore")


def _time(rx: re.Pattern, text, modes) -> float:
    """Seconds to run ``rx`` over ``text`` the ways the code does (search: at every position)."""
    start = time.perf_counter()
    if "search" in modes:
        for _ in rx.finditer(text):
            pass
    if "match" in modes:
        rx.match(text)
    if "fullmatch" in modes:
        rx.fullmatch(text)
    return time.perf_counter() - start


PATTERNS, UNSEEN = audited_patterns()


def test_the_audit_finds_the_patterns_of_every_stage():
    wheres = {where for _, where, _, _ in PATTERNS}
    assert len(PATTERNS) >= 40
    for expected in ("searchkit.normalize._BOILERPLATE", "searchkit.dates._DATELINE", "searchkit.readers.reuters._OPENING",
                     "searchkit.readers.text._HEADER_LINE", "searchkit.people._RUN", "searchkit.query._LEX",
                     "searchkit.schema._TOKEN"):
        assert expected in wheres
    assert any(w.startswith("searchkit.normalize:") for w in wheres)  # inline re.sub / re.split calls too
    assert not UNSEEN, f"regexes built at run time and not kept in a module attribute: {UNSEEN}"


@pytest.mark.parametrize("bad", [r"(\w+)=x", r"<T>(.*?)</T>", r"^\s*(\w+):\s*(.*?)\s*$", r"\w+\s*,?\s*\d"])
def test_the_check_catches_patterns_known_to_backtrack(bad):
    """The inputs and the growth test do find known-bad shapes, so a pass below means something."""
    rx = re.compile(bad, re.S)
    assert any(_time(rx, instantiate(rx, case, LARGE), ALL_MODES) > FLOOR for case in adversarial_cases(rx))


def _best_of_three(rx: re.Pattern, text, modes) -> float:
    return min(_time(rx, text, modes) for _ in range(3))


@pytest.mark.parametrize("module,where,rx,modes", PATTERNS, ids=[f"{w}:{rx.pattern[:20]}" for _, w, rx, _ in PATTERNS])
def test_pattern_time_grows_linearly_on_adversarial_input(module, where, rx, modes):
    bound = BOUNDED.get(where) or BOUNDED.get(rx.pattern)
    for case in adversarial_cases(rx):
        large = instantiate(rx, case, bound[0] if bound else LARGE)
        with time_limit(5, f"{where} on {large[:40]!r}..."):  # exponential backtracking would never end
            first = _time(rx, large, modes)
        if first < FLOOR:
            continue
        t_large = _best_of_three(rx, large, modes)  # slow once: measure again, and against 4x as much
        if t_large < FLOOR:  # the first run met a stall of a busy machine (seen: 2 ms against 4x, 22 ms)
            continue
        if bound:  # only ever this long: it must simply be quick at that length
            assert t_large < BOUNDED_LIMIT, f"{where} {rx.pattern!r}: {t_large:.3f}s on {large[:40]!r}... ({bound[1]})"
            continue
        larger = instantiate(rx, case, 4 * LARGE)
        with time_limit(20, f"{where} on {len(larger)} characters of {larger[:40]!r}..."):
            t_larger = _best_of_three(rx, larger, modes)
        assert t_larger < 8 * t_large, (
            f"{where} {rx.pattern!r} ({', '.join(sorted(modes))}): {t_large:.3f}s on {len(large)} characters, "
            f"{t_larger:.3f}s on {len(larger)}: {large[:40]!r}..."
        )


def test_callers_keep_bounded_patterns_to_short_input():
    """The patterns in BOUNDED are safe only because their callers cut the text: check the callers."""
    from searchkit.dates import parse_date
    from searchkit.normalize import normalize_text
    from searchkit.people import extract_people

    start = time.perf_counter()
    assert parse_date("thurs" * 20000) is None and parse_date("tues " * 20000 + "1") is None
    assert normalize_text(("word" * 20000 + "-\n") * 3).body
    assert extract_people(("by " + " " * 5000 + "said " + "”" * 5000 + " Ann Lee said. ") * 5) is not None
    assert time.perf_counter() - start < 1
