"""Tests for chiso.vi: the Vietnamese text rules every importer and document relies on."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso import vi


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- normalisation and matching ---------------------------------------------------------------


def test_nfc_composes_decomposed_input():
    assert vi.nfc(nfd("Lạng Sơn")) == "Lạng Sơn"
    assert len(vi.nfc(nfd("ệ"))) == 1


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Khánh Hoà", "khánh hòa"),
        ("Thanh Hoá", "thanh hóa"),
        ("Hoà Bình", "hòa bình"),
        ("hoả", "hỏa"),
        ("hoã", "hõa"),
        ("hoạ", "họa"),
        ("khoẻ", "khỏe"),
        ("Thuỵ", "thụy"),
        ("thuỷ", "thủy"),
        ("Uỷ ban", "ủy ban"),
        ("  Lạng   Sơn ", "lạng sơn"),
        ("Bà Rịa-Vũng Tàu", "bà rịa - vũng tàu"),
        ("Bà Rịa – Vũng Tàu", "bà rịa - vũng tàu"),
        ("Bà Rịa  -  Vũng Tàu", "bà rịa - vũng tàu"),
    ],
)
def test_fold(typed, folded):
    assert vi.fold(typed) == folded
    assert vi.fold(nfd(typed)) == folded


@pytest.mark.parametrize("word", ["hoàng", "quý", "quà", "Quỳ", "thoại", "khuya", "hòa"])
def test_fold_leaves_syllables_that_are_the_same_in_both_styles(word):
    assert vi.fold(word) == word.lower()


def test_fold_makes_old_and_new_tone_placement_equal():
    assert vi.fold("Ủy ban nhân dân tỉnh Khánh Hòa") == vi.fold("UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ")


@given(st.text())
def test_fold_is_idempotent(text):
    assert vi.fold(vi.fold(text)) == vi.fold(text)


def test_strip_diacritics():
    assert vi.strip_diacritics("Đồng Đăng") == "Dong Dang"
    assert (
        vi.strip_diacritics(nfd("Ủy ban nhân dân tỉnh Lạng Sơn")) == "Uy ban nhan dan tinh Lang Son"
    )


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234567.891, 2, "1.234.567,89"),
        (1234567, 0, "1.234.567"),
        (91.43, 2, "91,43"),
        (91.425, 2, "91,43"),  # half up, as Excel rounds; Babel alone would give 91,42
        (0.5, 0, "1"),
        (-1234.5, 1, "-1.234,5"),
        (-0.001, 2, "0,00"),
        (13, 2, "13,00"),
    ],
)
def test_format_number(value, decimals, text):
    assert vi.format_number(value, decimals) == text


def test_format_number_rejects_nan():
    with pytest.raises(ValueError):
        vi.format_number(float("nan"))


def test_format_percent():
    assert vi.format_percent(91.43) == "91,43%"
    assert vi.format_percent(87.1, 1) == "87,1%"
    assert vi.format_percent(100, 0) == "100%"


@pytest.mark.parametrize(
    ("value", "text"),
    [(13.0, "13"), (10.5, "10,5"), (12.75, "12,75"), (-0.25, "-0,25"), (0.0, "0"), (2.999, "3")],
)
def test_format_points(value, text):
    assert vi.format_points(value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 91,43 % ", 91.43),
        ("91,43%", 91.43),
        ("\u00a091,43\u00a0", 91.43),
        ("1.234.567", 1234567),
        ("1.234.567,89", 1234567.89),
        ("-0,25", -0.25),
        ("\u22120,25", -0.25),
        ("100", 100),
        ("1.234", 1.234),  # a single separator is decimal: scores are small numbers
    ],
)
def test_parse_number(text, value):
    assert vi.parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    ["abc", "", "   ", "12,5,3", "1.2.3", "1,23.4", "1.234,5.6", "nan", "inf", "1e5", "12 5"],
)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError, match="không phải là số"):
        vi.parse_number(text)


def test_parse_number_message_quotes_the_input():
    with pytest.raises(ValueError, match="'abc' không phải là số"):
        vi.parse_number("abc")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_formatted_numbers_parse_back(value):
    text = vi.format_number(value, 2)
    # Half-up rounding (as Excel): 0.995 prints "1,00", within half a hundredth of the value.
    assert vi.parse_number(text) == pytest.approx(value, abs=0.005 + 1e-9 * max(1, abs(value)))


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026", "5/2/2026"),
        (date(2026, 5, 29), "ngày 29 tháng 5 năm 2026", "29/5/2026"),
        (date(2026, 1, 10), "ngày 10 tháng 01 năm 2026", "10/1/2026"),
        (date(2026, 12, 1), "ngày 01 tháng 12 năm 2026", "1/12/2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026", "9/3/2026"),
    ],
)
def test_dates(d, long, short):
    assert vi.format_date(d) == long
    assert vi.format_date_short(d) == short


def test_weekday():
    assert vi.weekday(date(2026, 5, 29)) == "thứ Sáu"  # the seed's conference day
    week = [vi.weekday(date(2026, 5, day)) for day in range(25, 32)]
    assert week == ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


# --- collation --------------------------------------------------------------------------------


def test_letters_with_diacritics_are_letters_of_their_own():
    names = ["Ưu", "Uy", "Đà Nẵng", "Dương", "Ê", "Ơ", "Ô", "O", "Âu", "Ăn", "An"]
    expected = ["An", "Ăn", "Âu", "Dương", "Đà Nẵng", "Ê", "O", "Ô", "Ơ", "Uy", "Ưu"]
    assert vi.sorted_vi(names) == expected
    assert sorted(names) != expected  # code-point order gets this wrong


def test_breve_is_a_letter_not_a_tone():
    # "Bạc" is b-a-c with a tone, "Bắc" is b-ă-c: they differ at the first level, a < ă.
    names = ["Bắc Ninh", "Bắc Kạn", "Bạc Liêu", "Bắc Giang"]
    assert vi.sorted_vi(names) == ["Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh"]


def test_tones_are_secondary_in_dictionary_order():
    assert vi.sorted_vi(["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"]) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bá",
        "Bạ",
    ]
    assert vi.sorted_vi(["Lạng", "Láng", "Lang"]) == ["Lang", "Láng", "Lạng"]


def test_tones_only_decide_when_all_letters_are_equal():
    assert vi.sorted_vi(["Ba Vì", "Bà Rịa"]) == ["Bà Rịa", "Ba Vì"]
    assert vi.sorted_vi(["Ba Y", "Bà X"]) == ["Bà X", "Ba Y"]


def test_case_is_tertiary_lower_first():
    assert vi.sorted_vi(["Ba", "ba", "bà"]) == ["ba", "Ba", "bà"]


def test_space_digits_and_punctuation():
    assert vi.sorted_vi(["Anh", "An Giang"]) == ["An Giang", "Anh"]
    assert vi.sorted_vi(["xã 2", "xã A", "xã 10"]) == ["xã 10", "xã 2", "xã A"]
    assert vi.sort_key("Bà Rịa - Vũng Tàu")[:3] == vi.sort_key("Bà Rịa Vũng Tàu")[:3]


def test_foreign_letters_sit_where_latin_puts_them():
    assert vi.sorted_vi(["gia", "fax", "em", "êm"]) == ["em", "êm", "fax", "gia"]
    assert vi.sorted_vi(["zeta", "yên", "web", "vân"]) == ["vân", "web", "yên", "zeta"]


def test_sorted_vi_with_key():
    rows = [("Đồng Tháp", 2), ("Điện Biên", 1), ("Cao Bằng", 3)]
    assert vi.sorted_vi(rows, key=lambda r: r[0]) == [
        ("Cao Bằng", 3),
        ("Điện Biên", 1),
        ("Đồng Tháp", 2),
    ]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằắẳẵặ ABĐ", max_size=12))
def test_sort_key_ignores_normalisation_form(text):
    assert vi.sort_key(text)[:3] == vi.sort_key(nfd(text))[:3]


# --- legacy encodings -------------------------------------------------------------------------

# The 67 lower-case letters with diacritics and the 7 TCVN3 capitals, in the order of the
# published listing below.
LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
# TCVN3 as Latin-1 characters, as listed by backupvietsoft/HRM (ConvertVNI/XtraForm1.cs) and
# duydev/vietnamese-conversion (src/charsets.ts); the module's table comes from X11's byte table.
TCVN3_LISTING = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦"


def test_tcvn3_table_matches_published_listing():
    assert len(LETTERS) == len(TCVN3_LISTING) == 74
    for code, letter in zip(TCVN3_LISTING, LETTERS, strict=True):
        assert vi.convert_legacy(code, "TCVN3") == letter, (code, letter)


# VNI-Windows as listed by lamdao/xvnkb (vni.h): per vowel, no tone, sắc, huyền, hỏi, ngã, nặng.
VNI_UPPER = (
    "A AÙ AØ AÛ AÕ AÏ AÂ AÁ AÀ AÅ AÃ AÄ AÊ AÉ AÈ AÚ AÜ AË E EÙ EØ EÛ EÕ EÏ EÂ EÁ EÀ EÅ EÃ EÄ "
    "O OÙ OØ OÛ OÕ OÏ OÂ OÁ OÀ OÅ OÃ OÄ Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ U UÙ UØ UÛ UÕ UÏ Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ "
    "I Í Ì Æ Ó Ò Y YÙ YØ YÛ YÕ Î Ñ"
)
UNICODE_UPPER = (
    "A Á À Ả Ã Ạ Â Ấ Ầ Ẩ Ẫ Ậ Ă Ắ Ằ Ẳ Ẵ Ặ E É È Ẻ Ẽ Ẹ Ê Ế Ề Ể Ễ Ệ "
    "O Ó Ò Ỏ Õ Ọ Ô Ố Ồ Ổ Ỗ Ộ Ơ Ớ Ờ Ở Ỡ Ợ U Ú Ù Ủ Ũ Ụ Ư Ứ Ừ Ử Ữ Ự "
    "I Í Ì Ỉ Ĩ Ị Y Ý Ỳ Ỷ Ỹ Ỵ Đ"
)


@pytest.mark.parametrize("upper", [True, False])
def test_vni_covers_all_134_letters(upper):
    codes, letters = VNI_UPPER.split(), UNICODE_UPPER.split()
    if not upper:
        codes, letters = [c.lower() for c in codes], [u.lower() for u in letters]
    assert len(codes) == len(letters) == 73  # 67 letters with diacritics + 6 plain vowels
    for code, letter in zip(codes, letters, strict=True):
        assert vi.convert_legacy(code, "VNI") == letter, (code, letter)


REAL_WORDS = [
    # (Unicode, TCVN3 as read in Latin-1, VNI as read in Latin-1)
    ("Lạng Sơn", "L¹ng S¬n", "Laïng Sôn"),
    ("Sở Nội vụ", "Së Néi vô", "Sôû Noäi vuï"),
    ("Uỷ ban nhân dân tỉnh", "Uû ban nh©n d©n tØnh", "Uyû ban nhaân daân tænh"),
    ("Đồng Đăng", "§ång §¨ng", "Ñoàng Ñaêng"),
    ("Cải cách hành chính", "C¶i c¸ch hµnh chÝnh", "Caûi caùch haønh chính"),
    ("Thủ tục", "Thñ tôc", "Thuû tuïc"),
    ("Người dân hài lòng", "Ng\u00adêi d©n hµi lßng", "Ngöôøi daân haøi loøng"),
]


@pytest.mark.parametrize(("text", "tcvn3", "vni"), REAL_WORDS)
def test_real_words_convert_and_are_detected(text, tcvn3, vni):
    assert vi.convert_legacy(tcvn3, "TCVN3") == text
    assert vi.convert_legacy(vni, "VNI") == text
    assert vi.detect_legacy_encoding(tcvn3) == "TCVN3"
    assert vi.detect_legacy_encoding(vni) == "VNI"


def test_vni_capitals_with_tones():
    assert vi.convert_legacy("UÛy ban nhaân daân tænh", "VNI") == "Ủy ban nhân dân tỉnh"
    assert vi.convert_legacy("SÔÛ NOÄI VUÏ", "VNI") == "SỞ NỘI VỤ"


def test_tcvn3_single_word_and_capital_runs():
    assert vi.detect_legacy_encoding("tØnh") == "TCVN3"
    # ABC capitals were a separate font on the same codes: a word typed in capitals comes back so.
    assert vi.convert_legacy("UBND TØNH L¹NG S¬N", "TCVN3") == "UBND TỈNH LẠNG SƠN"


def test_converted_text_is_nfc_and_passes_other_characters_through():
    converted = vi.convert_legacy("Kho¶n 1, §iÒu 5: 91,43%", "TCVN3")
    assert converted == "Khoản 1, Điều 5: 91,43%"
    assert unicodedata.is_normalized("NFC", converted)


def test_unknown_encoding_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="Không hỗ trợ bảng mã"):
        vi.convert_legacy("abc", "VISCII")


@pytest.mark.parametrize(
    "text",
    [
        "Lạng Sơn",
        "Ủy ban nhân dân tỉnh Lạng Sơn",
        "Khánh Hoà",  # old tone placement: "oà" would also be VNI for "ồ"
        "Cà Mau",
        "Hello world",
        "1.234,5",
        "91,43%",
        "",
        "José Martí",
        "São Paulo",
        "Zürich",
        "Müller",
        "naïve",
        "Noël",
        "François",
        "Bjørn Øystein",
        "3 × 4 ½",
        "© 2024 Acme ®",
    ],
)
def test_ordinary_text_is_not_legacy(text):
    assert vi.detect_legacy_encoding(text) is None
