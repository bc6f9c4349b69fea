"""Write Reuters-21578-style SGML files of invented records, for tests and benchmarks at the corpus's scale."""

from __future__ import annotations

from pathlib import Path

_PLACES = ["estavia", "northmark", "velgrad", "usa", "uk", "japan"]
_TOPICS = ["grain", "crude", "money-fx", "trade", "interest", "ship", "sugar", "coffee"]
_PEOPLE = ["james-baker", "de-larosiere", "ilse-marr", "o'connell", "tomas-ruiz"]
_GOODS = ["wheat", "crude oil", "sugar", "coffee", "tin", "copper", "soybeans", "cocoa"]
_CITIES = ["VELGRAD", "HARROWMOUTH", "VALCOR", "NORTHMARK", "WASHINGTON", "TOKYO"]


def record(newid: int) -> str:
    """One invented record in the corpus's layout; every 20th is a BRIEF with a title only."""
    good, city = _GOODS[newid % len(_GOODS)], _CITIES[newid % len(_CITIES)]
    day, month = newid % 28 + 1, ["FEB", "MAR", "APR"][newid % 3]
    d = "".join(f"<D>{x}</D>" for x in (_TOPICS[newid % 8], _TOPICS[(newid * 3) % 8])[: newid % 3])
    head = (
        f'<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="{newid + 5000}" NEWID="{newid}">\n'
        f"<DATE>{day:2d}-{month}-1987 {newid % 24:02d}:{newid % 60:02d}:01.{newid % 100:02d}</DATE>\n"
        f"<TOPICS>{d}</TOPICS>\n<PLACES><D>{_PLACES[newid % 6]}</D></PLACES>\n"
        f"<PEOPLE><D>{_PEOPLE[newid % 5]}</D></PEOPLE>\n<ORGS></ORGS>\n<EXCHANGES></EXCHANGES>\n<COMPANIES></COMPANIES>\n"
        f"<UNKNOWN> \n&#5;&#5;&#5;C\n&#22;&#22;&#1;f{newid % 9999:04d}&#31;reute\nu f BC-{good.upper()}   03-02 0100</UNKNOWN>\n"
    )
    if newid % 20 == 0:
        return head + f'<TEXT TYPE="BRIEF">&#2;\n******<TITLE>{city} {good.upper()} NOTE {newid}</TITLE>\nBlah blah blah.\n&#3;\n\n</TEXT>\n</REUTERS>\n'
    body = (
        f"Traders in {city.title()} said {good} prices rose {newid % 9 + 1} pct in\n"
        f"the week to Friday on demand from &lt;Harrow Mills Inc> and other\nbuyers, record {newid}.\n"
        f"    Officials said stocks of {good} would last until the next\nharvest, and that exports would resume "
        f"within {newid % 5 + 2} weeks.\n    The ministry gave no figures.\n Reuter\n&#3;"
    )
    return head + (
        f"<TEXT>&#2;\n<TITLE>{city} {good.upper()} PRICES UP IN WEEK {newid}</TITLE>\n"
        f"<DATELINE>    {city}, {month.title()} {day} - </DATELINE><BODY>{body}</BODY></TEXT>\n</REUTERS>\n"
    )


def write_corpus(folder: Path, records: int = 21578, per_file: int = 1000) -> list[Path]:
    """Write ``records`` records into reut2-000.sgm, reut2-001.sgm, ... (latin-1, like the real files)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, start in enumerate(range(1, records + 1, per_file)):
        path = folder / f"reut2-{n:03d}.sgm"
        text = '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(record(i) for i in range(start, min(start + per_file, records + 1)))
        path.write_bytes(text.encode("latin-1"))
        paths.append(path)
    return paths
