"""Name knowledge for the people stage: given names, and the words that surround names in news.

The given-names list is data (``data/given_names.txt``, built by ``scripts/build_names.py`` from
openly licensed packages, licence notice alongside); the word lists below are ours. Every word is
stored *folded* (see :func:`fold`), the form the extractor looks words up by.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

# Letters NFKD does not take apart.
_UNDECOMPOSED = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th",
    "Þ": "th", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "’": "'", "‘": "'",
})


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lowercase, accents removed, one kind of apostrophe: ``"Łukasz" -> "lukasz"``, ``"O’Neill" -> "o'neill"``."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _read_list(filename: str, *, folded: bool = True) -> frozenset[str]:
    """The entries of a shipped list in searchkit/data (one a line, ``#`` comments).

    The built lists are stored folded already; ``folded=False`` folds hand-written ones.
    """
    text = resources.files("searchkit").joinpath("data", filename).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(line if folded else fold(" ".join(line.split())) for line in lines if line)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names of many origins (built by scripts/build_names.py), read once."""
    return _read_list("given_names.txt")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words (built by scripts/build_names.py), read once."""
    return _read_list("common_words.txt")


@lru_cache(maxsize=1)
def not_people() -> frozenset[str]:
    """Well-known firms, teams, indexes and places that read like a person's name (folded phrases)."""
    return _read_list("not_people.txt", folded=False)


def is_common_word(word: str) -> bool:
    """True if ``word`` is a common English word in lowercase ("Palace", "Morning", "Will")."""
    return fold(word) in common_words()


def is_given_name(word: str) -> bool:
    """True if ``word`` (any case, accents or not) is in the given-names list; ``Jean-Luc`` counts by its parts."""
    f = fold(word)
    names = given_names()
    return f in names or ("-" in f and f.split("-", 1)[0] in names)


# Common Chinese, Korean and Vietnamese family names, which come first: "Zhou Lanfang",
# "Choi Min-seo", "Nguyen Thi Lan". Before a given name they mark a person as a given name does.
FAMILY_FIRST = _words("""
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo lin gao luo zheng liang xie
    tang feng deng cao peng zeng xiao tian dong pan yuan cai jiang du ye cheng wei su lu ding ren
    shen yao xi fang jin qian tan shi mao qin meng bai qiu xiong jia hou lei long duan hao kong shao
    wan qian yin lai gong wen
    kim lee park choi jung jeong kang cho yoon jang lim han oh seo shin kwon hwang ahn song yoo hong
    jeon ko moon son bae baek heo nam sim noh ha kwak sung cha joo woo min ryu na jin ji eom chae won
    chun bang
    nguyen tran le pham hoang huynh phan vu vo dang bui ngo duong ly trinh dinh
""")

# Titles and roles: before a name they mark it as a person's ("Foreign Minister Sergei Lavrov",
# "spokesman Dmitry Peskov", "its founder, Guo Tianming"); they are never part of the name.
ROLES = _words("""
    mr mrs ms mx miss dr prof professor sir dame lord lady sheikh sheikha emir sultan king queen
    prince princess pope cardinal archbishop bishop rev reverend father imam rabbi ayatollah pastor
    gen general lt lieutenant col colonel maj major capt captain cmdr commander adm admiral sgt
    sergeant cpl corporal officer detective det inspector insp constable supt superintendent
    sen senator rep representative congressman congresswoman gov governor mayor president pres
    chancellor minister premier secretary ambassador amb envoy commissioner judge justice magistrate
    prosecutor attorney lawyer barrister solicitor chief chairman chairwoman chair chairperson director
    ceo cfo coo cto executive manager coach striker midfielder defender goalkeeper keeper winger
    forward substitute captain skipper spokesman spokeswoman spokesperson deputy vice head leader
    founder co-founder owner partner analyst economist strategist adviser advisor consultant
    researcher scientist professor lecturer doctor nurse surgeon physician teacher headteacher
    headmaster principal engineer architect farmer fisherman worker resident student pupil colleague
    rival compatriot teammate brother sister wife husband son daughter mother father widow widower
    neighbour neighbor friend champion rider runner player candidate challenger incumbent
    mediator negotiator official officials boss entrepreneur billionaire businessman businesswoman
    trader banker investor reporter journalist editor columnist photographer correspondent presenter
    anchor commentator singer drummer guitarist bassist pianist violinist soprano tenor baritone
    conductor composer actor actress author writer novelist poet artist painter sculptor designer
    producer filmmaker chef owner landlord tenant councillor councilor alderman lawmaker legislator
    politician diplomat spy soldier pilot astronaut driver cyclist swimmer sprinter boxer golfer
    batsman bowler jockey trainer referee umpire veteran volunteer victim survivor witness suspect
    defendant plaintiff accused prisoner inmate patient donor activist campaigner organiser organizer
    protester leader chairs heads member secretary-general dean provost rector chancellor vice-chancellor
    ecologist virologist epidemiologist historian mathematician physicist chemist biologist economist
    technician electrician mechanic plumber carpenter beekeeper shopkeeper baker butcher grocer
    teacher tutor coach manager supervisor superintendent inspector investigator auditor accountant
    clerk registrar treasurer trustee governor steward administrator forecaster meteorologist
    curator conservator archivist librarian harbourmaster harbormaster coastguard firefighter
    paramedic midwife pharmacist dentist vet veterinarian psychologist psychiatrist therapist
    qualifier seed rookie newcomer debutant finalist semifinalist quarterback pitcher catcher
    shortstop outfielder infielder guard centre-back full-back fly-half scrum-half flanker playmaker
    all-rounder wicketkeeper batter caddie jockey outfielder point-guard
""")

# Roles that firms hold too ("the mine's owner, Highveld Precious Metals"): weak evidence only.
SHARED_ROLES = _words("""
    owner owners partner partners member members rival rivals investor investors buyer seller
    supplier sponsor landlord tenant operator parent winner winners champion champions leader
    successor predecessor client customer shareholder
""")

# After a possessive, words only people have: "Musonda’s coach", "Domashenko’s lawyer".
KIN = _words("""
    wife husband son daughter mother father brother sister widow widower family parents children
    lawyer attorney coach agent girlfriend boyfriend fiance fiancee grandson granddaughter nephew niece
""")

# "the town of Ashby Cross": a phrase after these is a place.
PLACE_NOUNS = _words("""
    town city village region province county state island port district suburb republic kingdom
    borough parish municipality commune hamlet neighbourhood neighborhood capital
""")

# Words that tell a story how someone spoke: "Peskov added", "said Priscilla Hartigan".
SAYING = _words("""
    said says told added noted wrote argued warned explained insisted claimed stated asked replied
    recalled announced admitted acknowledged conceded declared stressed urged cautioned predicted
    complained commented remarked vowed promised tweeted posted confirmed suggested believes thinks
    agreed denied countered responded continued concluded estimated observed testified pleaded
    answered shouted whispered joked laughed
""")

# Capitalised words that start sentences or clauses and are never part of a name.
STOPWORDS = _words("""
    the a an this that these those it its he she they we i you his her their our my your him them
    on in at by for from to with without after before during since until as and but or nor if when
    while where why how what who whom whose which although though despite meanwhile however
    nevertheless nonetheless also still yet so then now today tonight yesterday tomorrow last next
    every each all some many most more few both either neither no not only even just asked speaking
    according under over between among against about around through across ahead along inside
    outside near here there once twice earlier later instead otherwise overall similarly separately
    elsewhere besides indeed perhaps maybe yes please thanks dear among via per unlike like
    whether because unless upon within toward towards beyond above below following including
    monday tuesday wednesday thursday friday saturday sunday january february march july september
    october november december feb mar apr jun jul aug sep sept oct nov dec
    christmas easter ramadan eid diwali hanukkah passover halloween thanksgiving
    mon tue tues wed thu thur thurs fri sat
""")

# Dates that are also names ("June Ashworth", "Jan Verbruggen", "Sun Yang"): a name only when a
# name follows them.
NAME_MONTHS = _words("april may june august jan sun")

# Lowercase particles inside a name ("Lotte van der Sande", "Mohammed bin Salman").
PARTICLES = _words("""
    van von der den de del della degli di da das dos do du des la le lo ter ten te zu zum bin bint ibn ben
    al el y e af av op
""")

# First words of places and named events: "San Francisco", "Port Elizabeth", "Storm Elske".
PLACE_PREFIXES = _words("""
    san santa santo sao são st st. saint sainte ste fort port mount mt lake loch cape isle los las el
    new north south east west northern southern eastern western central upper lower great greater
    little old grand rue via avenida storm hurricane typhoon cyclone tropical operation
""")

# Words that make a capitalised phrase an organisation, a place or an event: "Crystal Palace",
# "Helix Dynamics", "Quay Street", "Estavian Cup". Never surnames in practice.
ORG_WORDS = _words("""
    inc ltd llc plc corp corporation company co group holdings partners securities capital
    markets management consulting research industries technologies technology systems electronics
    energy oil gas pharma pharmaceuticals therapeutics biotech labs laboratories media studios records
    properties estates trading textiles logistics shipping ports rail railway railways automotive motors
    airlines airways air aviation insurance finance financial bancorp bank banks credit asset wealth
    investments ventures global international national federal regional royal united dynamics
    authority agency commission committee council ministry department office bureau service services
    party alliance list front movement democrats republicans socialists conservatives greens
    union association federation confederation society institute institution foundation trust fund
    university college school academy hospital clinic centre center museum gallery library theatre
    theater opera orchestra choir band ensemble quartet club athletic athletics rovers rangers
    wanderers albion hotspur city town county stadium arena palace castle tower cathedral church
    mosque temple chapel abbey street road avenue lane boulevard square plaza row close drive crescent
    gate bridge airport station harbour harbor port quay pier marina market bazaar mall
    river valley hills mountains highlands islands island isle bay coast sea ocean gulf strait canal
    falls desert forest province region state republic kingdom empire peninsula district quarter estate
    metals mining minerals resources steel chemicals foods brands stores retail solutions networks
    communications telecom software robotics semiconductors materials products works engineering
    construction developments realty apparel cosmetics hotels resorts entertainment publishing press
    healthcare medical diagnostics sciences analytics digital interactive payments heritage
    terminal maritime marine container cargo freight transit transport transportation metro
    causeway highway motorway expressway tunnel dam pipeline refinery mine mill depot shipyard dock
    docks wharf
    cup league championship championships division open prize award awards trophy marathon festival
    games olympics tour rally series summit conference forum parliament assembly senate congress
    times post herald review news journal observer ledger courier gazette tribune telegraph chronicle
    index average composite exchange
    army navy corps force forces police guard
""")

# Organisation or place words that are also surnames ("Park", "Hall", "Price"): they count
# against a name only when nothing else marks the phrase as a person.
WEAK_ORG_WORDS = _words("""
    park hall hill field fields house court lake ford gates wood marsh villa end holland power
    east west north south
""")

# Nouns that, straight after a capitalised phrase, make it a modifier rather than a person:
# "Charles de Gaulle airport", "Crystal Palace fans".
AFTER_NOUNS = _words("""
    airport stadium bridge street avenue square university hospital prize award trophy cup
    foundation centre center building hall park bay river school college institute station museum
    fans supporters shares stock stocks index shareholders board headquarters plant factory
    quarter district neighbourhood neighborhood region province area estate campus branch unit
    group team squad club party government administration campaign era style model brand
""")

# Words ending a hyphenated adjective made from a name: "Velgrad-based", "Morland-owned".
ADJECTIVE_ENDINGS = _words("""
    based born led backed owned run made style era like linked bound controlled funded listed
    registered headquartered era year old wide free type class friendly related focused speaking
    built designed inspired themed dominated held allied aligned affiliated sponsored supported
""")

# Nationalities and other adjectives of place that end in none of -ian/-ean/-ese.
DEMONYMS = _words("""
    british irish scottish welsh english french dutch polish spanish danish swedish finnish turkish
    greek thai swiss german czech slovak croat serb arab arabic saudi iraqi israeli pakistani
    bangladeshi afghan filipino kuwaiti qatari emirati omani yemeni somali sudanese chinese japanese
    vietnamese lebanese congolese senegalese portuguese maltese nepali iraqi iranian uzbek kazakh
    tajik kyrgyz turkmen latin nordic european african asian american
""")

# Words before a name that introduce a credit, not a person in the story.
CREDIT_CUES = ("reporting by", "writing by", "editing by", "edited by", "photo by", "photos by",
               "photograph by", "photography by", "photo:", "photograph:", "photos:", "credit:",
               "graphics by", "illustration by", "compiled by", "produced by", "video by", "image:")

# A name followed by these contributed to the report; it is not in the story.
CONTRIBUTED = ("contributed reporting", "contributed to this report", "contributed to this story",
               "contributed additional reporting")

NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")

# Lowercase words before a place: a phrase after them needs a title or role to be a person.
LOCATIVES = _words("at in near inside outside across into towards toward")


def is_demonym(word: str) -> bool:
    """True for nationality adjectives: listed ones, and words ending -ian/-ean/-ese that are not given names."""
    f = fold(word)
    return f in DEMONYMS or (f.endswith(("ian", "ean", "ese")) and len(f) > 5 and not is_given_name(word))
