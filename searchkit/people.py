"""People stage: who is named in an article (full names, each once, in order of first mention).

Sits between normalize and assemble: :func:`searchkit.assemble.assemble` calls
:func:`extract_people` on the normalized body. Pure Python and rule-based, no model:

1. Runs of capitalised words (with initials and particles: ``George W. Bush``, ``Ursula von der
   Leyen``) are cut into candidates at titles, roles and function words, so ``Russian Foreign
   Minister Sergei Lavrov`` gives ``Sergei Lavrov`` and drops ``Russian Foreign``.
2. A candidate of two or more names is a person when something says so: a title or role before
   it ("Kremlin spokesman Dmitry Peskov", "its founder, Guo Tianming"), an aside after it
   (", a 34-year-old teacher", ", who...", ", 47,"), a first word from the shipped given-names
   list, leading initials, or a verb of saying ("Angela Merkel said"). Organisation, place and
   nationality words, a known firm or team (``Morgan Stanley``, ``Crystal Palace``) or a noun
   straight after it ("Charles de Gaulle airport") rule it out. Photo credits and reporting
   lines are not people in the story.
3. A name with no such sign still counts when a lone mention of its surname has one
   ("Mr. Adeyemi", "Alemu, 24,") or it sits in a list next to accepted names.
4. Variants (``Van der Sande``, ``Montoya Herrera``) and lone surnames or possessives
   (``Lukashenko’s``) resolve to the full name used anywhere in the article, unless two people
   share the surname; capitals-only headlines only ever resolve, never add.

:func:`evaluate_people` scores the extractor against a hand-checked set (``searchkit eval-people``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import names as nm
from .names import fold

# Character classes built from Unicode, since ``re`` has no \p{Lu}: accented and Latin Extended
# capitals ("Łukasz", "İlker", "Ọlá") must start a name like A-Z does.
_BLOCKS = [(0x41, 0x24F), (0x370, 0x52F), (0x1E00, 0x1EFF)]


def _char_class(test) -> str:
    out, start, prev = [], None, None
    for lo, hi in _BLOCKS:
        for cp in range(lo, hi + 1):
            if test(chr(cp)):
                if start is None:
                    start = cp
                elif cp != prev + 1:
                    out.append((start, prev))
                    start = cp
                prev = cp
    out.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in out)


_U = _char_class(str.isupper)
_L = _char_class(str.isalpha) + "\u0300-\u036f"  # letters, and combining accents left after NFC
_WORD = rf"[{_U}][{_L}]*(?:['’][{_U}][{_L}]*)*(?:-[{_L}]+)*"  # O’Callaghan-Reyes, Seo-yeon
_ABBR = (r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Lt|Col|Capt|Cmdr|Adm|Sgt|Cpl|Maj|Sen|Rep|Gov|Rev|Hon|Fr|Jr|Sr|St|Mt|Ft"
         r"|Pres|Supt|Insp|Det|Amb)\.")
_INITIALS = rf"[{_U}]\.(?:-?[{_U}]\.)*"  # J. / T.J. / J.-P.
_PREFIXED = rf"(?:al|el|ad|ud|ul|as|ash|at|az|d|l)['’-][{_U}][{_L}]*(?:-[{_L}]+)*"  # el-Masri
_PARTICLE = "(?:" + "|".join(sorted(nm.PARTICLES, key=len, reverse=True)) + ")"
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # one line break at most: a blank line ends a run
_TOKEN = rf"(?:{_ABBR}(?![{_L}])|{_INITIALS}|{_WORD})"
# Every piece starts with a different kind of character, so matching never backtracks far.
_RUN = re.compile(rf"(?<![\w'’.\-]){_TOKEN}(?:{_SEP}(?:{_PARTICLE}{_SEP}){{0,3}}(?:{_TOKEN}|{_PREFIXED}))*")
_INITIALS_RX = re.compile(_INITIALS)
_CLAUSE_END = re.compile(r"[.;:!?“”\"()\[\]]|,")
# How an aside about a person opens: ", a fire ecologist", ", former deputy first minister".
_ASIDE_OPENERS = frozenset("a an the his her their its our one former then now also currently".split())

# Token kinds. MONTH is a date that is also a given name ("June", "Jan"): a name only before another.
NAME, PARTICLE, INITIAL, SUFFIX, ROLE, STOP, CAPS, MONTH = range(8)


@lru_cache(maxsize=1 << 15)
def _kind(token: str) -> int:
    """What one token of a run is: a name word, a particle, an initial, a role, a stop word..."""
    f = fold(token)
    if token[0].islower():
        return PARTICLE if f in nm.PARTICLES else NAME
    if f in nm.NAME_SUFFIXES:
        return SUFFIX
    if len(token) == 1 or _INITIALS_RX.fullmatch(token):
        return STOP if f in ("a", "i") else INITIAL
    bare = f.rstrip(".")
    if bare in nm.ROLES or ("-" in token and token.split("-", 1)[1].islower() and f.split("-", 1)[0] in nm.ROLES):
        return ROLE  # also "President-elect", "Vice-chancellor"
    if bare in nm.STOPWORDS:
        return STOP
    if "-" in f and f.rsplit("-", 1)[1] in nm.ADJECTIVE_ENDINGS:
        return STOP  # Velgrad-based
    if f in nm.NAME_MONTHS:
        return MONTH
    if token.isupper():
        return CAPS
    return NAME


@lru_cache(maxsize=1 << 14)
def _bare(word: str) -> str:
    """A word folded, without surrounding punctuation or a possessive: ``"Capital’s," -> "capital"``."""
    f = fold(word).strip(".,;:!?“”\"'()[]")
    return f[:-2] if f.endswith("'s") else f


@lru_cache(maxsize=1 << 14)
def _role(word: str) -> int:
    """2 for a word only people are ("spokesman"), 1 for one firms can be too ("owner"), else 0."""
    b = _bare(word)
    if b not in nm.ROLES:
        b = b[:-1] if b.endswith("s") and b[:-1] in nm.ROLES else ""
    if not b:
        return 0
    return 1 if b in nm.SHARED_ROLES else 2


class _Segment:
    """A candidate: consecutive name tokens (with particles and initials) from one run."""

    __slots__ = ("starts", "tokens", "kinds", "role_before", "start", "end", "keys", "name_count")

    def __init__(self, starts: list[int], tokens: list[str], kinds: list[int], role_before: bool = False):
        self.starts = starts  # where each token starts in the text
        self.tokens = tokens
        self.kinds = kinds
        self.role_before = role_before  # a title or role in the same run ("Minister Sergei Lavrov")
        self.start = starts[0]
        self.end = starts[-1] + len(tokens[-1])
        # Folded tokens that identify the person: names and particles, not initials or Jr.
        self.keys = tuple(fold(t) for t, k in zip(tokens, kinds) if k == NAME or k == PARTICLE or k == MONTH)
        self.name_count = sum(k == NAME or k == MONTH for k in kinds)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _segments(text: str):
    """Yield (segment, is_caps) for every run of capitalised words in ``text``."""
    for m in _RUN.finditer(text):
        run, base, pos = m.group(), m.start(), 0
        if " " not in run and "\n" not in run:  # most runs are one word: a sentence's first, or a surname
            k = _kind(run)
            if k in (NAME, MONTH, CAPS):
                yield _Segment([base], [run], [k]), k == CAPS
            continue
        toks, kinds, starts = [], [], []
        for tok in run.split():
            pos = run.index(tok, pos)
            toks.append(tok)
            kinds.append(_kind(tok))
            starts.append(base + pos)
            pos += len(tok)
        yield from _cut(toks, kinds, starts)


def _cut(toks: list[str], kinds: list[int], starts: list[int]):
    """Cut one run into segments at roles, stop words and changes between capitals-only and not."""

    def make(piece: list[int], role_before: bool):
        while piece and kinds[piece[-1]] in (INITIAL, PARTICLE):
            if "." not in toks[piece.pop()]:
                return None  # "Model Y", "Plan B": a thing's designation, not a name
        if piece:
            return _Segment([starts[i] for i in piece], [toks[i] for i in piece],
                            [kinds[i] for i in piece], role_before)
        return None

    last = len(toks) - 1
    piece: list[int] = []
    piece_caps = piece_role = role_pending = False
    for i, k in enumerate(kinds):
        if k == ROLE and i == last and piece and not piece_caps and nm.is_given_name(toks[piece[0]]):
            k = kinds[i] = NAME  # a surname after all: "Paul Singer", "Martin Luther King"
        caps = k == CAPS
        if piece and (k in (ROLE, STOP) or caps != piece_caps):
            # Before a role, the words describe it ("Russian Foreign Minister"): not a name.
            if (k != ROLE or piece_caps) and (seg := make(piece, piece_role)):
                yield seg, piece_caps
            piece = []
        if k in (ROLE, STOP):
            role_pending = k == ROLE
            continue
        if k == PARTICLE and not piece:
            continue
        if not piece:
            piece_caps, piece_role, role_pending = caps, role_pending, False
        piece.append(i)
    if piece and (seg := make(piece, piece_role)):
        yield seg, piece_caps


@dataclass
class _Evidence:
    strong: bool = False  # title, role or aside: a person for sure
    weak: bool = False  # a verb of saying
    veto: bool = False  # organisation, place, nationality, or a modifier of a noun
    soft_veto: bool = False  # "the ...", "in ...", a word like Park or Hall: needs strong evidence
    credit: bool = False  # a photo credit or reporting line


@dataclass
class _Candidate:
    seg: _Segment
    ev: _Evidence
    accepted: bool = False


def _mark(ev: _Evidence, level: int) -> None:
    if level == 2:
        ev.strong = True
    elif level == 1:
        ev.weak = True


def _clause_role(words: list[str]) -> int:
    """The role a clause before a comma gives: "its founder," "the head of the grid operator,"."""
    if not words:
        return 0
    level = _role(words[-1])
    for j, w in enumerate(words[:-1]):
        if words[j + 1] in ("of", "on", "for", "at", "in"):
            level = max(level, _role(w))
    return level


def _evidence(text: str, seg: _Segment) -> _Evidence:
    """What the words around a candidate say about it."""
    ev = _Evidence(strong=seg.role_before)
    before = text[max(0, seg.start - 90): seg.start]
    after = text[seg.end: seg.end + 100]

    b = before.rstrip()
    tail = b[-24:].lower()
    if tail.endswith(nm.CREDIT_CUES) or (tail.endswith("by") and re.search(r"(?:^|\n)\s*by$", tail)):
        ev.credit = True
    words = b.rsplit(None, 2)
    prev = words[-1] if words else ""
    if b.endswith(","):
        _mark(ev, _clause_role(_CLAUSE_END.split(b[:-1])[-1].split()))
    elif prev:
        pf = _bare(prev)
        if prev[0].islower() and _role(prev):
            _mark(ev, _role(prev))  # "spokesman Dmitry Peskov"
        elif pf in nm.SAYING and re.search(r"[,”\"’]\s*\S+$", b):
            ev.weak = True  # "…,” said Priscilla Hartigan" (not "he said Lumen Forge was…")
        elif pf == "the" or (pf in nm.LOCATIVES and prev[0].islower()):
            ev.soft_veto = True
        elif pf == "of" and len(words) > 1 and _bare(words[-2]) in nm.PLACE_NOUNS:
            ev.soft_veto = True  # "the town of Ashby Cross"

    rest = after
    if rest[:1] and rest[:1] in "’'":
        rest = rest[2:] if rest[1:2] == "s" else rest[1:]
        nxt = rest.split(None, 1)
        if nxt and _bare(nxt[0]) in nm.KIN:
            ev.strong = True  # "Musonda’s coach"
    elif rest.startswith(","):
        clause = _CLAUSE_END.split(rest[1:], maxsplit=1)[0].split()
        first = _bare(clause[0]) if clause else ""
        if first in ("who", "whose", "aged") or first.isdigit():
            ev.strong = True  # ", who..." ", 47,"
        elif first in ("which", "where"):
            ev.soft_veto = True
        elif clause and (first in _ASIDE_OPENERS or _role(clause[0]) or any(
                w.endswith(("’s", "'s")) for w in clause[:3])):
            _mark(ev, max(map(_role, clause[:5])))  # ", a fire ecologist at...", ", Morland’s managing partner"
    else:
        words = rest.split(None, 6)
        nxt = _bare(words[0]) if words else ""
        if rest.lstrip().startswith("/"):
            ev.credit = True  # "Dmitri Lovetsky / AP"
        elif nxt in nm.SAYING:
            ev.weak = not {"it", "its"} & set(words[1:5])  # a firm "said on Tuesday it would..."
        elif words and words[0][0].islower() and (nxt in nm.AFTER_NOUNS or _role(words[0])):
            ev.veto = True  # "Crystal Palace fans", "Kremlin spokesman"
        if fold(rest.lstrip()[:40]).startswith(nm.CONTRIBUTED):
            ev.credit = True
    return ev


def _names(seg: _Segment) -> list[str]:
    return [t for t, k in zip(seg.tokens, seg.kinds) if k in (NAME, MONTH)]


def _rule_out(seg: _Segment, ev: _Evidence) -> None:
    """Set the vetoes that come from the candidate's own words."""
    keys = seg.keys
    names_only = [fold(t) for t in _names(seg)]
    if not names_only:
        ev.veto = True
        return
    if " ".join(keys) in nm.not_people() or names_only[0] in nm.PLACE_PREFIXES:
        ev.veto = True
    elif any(w in nm.ORG_WORDS for w in names_only):
        ev.veto = True
    elif nm.is_demonym(seg.tokens[seg.kinds.index(NAME)] if NAME in seg.kinds else seg.tokens[0]):
        ev.veto = True
    elif any(w in nm.WEAK_ORG_WORDS for w in names_only[1:]):
        ev.soft_veto = True
    elif all(nm.is_common_word(w) and not nm.is_given_name(w) and w not in nm.FAMILY_FIRST for w in names_only):
        ev.veto = True  # only everyday words: "Network Rail", a title-case headline's "Unveils Plan"
    if len(names_only) > 5:
        ev.veto = True  # a title-case headline, not a name


def _first_name_is_given(seg: _Segment) -> bool:
    """Does the candidate open with initials, an East Asian family name, or a given name?

    A given name that is also a common word ("Crystal", "Will") only counts when the rest is not
    made of common words too: "Grace Kelly" yes, "Crystal Palace" and "Will Rates Rise" no.
    """
    if seg.kinds[0] == INITIAL:
        return True  # "J. R. Whitcombe"
    first, *rest = _names(seg)
    if fold(first) in nm.FAMILY_FIRST and rest and not nm.is_common_word(rest[0]):
        return True  # "Zhou Lanfang", "Choi Min-seo"
    if not nm.is_given_name(first):
        return False
    return not (nm.is_common_word(first) and any(nm.is_common_word(w) for w in rest))


def _plain_words(seg: _Segment) -> bool:
    """True when the candidate opens with a common word that is not a given name ("Network Rail")."""
    first = _names(seg)[0]
    return nm.is_common_word(first) and not nm.is_given_name(first)


def _drop_leading_noun(seg: _Segment) -> _Segment:
    """Drop a capitalised noun that opens a sentence before a given name: "Forecaster Luis Camacho".

    Only before two names or more, since "İlker Şahin" looks the same. An agent noun (-er, -or,
    -ist) there is a role, so the name after it is a person's.
    """
    if (seg.kinds[:3] != [NAME, NAME, NAME] or not nm.is_given_name(seg.tokens[1])
            or nm.is_given_name(seg.tokens[0])):
        return seg
    first = fold(seg.tokens[0])
    agent = first.endswith(("er", "or", "ist"))
    if not (agent or nm.is_common_word(first)):
        return seg
    return _Segment(seg.starts[1:], seg.tokens[1:], seg.kinds[1:], seg.role_before or agent)


def _is_full(seg: _Segment) -> bool:
    return seg.name_count >= 2 or (seg.name_count == 1 and INITIAL in seg.kinds[:1])


def extract_people(text: str) -> list[str]:
    """Full names of the persons named in ``text``, each once, in order of first mention.

    Lone surnames and possessives count as mentions of the full name used elsewhere in the
    text; titles and roles are left out; organisations, places and photo credits are not people.
    """
    if not text:
        return []
    candidates: list[_Candidate] = []
    lone: list[_Segment] = []
    caps: list[_Segment] = []
    for seg, is_caps in _segments(text):
        if is_caps:
            caps.append(seg)
        elif _is_full(seg) and _is_full(seg := _drop_leading_noun(seg)):
            ev = _evidence(text, seg)
            _rule_out(seg, ev)
            candidates.append(_Candidate(seg, ev))
        elif seg.name_count == 1:
            lone.append(seg)

    for c in candidates:
        ev = c.ev
        if ev.veto or ev.credit:
            continue
        if ev.strong or (not ev.soft_veto and (_first_name_is_given(c.seg) or (ev.weak and not _plain_words(c.seg)))):
            c.accepted = True
    _accept_by_lone_mentions(text, candidates, lone)
    _accept_by_lists(text, candidates)
    return _resolve(candidates, lone, caps)


def _accept_by_lone_mentions(text: str, candidates: list[_Candidate], lone: list[_Segment]) -> None:
    """Accept a pending name whose surname alone has a title or aside elsewhere ("Mr. Adeyemi")."""
    pending = {}
    for c in candidates:
        if not c.accepted and not c.ev.veto and not c.ev.credit:
            pending.setdefault(c.seg.keys[-1], []).append(c)
    if not pending:
        return
    for seg in lone:
        group = pending.get(seg.keys[-1] if seg.keys else "")
        if group and _evidence(text, seg).strong:
            for c in group:
                c.accepted = True


def _accept_by_lists(text: str, candidates: list[_Candidate]) -> None:
    """Accept a pending name listed next to accepted ones: "Amara Diallo, Tomasz Wrona and Sione Taufa".

    Listed next to an organisation ("Sequoia Heritage and Atlantic Ridge Partners"), a name
    needs a title, role or aside of its own.
    """
    listed = [(a, b) for a, b in zip(candidates, candidates[1:])
              if text[a.seg.end: b.seg.start] in (", ", " and ", ", and ", " or ", ", or ")]
    for a, b in listed:
        if text[a.seg.end: b.seg.start].endswith(("and ", "or ")):  # not ", ": that may be an aside
            for one, other in ((a, b), (b, a)):
                if other.ev.veto and not one.ev.strong:
                    one.accepted = False
    # One pass each way carries acceptance along a whole list, however long.
    for one, other in [(b, a) for a, b in listed] + [(a, b) for a, b in reversed(listed)]:
        if other.accepted and not one.accepted and not (one.ev.veto or one.ev.soft_veto or one.ev.credit):
            one.accepted = True


@dataclass
class _Person:
    name: str
    keys: tuple[str, ...]
    first: int


def _resolve(candidates: list[_Candidate], lone: list[_Segment], caps: list[_Segment]) -> list[str]:
    """Merge variants into people and order them by their first mention of any kind."""
    # Candidates with no sign of their own can still be a mention of an accepted name.
    usable = [(c.seg, c.accepted) for c in candidates if c.accepted or not (c.ev.veto or c.ev.credit)]
    people: list[_Person] = []
    # Every form a longer name can be shortened to: its suffixes ("Montoya Herrera",
    # "Van der Sande") and its first and last name ("Dmitri Sorokin" of "Dmitri A. Sorokin").
    forms: dict[tuple, list[_Person]] = {}
    # Longest forms first, so "Isabel Montoya Herrera" exists before "Montoya Herrera" joins it.
    for seg, accepted in sorted(usable, key=lambda u: (-len(u[0].keys), u[0].start)):
        keys = seg.keys
        owners = forms.get(keys, []) + [p for p in forms.get(("first+last", keys[0], keys[-1]), [])
                                        if len(p.keys) > len(keys)]
        owners = list({id(p): p for p in owners}.values())
        if len(owners) == 1:
            owners[0].first = min(owners[0].first, seg.start)
        elif not owners and accepted:
            person = _Person(seg.text, keys, seg.start)
            people.append(person)
            for i in range(len(keys)):
                forms.setdefault(keys[i:], []).append(person)
            forms.setdefault(("first+last", keys[0], keys[-1]), []).append(person)
    by_word: dict[str, list[_Person]] = {}
    for p in people:
        for word in set(p.keys) - nm.PARTICLES:
            by_word.setdefault(word, []).append(p)
    for seg in lone:
        owners = by_word.get(seg.keys[-1]) if seg.keys else None
        if owners and len(owners) == 1:
            owners[0].first = min(owners[0].first, seg.start)
    for seg in caps:  # "KORSAKOV SACKS GRID CHIEF": a headline can only point at a known name
        for word in (fold(t) for t in seg.tokens):
            owners = by_word.get(word)
            if owners and len(owners) == 1:
                owners[0].first = min(owners[0].first, seg.start)
    return [p.name for p in sorted(people, key=lambda p: p.first)]


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class PeopleScore:
    """Precision, recall and F1 of :func:`extract_people` over a gold set (micro-averaged)."""

    articles: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (article id, name not found)
    false_hits: list[tuple[str, str]] = field(default_factory=list)  # (article id, name wrongly found)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def report(self) -> str:
        """The scores, then every miss and false hit, one a line."""
        lines = [
            f"{self.articles} articles: {self.true_positives} names found right, "
            f"{self.false_positives} false hits, {self.false_negatives} misses",
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}",
        ]
        lines += [f"miss       {rid}: {name}" for rid, name in self.misses]
        lines += [f"false hit  {rid}: {name}" for rid, name in self.false_hits]
        return "\n".join(lines)


def evaluate_people(gold_path: str | Path) -> PeopleScore:
    """Score :func:`extract_people` on a JSON Lines file of ``{"id", "text", "people"}`` records.

    Each article's found names are compared with its gold names as sets. Raises ``ValueError``
    naming the file and line for a record that is not valid JSON or lacks ``text``/``people``.
    """
    score = PeopleScore()
    path = Path(gold_path)
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text, gold = record["text"], record["people"]
                if not isinstance(text, str) or not isinstance(gold, list):
                    raise TypeError("text must be a string and people a list")
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ValueError(f"{path}:{n}: not a gold record with text and people ({e})") from None
            rid = str(record.get("id", n))
            found, gold = set(extract_people(text)), set(map(str, gold))
            score.articles += 1
            score.true_positives += len(found & gold)
            score.false_positives += len(found - gold)
            score.false_negatives += len(gold - found)
            score.misses += [(rid, name) for name in sorted(gold - found)]
            score.false_hits += [(rid, name) for name in sorted(found - gold)]
    return score
