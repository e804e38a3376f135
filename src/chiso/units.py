"""Registry of administrative units: provinces (63 before, 34 after 01/7/2025), Lạng Sơn's agencies
and communes.

Results are ranked among the provinces that existed for the year being scored: 63 up to the 2024
results, 34 from the 2025 results (Nghị quyết 202/2025/QH15, in force 01/7/2025). Province names
come from ministry spreadsheets typed by people, so lookup forgives case, NFD, prefixes ("tỉnh",
"TP."), dashes and old tone placement, but never silently maps a pre-merger name onto a 2025
province: a 2025 table that says "Bắc Giang" is wrong and the clerk should know.

Codes are the official province codes (mã đơn vị hành chính). A 2025 province keeps the code of the
old province that holds its administrative centre (so the new Lào Cai is 15, Yên Bái's code).

Regions: the six socio-economic regions. No official regional grouping of the 34 provinces was
found, so chiso's convention is that a 2025 province belongs to the region of the old province
holding its administrative centre (the new Bắc Ninh, centred in Bắc Giang, is in "Trung du và
miền núi phía Bắc"; the new Gia Lai, centred in Bình Định, in "Bắc Trung Bộ và duyên hải miền
Trung"). The data files are CSV under ``chiso/data/units``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from chiso import vi
from chiso.errors import NotFound

MERGER_YEAR = 2025  # first year of results ranked among 34 provinces
MERGER_DATE = "01/7/2025"

REGIONS: tuple[str, ...] = (
    "Trung du và miền núi phía Bắc",
    "Đồng bằng sông Hồng",
    "Bắc Trung Bộ và duyên hải miền Trung",
    "Tây Nguyên",
    "Đông Nam Bộ",
    "Đồng bằng sông Cửu Long",
)
_REGION_ABBREVIATIONS = {
    "tdmnpb": REGIONS[0],
    "đbsh": REGIONS[1],
    "btb&dhmt": REGIONS[2],
    "btbdhmt": REGIONS[2],
    "tn": REGIONS[3],
    "đnb": REGIONS[4],
    "đbscl": REGIONS[5],
}

# Other spellings found in ministry and press tables, keyed by match key (see _match_key).
_ALIASES_63 = {
    "huế": "Thừa Thiên Huế",  # the 2024 results were published after it became thành phố Huế
    "hcm": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "bắc cạn": "Bắc Kạn",
    "đăk lăk": "Đắk Lắk",
    "đăk nông": "Đắk Nông",
}
_ALIASES_34 = {
    "hcm": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "đăk lăk": "Đắk Lắk",
}
_PREFIX = re.compile(r"^(?:tỉnh|thành phố|t\.\s*p\.?|tp\.?)\s*")


@dataclass(frozen=True)
class Province:
    """A province-level unit as it stood for a ranking year.

    ``formed_from`` lists the 63-era provinces a 2025 province was made of (itself included);
    ``merged_into`` names the 2025 province a 63-era province became. Each is empty on the
    other kind.
    """

    code: str
    name: str
    kind: str  # "tỉnh" or "thành phố"
    region: str
    formed_from: tuple[str, ...] = ()
    merged_into: str | None = None

    @property
    def full_name(self) -> str:
        """ "tỉnh Lạng Sơn", "thành phố Hà Nội": ND30 writes the generic noun in lower case."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Commune:
    """A commune-level unit of Lạng Sơn (xã or phường) after the 2025 reorganisation.

    ``name`` carries the generic noun in lower case ("xã Đoàn Kết"), ready for running text.
    """

    code: str
    name: str
    division_type: str  # "xã" or "phường"

    @property
    def proper_name(self) -> str:
        """The name without its generic noun: "Đoàn Kết"."""
        return self.name[len(self.division_type) + 1 :]


@dataclass(frozen=True)
class Agency:
    """A body whose work the indices score: a department, office, centre, or a commune's UBND."""

    code: str
    name: str
    kind: str  # department | office | center | post | police | board | inspectorate | commune
    short_name: str
    note: str = ""


def _rows(filename: str) -> list[dict[str, str]]:
    text = (resources.files("chiso") / "data" / "units" / filename).read_text(encoding="utf-8")
    return [
        {k: vi.nfc(v.strip()) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))
    ]


@cache
def _provinces_63() -> tuple[Province, ...]:
    rows = _rows("provinces_63.csv")
    items = (
        Province(r["code"], r["name"], r["kind"], r["region"], (), r["merged_into"]) for r in rows
    )
    return tuple(vi.sorted_vi(items, key=lambda p: p.name))


@cache
def _provinces_34() -> tuple[Province, ...]:
    rows = _rows("provinces_34.csv")
    items = (
        Province(r["code"], r["name"], r["kind"], r["region"], tuple(r["formed_from"].split(";")))
        for r in rows
    )
    return tuple(vi.sorted_vi(items, key=lambda p: p.name))


def provinces(year: int) -> tuple[Province, ...]:
    """The provinces ranked in the results of ``year``: 63 up to 2024, 34 from 2025."""
    return _provinces_34() if year >= MERGER_YEAR else _provinces_63()


def _match_key(name: str) -> str:
    """Reduce a typed province name to what identifies it (see :func:`chiso.vi.fold`)."""
    key = _PREFIX.sub("", vi.fold(name))
    return " ".join(key.replace("-", " ").split())


@cache
def _index(year_is_merged: bool) -> dict[str, Province]:
    items = _provinces_34() if year_is_merged else _provinces_63()
    index = {_match_key(p.name): p for p in items}
    by_name = {p.name: p for p in items}
    aliases = _ALIASES_34 if year_is_merged else _ALIASES_63
    index.update({alias: by_name[name] for alias, name in aliases.items()})
    return index


def _suggest(key: str, index: dict[str, Province]) -> list[Province]:
    bare = vi.strip_diacritics(key)
    found = {p.name: p for k, p in index.items() if vi.strip_diacritics(k) == bare}
    return list(found.values())


def find_province(name: str, year: int) -> Province:
    """The province called ``name`` in the results of ``year``.

    Raises NotFound in Vietnamese, suggesting the name with diacritics when it was typed without
    them, and explaining the merger when a 63-era name is used for 2025 or later.
    """
    merged = year >= MERGER_YEAR
    index = _index(merged)
    key = _match_key(name)
    if key in index:
        return index[key]
    count = len(provinces(year))
    shown = vi.nfc(name.strip())
    if merged:
        old = _index(False).get(key)
        if old is not None:
            raise NotFound(_merged_message(shown, old, year), code="province_merged")
    message = f"Không tìm thấy tỉnh '{shown}' trong danh sách {count} tỉnh, thành phố năm {year}."
    suggestions = _suggest(key, index)
    if suggestions:
        names = " hoặc ".join(f"'{p.name}'" for p in suggestions)
        message += f" Có phải {names}?"
    elif merged:
        old_matches = _suggest(key, _index(False))
        if old_matches:
            old = old_matches[0]
            clause = _merger_clause(old)
            message += f" Có phải '{old.name}'? {clause[0].upper()}{clause[1:]}."
    raise NotFound(message)


def _merger_clause(old: Province) -> str:
    """What became of a 63-era province, as a clause: "tỉnh Bắc Giang đã hợp nhất vào …"."""
    new = next(p for p in _provinces_34() if p.name == old.merged_into)
    if new.formed_from == (old.name,):
        # Thừa Thiên Huế became thành phố Huế on 01/01/2025, before the merger: no merger date.
        return f"{old.full_name} nay là {new.full_name}"
    return f"{old.full_name} đã hợp nhất vào {new.full_name} từ ngày {MERGER_DATE}"


def _merged_message(shown: str, old: Province, year: int) -> str:
    return (
        f"'{shown}' không có trong danh sách 34 tỉnh, thành phố năm {year}: {_merger_clause(old)}."
    )


def successor(name: str) -> Province:
    """The 2025 province that a 63-era province (by its old name) became part of."""
    old = find_province(name, MERGER_YEAR - 1)
    return next(p for p in _provinces_34() if p.name == old.merged_into)


def region_of(name: str) -> str:
    """The canonical name of a region typed loosely ("Trung du miền núi phía Bắc", "ĐBSCL")."""

    def key(text: str) -> str:
        return " ".join(w for w in vi.fold(text).split() if w != "và")

    wanted = key(name)
    for region in REGIONS:
        if key(region) == wanted:
            return region
    if wanted.replace(" ", "") in _REGION_ABBREVIATIONS:
        return _REGION_ABBREVIATIONS[wanted.replace(" ", "")]
    raise NotFound(f"Không có vùng kinh tế - xã hội '{name.strip()}'.")


@cache
def communes() -> tuple[Commune, ...]:
    """Lạng Sơn's 65 communes and wards (from 01/7/2025), in Vietnamese order of their names."""
    items = []
    for row in _rows("communes_lang_son_2025.csv"):
        division = row["division_type"]
        name = row["name"]
        if vi.fold(name).startswith(division + " "):
            name = name[len(division) + 1 :]
        items.append(Commune(row["code"], f"{division} {name}", division))
    return tuple(vi.sorted_vi(items, key=lambda c: c.name))


@cache
def agencies() -> tuple[Agency, ...]:
    """Provincial agencies (file order) followed by one UBND per commune (code ``XA-<code>``)."""
    provincial = [
        Agency(r["code"], r["name"], r["kind"], r["short_name"], r["note"])
        for r in _rows("agencies_lang_son.csv")
    ]
    local = [Agency(f"XA-{c.code}", f"UBND {c.name}", "commune", c.name) for c in communes()]
    return tuple(provincial + local)


def find_agency(code: str) -> Agency:
    """The agency with ``code`` (case and surrounding spaces ignored)."""
    wanted = code.strip().upper()
    for agency in agencies():
        if agency.code == wanted:
            return agency
    raise NotFound(f"Không tìm thấy cơ quan, đơn vị có mã '{code.strip()}'.")
