"""Vietnamese text: normalisation, matching, collation, number and date formats, legacy encodings.

Everything here exists because clerks' files and official documents disagree with Python's defaults:
names arrive in NFD from macOS, with old-style tone placement ("Khánh Hoà") or in pre-Unicode
TCVN3/VNI fonts; numbers arrive as "91,43 %"; documents must follow Nghị định 30/2020/NĐ-CP
("ngày 05 tháng 02 năm 2026", "1.234.567,89"); and lists must be sorted as Vietnamese readers
expect (Ă, Â, Đ, Ê, Ô, Ơ, Ư are letters of their own; code-point order is wrong).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, TypeVar

from babel.numbers import format_decimal

T = TypeVar("T")

_LOCALE = "vi"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_HYPHEN = re.compile(r"\s*-\s*")

# Combining marks, by role. Tones are what old/new orthography moves around and what collation
# puts on the secondary level; the others make letters of their own (ă â ê ô ơ ư).
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)  # dictionary order after "no tone"
_TONE_RANK = {mark: rank for rank, mark in enumerate(_TONES, start=1)}


def nfc(text: str) -> str:
    """Unicode NFC: the one form chiso stores, so equal-looking names compare equal."""
    return unicodedata.normalize("NFC", text)


# C0 controls but tab, line feed and carriage return, and the two non-characters: XML 1.0 cannot
# hold them, so neither can a DOCX or an XLSX (lxml and openpyxl refuse the whole file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """``text`` without the invisible control characters no document format can hold.

    Text pasted from other programs may carry them (Word's vertical tab, a stray escape); a
    document or workbook made from it must still be written.
    """
    return _NOT_XML.sub("", text)


def _old_to_new_tones() -> dict[str, str]:
    """Map old-style open syllables (hoà, hoè, thuỷ) to the modern placement (hòa, hòe, thủy)."""
    table = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in _TONES:
            table[nfc(first + second + mark)] = nfc(first + mark + second)
    return table


_OLD_TONES = _old_to_new_tones()
# Only word-final (no coda: "hoàng" is the same in both styles) and not after "q", where "u" belongs
# to the onset and "quý", "quà" are already correct.
_OLD_TONE_RE = re.compile(r"(?<!q)(" + "|".join(_OLD_TONES) + r")(?!\w)")


def fold(text: str) -> str:
    """A key for matching names typed by people: never shown, only compared.

    Case, NFD/NFC, runs of spaces, the dash typed around "Bà Rịa - Vũng Tàu" and the two tone
    placements ("Khánh Hoà"/"Khánh Hòa", "Thuỵ"/"Thụy") must not make the same name look different.
    """
    folded = nfc(nfc(text).casefold())
    folded = _DASHES.sub("-", folded)
    folded = _HYPHEN.sub(" - ", folded)
    folded = " ".join(folded.split())
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(1)], folded)


def strip_diacritics(text: str) -> str:
    """Đồng Đăng -> Dong Dang: only to suggest names typed without diacritics, never stored."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return nfc(bare.replace("đ", "d").replace("Đ", "D"))


# --- numbers ------------------------------------------------------------------------------------


# A float has up to 309 digits before the point; Decimal's default context (28) refuses 1e30.
_DIGITS = 340


def _round_half_up(value: float, decimals: int) -> Decimal:
    """Round as Excel and the ministry's sheets do (half away from zero), not Babel's half-even.

    Going through ``str`` keeps 91.425 as 91.425 instead of its binary neighbour 91.42499…
    """
    if decimals < 0:
        raise ValueError("decimals phải >= 0")
    if not math.isfinite(value):
        raise ValueError(f"{value!r} không phải là số hữu hạn")
    with localcontext(prec=_DIGITS):
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # never print "-0"


def format_number(value: float, decimals: int = 2) -> str:
    """1234567.891 -> "1.234.567,89": dot thousands, comma decimals, fixed places (Babel, "vi")."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with localcontext(prec=_DIGITS):  # Babel quantizes again
        return format_decimal(_round_half_up(value, decimals), format=pattern, locale=_LOCALE)


def format_percent(value: float, decimals: int = 2) -> str:
    """91.43 -> "91,43%": the value is already in percent; no space before "%" (ND30 examples)."""
    return format_number(value, decimals) + "%"


def format_points(value: float) -> str:
    """Score points: 13.0 -> "13", 10.5 -> "10,5", 12.75 -> "12,75" (at most 2 decimals)."""
    with localcontext(prec=_DIGITS):  # Babel quantizes again
        return format_decimal(_round_half_up(value, 2), format="#,##0.##", locale=_LOCALE)


_NUMBER_RE = re.compile(r"[+\-\u2212]?(\d+(?:[.,]\d+)*)")


def _valid_grouping(integer_part: str, sep: str) -> bool:
    groups = integer_part.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_number(text: str) -> float:
    """Read a number as clerks type it: "12,5", "12.5", "1.234,5", "1,234.5", " 91,43 % ".

    With both separators the last one is the decimal separator. A single separator, comma or
    dot, is a decimal separator, because the numbers read here are scores and percentages
    ("12.5" is twelve and a half, not 12 500). A repeated separator is accepted only as
    thousands grouping ("1.234.567"). A trailing "%" is dropped; the value stays in percent.
    """
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    error = ValueError(f"'{text.strip()}' không phải là số")
    match = _NUMBER_RE.fullmatch(cleaned)
    if not match:
        raise error
    body = match.group(1)
    negative = cleaned[0] in "-\u2212"
    seps = [c for c in body if c in ".,"]
    if len(set(seps)) == 2:
        decimal_sep = seps[-1]
        thousands = "," if decimal_sep == "." else "."
        if seps.count(decimal_sep) != 1:
            raise error
        integer_part, fraction = body.split(decimal_sep)
        if not _valid_grouping(integer_part, thousands):
            raise error
        normalised = integer_part.replace(thousands, "") + "." + fraction
    elif len(seps) == 1:
        normalised = body.replace(seps[0], ".")
    elif seps:
        if not _valid_grouping(body, seps[0]):
            raise error
        normalised = body.replace(seps[0], "")
    else:
        normalised = body
    value = float(normalised)
    if not math.isfinite(value):
        raise error
    return -value if negative else value


# --- dates --------------------------------------------------------------------------------------

_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def format_date(d: date) -> str:
    """ND30 long form: "ngày 05 tháng 02 năm 2026", "ngày 29 tháng 5 năm 2026".

    Days below 10 and months 1–2 take a leading zero (so "tháng 1" cannot become "tháng 11"
    by a stroke of the pen); other months do not.
    """
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_date_short(d: date) -> str:
    """Short form in running text, as the seed writes it: "29/5/2026", "5/2/2026" (no zeros).

    The leading-zero rule of ND30 is for the "ngày … tháng … năm" line; the body uses plain numbers.
    """
    return f"{d.day}/{d.month}/{d.year}"


def weekday(d: date) -> str:
    """ "thứ Hai" … "thứ Bảy", "Chủ nhật": lower-case "thứ" as in the seed ("(thứ Sáu)")."""
    return _WEEKDAYS[d.weekday()]


# --- collation ----------------------------------------------------------------------------------

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # f j w z where Latin puts them
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_SPACE, _DIGIT, _LETTER, _OTHER = 1, 10, 100, 1000


def _letter_parts(char: str) -> tuple[str, int]:
    """Split a letter into (base letter with its own diacritics, tone rank)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((_TONE_RANK[c] for c in decomposed if c in _TONE_RANK), 0)
    base = nfc("".join(c for c in decomposed if c not in _TONE_RANK))
    return base, tone


def sort_key(text: str) -> tuple[Any, ...]:
    """Vietnamese dictionary order, written by hand because ICU is not available.

    Three levels, each compared over the whole string before the next: letters (a ă â b … đ …
    ơ … ư …; digits first; one space before any letter so "An Giang" < "Anh"; punctuation
    ignored), then tones (none, huyền, hỏi, ngã, sắc, nặng), then case (lower first). The text
    itself breaks remaining ties so the order is total and stable.
    """
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for char in nfc(text):
        if char.isspace():
            if primary and primary[-1] != _SPACE:
                primary.append(_SPACE)
        elif char.isdigit():
            primary.append(_DIGIT + unicodedata.digit(char, 0))
        elif char.isalpha():
            base, tone = _letter_parts(char)
            lower = base.lower()
            rank = _LETTER_RANK.get(lower)
            primary.append(_LETTER + rank if rank is not None else _OTHER + ord(lower[0]))
            tones.append(tone)
            cases.append(0 if base == lower else 1)
    if primary and primary[-1] == _SPACE:
        primary.pop()
    return tuple(primary), tuple(tones), tuple(cases), text


def sorted_vi(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """Sort strings (or objects, through ``key``) in Vietnamese order; see :func:`sort_key`."""
    if key is None:
        return sorted(items, key=lambda item: sort_key(str(item)))
    return sorted(items, key=lambda item: sort_key(key(item)))


# --- legacy encodings ---------------------------------------------------------------------------
# Text typed before Unicode in TCVN3 (ABC; .VnTime fonts) or VNI (VNI-Times) fonts reaches us
# read as Windows-1252/Latin-1: "L¹ng S¬n" and "Laïng Sôn" both mean "Lạng Sơn".
#
# TCVN3 (TCVN 5712:1993 VN3): one byte per letter. Byte values from the TCVN-5712 table of
# X11's lcUniConv (fcitx/xcb-imdkit, src/xlibi18n/lcUniConv/tcvn.h); the same letters in the same
# order are listed as Latin-1 characters in duydev/vietnamese-conversion (src/charsets.ts) and
# backupvietsoft/HRM (ConvertVNI/XtraForm1.cs); tests check this table against that listing.
# VN3 has no capitals with tones (ABC used separate upper-case fonts, .VnTimeH, on the same
# codes), so only Ă Â Ê Ô Ơ Ư Đ come back as capitals; see _upper_case_runs.
_VI_LOWER = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_TCVN3_LOWER = bytes.fromhex(
    "b5 b8 b6 b7 b9  a8 bb be bc bd c6  a9 c7 ca c8 c9 cb  ae  cc d0 ce cf d1  aa d2 d5 d3 d4 d6"
    " d7 dd d8 dc de  df e3 e1 e2 e4  ab e5 e8 e6 e7 e9  ac ea ed eb ec ee  ef f3 f1 f2 f4"
    " ad f5 f8 f6 f7 f9  fa fd fb fc fe"
)
_VI_CAPS, _TCVN3_CAPS = "ĂÂÊÔƠƯĐ", bytes.fromhex("a1 a2 a3 a4 a5 a6 a7")
_TCVN3 = dict(
    zip((_TCVN3_LOWER + _TCVN3_CAPS).decode("latin-1"), _VI_LOWER + _VI_CAPS, strict=True)
)


def _vni_table() -> dict[str, str]:
    """VNI-Windows: a base letter followed by a mark byte (Latin-1), a few letters in one byte.

    Marks as in lamdao/xvnkb (vni.h) and duydev/vietnamese-conversion (src/charsets.ts): tone
    after a e o u y ơ ư = ù ø û õ ï (sắc huyền hỏi ngã nặng); â ê ô = base + â á à å ã ä;
    ă = a + ê é è ú ü ë; ơ = ô, ư = ö, đ = ñ; i = í ì æ ó ò; ỵ = î. Capitals use the Latin-1
    capitals of the same bytes; a lower-case mark after a capital is accepted too.
    """
    plain, hat, breve = "ùøûõï", "âáàåãä", "êéèúüë"
    order = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
    pairs: dict[str, str] = {"ñ": "đ", "ô": "ơ", "ö": "ư", "î": "ỵ"}
    for code, tone in zip("íìæóò", order, strict=True):
        pairs[code] = nfc("i" + tone)
    for base in "aeouy":
        for mark, tone in zip(plain, order, strict=True):
            if base + tone != "y" + _DOT:
                pairs[base + mark] = nfc(base + tone)
    for base, letter in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in zip(plain, order, strict=True):
            pairs[base + mark] = nfc(letter + tone)
    for base, marks, modifier in (
        ("a", hat, "\u0302"),
        ("e", hat, "\u0302"),
        ("o", hat, "\u0302"),
        ("a", breve, "\u0306"),
    ):
        for mark, tone in zip(marks, ("", *order), strict=True):
            pairs[base + mark] = nfc(base + modifier + tone)
    table: dict[str, str] = {}
    for code, letter in pairs.items():
        table[code] = letter
        table[code.upper()] = letter.upper()
        if len(code) == 2:
            table[code[0].upper() + code[1]] = letter.upper()
    return table


_VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))

_VI_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_FOREIGN = {chr(c) for c in range(0xA1, 0x100)} - _VI_LATIN1
_TOKEN_RE = re.compile(r"[^\s0-9!-/:-@\[-`{-~\u2010-\u206f]+")
# Onsets longest first, then none; nuclei by whether they may, must not or must take a coda.
_ONSETS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu")
_ONSETS += (*"bcdđghklmnprstvx", "")
_NUCLEI_OPEN = frozenset(
    {
        *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ui"),
        *("ưi", "ưu", "ưa", "ua", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu"),
        *("iêu", "yêu", "uya", "uyu"),
    }
)
_NUCLEI_CODA = frozenset((*"aeêioôơuưy", "oa", "oe", "oo", "ôô", "uê", "uơ", "uy"))
_NUCLEI_NEED_CODA = frozenset(("ă", "â", "oă", "uâ", "iê", "yê", "uyê", "uô", "ươ"))
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")


def _is_syllable(word: str) -> bool:
    """Roughly: is ``word`` one Vietnamese syllable (onset, nucleus, coda, at most one tone)?"""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_RANK]
    if len(tones) > 1:
        return False
    bare = nfc("".join(c for c in decomposed if c not in _TONE_RANK))
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset) :]
        for coda in _CODAS:
            if not rest.endswith(coda) or len(rest) == len(coda):
                continue
            nucleus = rest[: len(rest) - len(coda)]
            if coda in ("c", "ch", "p", "t") and not (tones and tones[0] in (_ACUTE, _DOT)):
                continue  # a syllable closed by a stop takes sắc or nặng
            if nucleus in _NUCLEI_CODA or (nucleus in _NUCLEI_NEED_CODA and coda):
                return True
            if nucleus in _NUCLEI_OPEN and not coda:
                return True
    return False


def _plausibility(text: str) -> int:
    """Words with non-ASCII letters that are Vietnamese syllables, minus those that are not.

    Only words with an ASCII letter count, so "3 × 4" or "© 2024" say nothing either way; a
    conversion that merely swaps one foreign-looking word for another gains nothing.
    """
    score = 0
    for token in _TOKEN_RE.findall(text):
        if token.isascii() or not any("a" <= c.lower() <= "z" for c in token):
            continue
        score += 1 if _is_syllable(token) else -1
    return score


def _upper_case_runs(original: str, converted: str) -> str:
    """Restore capitals lost by TCVN3: a word typed in capitals ("TØNH") becomes "TỈNH"."""
    tokens = _TOKEN_RE.finditer(original)
    pieces, last = [], 0
    for match in tokens:
        ascii_letters = [c for c in match.group() if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
            pieces.append(converted[last : match.start()])
            pieces.append(converted[match.start() : match.end()].upper())
            last = match.end()
    pieces.append(converted[last:])
    return "".join(pieces)


def convert_legacy(text: str, encoding: str) -> str:
    """Convert TCVN3 or VNI text (read as Windows-1252/Latin-1) to Unicode NFC."""
    name = encoding.strip().upper()
    if name == "TCVN3":
        converted = "".join(_TCVN3.get(c, c) for c in text)
        return nfc(_upper_case_runs(text, converted))
    if name == "VNI":
        return nfc(_VNI_RE.sub(lambda m: _VNI[m.group()], text))
    raise ValueError(f"Không hỗ trợ bảng mã '{encoding}': chỉ chuyển được TCVN3 và VNI")


def detect_legacy_encoding(text: str) -> str | None:
    """Say whether ``text`` looks like TCVN3 or VNI read as Latin-1; None if it looks ordinary.

    Ordinary Unicode Vietnamese (any letter beyond Latin-1), English, numbers and names with
    Latin accents give None. Otherwise each conversion is tried and kept only if it turns at
    least two more words into Vietnamese syllables than the text as it stands; on a tie TCVN3,
    the common encoding in government offices, wins.
    """
    if any(ord(c) > 0xFF and c.isalpha() for c in text):
        return None
    if not any(c in _FOREIGN for c in text):
        return None
    base = _plausibility(text)
    best, best_score = None, base + 1
    for encoding in ("TCVN3", "VNI"):
        score = _plausibility(convert_legacy(text, encoding))
        if score > best_score:
            best, best_score = encoding, score
    return best
