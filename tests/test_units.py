"""Tests for chiso.units: the provinces, agencies and communes results are attached to."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from chiso import units, vi
from chiso.errors import NotFound

TRUNG_DU = "Trung du và miền núi phía Bắc"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- the two province lists -------------------------------------------------------------------


def test_counts():
    assert len(units.provinces(2024)) == 63
    assert len(units.provinces(2012)) == 63
    assert len(units.provinces(2025)) == 34
    assert len(units.provinces(2030)) == 34


def test_regions_of_the_63():
    counts = Counter(p.region for p in units.provinces(2024))
    assert counts == {
        TRUNG_DU: 14,
        "Đồng bằng sông Hồng": 11,
        "Bắc Trung Bộ và duyên hải miền Trung": 14,
        "Tây Nguyên": 5,
        "Đông Nam Bộ": 6,
        "Đồng bằng sông Cửu Long": 13,
    }
    assert set(counts) == set(units.REGIONS)


def test_codes_are_unique_two_digit_and_lang_son_is_20():
    for year in (2024, 2025):
        codes = [p.code for p in units.provinces(year)]
        assert len(set(codes)) == len(codes)
        assert all(len(c) == 2 and c.isdigit() for c in codes)
    assert units.find_province("Lạng Sơn", 2024).code == "20"
    assert units.find_province("Lạng Sơn", 2025).code == "20"
    assert units.find_province("Hà Nội", 2024).code == "01"
    assert units.find_province("Cà Mau", 2024).code == "96"


def test_centrally_run_cities():
    cities_63 = {p.name for p in units.provinces(2024) if p.kind == "thành phố"}
    assert cities_63 == {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
    cities_34 = {p.name for p in units.provinces(2025) if p.kind == "thành phố"}
    assert cities_34 == {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
    assert {p.kind for p in units.provinces(2025)} == {"tỉnh", "thành phố"}


def test_merger_links_are_consistent():
    old = {p.name: p for p in units.provinces(2024)}
    new = {p.name: p for p in units.provinces(2025)}
    for p in old.values():
        assert p.merged_into in new, p
        assert p.formed_from == ()
        assert p.name in new[p.merged_into].formed_from
    for p in new.values():
        assert p.merged_into is None
        assert all(name in old for name in p.formed_from), p
    formed = [name for p in new.values() for name in p.formed_from]
    assert sorted(formed) == sorted(old)  # every old province exactly once


def test_new_province_code_and_region_follow_the_administrative_centre():
    old_by_code = {p.code: p for p in units.provinces(2024)}
    for p in units.provinces(2025):
        centre = old_by_code[p.code]
        assert centre.name in p.formed_from
        assert p.region == centre.region, p
    assert units.find_province("Lào Cai", 2025).code == "15"  # centre in Yên Bái
    assert units.find_province("Bắc Ninh", 2025).region == TRUNG_DU  # centre in Bắc Giang
    assert units.find_province("Tây Ninh", 2025).region == "Đồng bằng sông Cửu Long"


def test_unchanged_and_merged_examples():
    assert units.find_province("Lạng Sơn", 2025).formed_from == ("Lạng Sơn",)
    assert units.find_province("Huế", 2025).formed_from == ("Thừa Thiên Huế",)
    assert set(units.find_province("Ninh Bình", 2025).formed_from) == {
        "Ninh Bình",
        "Hà Nam",
        "Nam Định",
    }
    assert units.successor("Bắc Giang").name == "Bắc Ninh"
    assert units.successor("Bà Rịa - Vũng Tàu").name == "Hồ Chí Minh"
    assert units.successor("Thừa Thiên Huế").full_name == "thành phố Huế"
    assert units.successor("Lạng Sơn").name == "Lạng Sơn"


def test_provinces_are_in_vietnamese_order():
    names = [p.name for p in units.provinces(2024)]
    assert names == vi.sorted_vi(names)
    assert names[:3] == ["An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu"]
    assert names.index("Cà Mau") < names.index("Cao Bằng") < names.index("Cần Thơ")
    assert names.index("Đồng Tháp") < names.index("Gia Lai")
    assert names[-1] == "Yên Bái"
    names_34 = [p.name for p in units.provinces(2025)]
    assert names_34[:3] == ["An Giang", "Bắc Ninh", "Cà Mau"]
    assert names_34[-1] == "Vĩnh Long"


def test_strings_are_nfc():
    for year in (2024, 2025):
        for p in units.provinces(year):
            for text in (p.name, p.kind, p.region, *p.formed_from, p.merged_into or ""):
                assert unicodedata.is_normalized("NFC", text)
    for a in units.agencies():
        assert unicodedata.is_normalized("NFC", a.name + a.short_name + a.note)


def test_full_name_uses_lower_case_generic_noun():
    assert units.find_province("Lạng Sơn", 2025).full_name == "tỉnh Lạng Sơn"
    assert units.find_province("Hà Nội", 2025).full_name == "thành phố Hà Nội"
    assert units.find_province("HCM", 2024).full_name == "thành phố Hồ Chí Minh"


# --- finding a province by what people type ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "year", "name"),
    [
        ("Lạng Sơn", 2025, "Lạng Sơn"),
        (nfd("Lạng Sơn"), 2025, "Lạng Sơn"),
        (nfd("Tỉnh Lạng Sơn"), 2024, "Lạng Sơn"),
        ("  lạng   SƠN ", 2025, "Lạng Sơn"),
        ("tỉnh Lạng Sơn", 2025, "Lạng Sơn"),
        ("Tỉnh Lạng Sơn", 2025, "Lạng Sơn"),
        ("Khánh Hoà", 2024, "Khánh Hòa"),
        ("Khánh Hoà", 2025, "Khánh Hòa"),
        ("Thanh Hoá", 2025, "Thanh Hóa"),
        ("Hoà Bình", 2024, "Hòa Bình"),
        (nfd("Tỉnh Hoà Bình"), 2024, "Hòa Bình"),
        ("Bà Rịa-Vũng Tàu", 2024, "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa – Vũng Tàu", 2024, "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa Vũng Tàu", 2024, "Bà Rịa - Vũng Tàu"),
        ("TP. Hồ Chí Minh", 2025, "Hồ Chí Minh"),
        ("TP.Hồ Chí Minh", 2024, "Hồ Chí Minh"),
        ("TP Hồ Chí Minh", 2024, "Hồ Chí Minh"),
        ("T.P. Hồ Chí Minh", 2025, "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", 2025, "Hồ Chí Minh"),
        ("thành phố Hà Nội", 2024, "Hà Nội"),
        ("HCM", 2025, "Hồ Chí Minh"),
        ("TP.HCM", 2024, "Hồ Chí Minh"),
        ("TPHCM", 2025, "Hồ Chí Minh"),
        ("Thừa Thiên - Huế", 2024, "Thừa Thiên Huế"),
        ("Thừa Thiên Huế", 2024, "Thừa Thiên Huế"),
        ("Thành phố Huế", 2024, "Thừa Thiên Huế"),
        ("Huế", 2025, "Huế"),
        ("TP. Huế", 2025, "Huế"),
        ("Bắc Kạn", 2024, "Bắc Kạn"),
        ("Bắc Cạn", 2024, "Bắc Kạn"),
        ("Đăk Lăk", 2025, "Đắk Lắk"),
        ("Bắc Ninh", 2025, "Bắc Ninh"),
    ],
)
def test_find_province_variants(typed, year, name):
    assert units.find_province(typed, year).name == name


def test_find_province_returns_the_province_of_the_right_year():
    assert units.find_province("Bắc Ninh", 2024).formed_from == ()
    assert units.find_province("Bắc Ninh", 2025).formed_from == ("Bắc Ninh", "Bắc Giang")


def test_missing_diacritics_get_a_suggestion():
    with pytest.raises(NotFound) as caught:
        units.find_province("Lang Son", 2025)
    assert caught.value.message == (
        "Không tìm thấy tỉnh 'Lang Son' trong danh sách 34 tỉnh, thành phố năm 2025. "
        "Có phải 'Lạng Sơn'?"
    )
    assert caught.value.code == "not_found"


def test_unknown_name_in_the_63_era():
    with pytest.raises(NotFound, match="danh sách 63 tỉnh, thành phố năm 2023") as caught:
        units.find_province("Atlantis", 2023)
    assert "Có phải" not in caught.value.message


def test_old_name_is_not_silently_mapped_after_the_merger():
    with pytest.raises(NotFound) as caught:
        units.find_province("Bắc Giang", 2025)
    message = caught.value.message
    assert "Bắc Giang" in message and "tỉnh Bắc Ninh" in message and "01/7/2025" in message
    assert "34 tỉnh, thành phố năm 2025" in message
    assert caught.value.code == "province_merged"


@pytest.mark.parametrize("typed", ["bắc giang", nfd("Tỉnh Bắc Giang"), "  BẮC GIANG "])
def test_old_name_in_any_form_is_refused_after_the_merger(typed):
    with pytest.raises(NotFound, match="đã hợp nhất vào tỉnh Bắc Ninh"):
        units.find_province(typed, 2026)


def test_renamed_province_after_the_merger():
    with pytest.raises(NotFound, match="tỉnh Thừa Thiên Huế nay là thành phố Huế"):
        units.find_province("Thừa Thiên Huế", 2025)


def test_old_name_without_diacritics_after_the_merger():
    with pytest.raises(NotFound) as caught:
        units.find_province("Bac Giang", 2025)
    assert "Có phải 'Bắc Giang'?" in caught.value.message
    assert "Bắc Ninh" in caught.value.message


def test_successor_of_an_unknown_province():
    with pytest.raises(NotFound):
        units.successor("Atlantis")


# --- regions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("Trung du miền núi phía Bắc", TRUNG_DU),
        ("trung du và miền núi phía bắc", TRUNG_DU),
        ("Bắc Trung Bộ và Duyên hải miền Trung", "Bắc Trung Bộ và duyên hải miền Trung"),
        ("Bắc Trung Bộ duyên hải miền Trung", "Bắc Trung Bộ và duyên hải miền Trung"),
        (nfd("Đồng bằng sông Cửu Long"), "Đồng bằng sông Cửu Long"),
        ("ĐBSCL", "Đồng bằng sông Cửu Long"),
        ("Tây Nguyên", "Tây Nguyên"),
    ],
)
def test_region_of(typed, region):
    assert units.region_of(typed) == region


def test_unknown_region():
    with pytest.raises(NotFound, match="vùng"):
        units.region_of("Miền Tây")


# --- communes and agencies --------------------------------------------------------------------


def test_communes():
    items = units.communes()
    assert len(items) == 65
    assert Counter(c.division_type for c in items) == {"xã": 61, "phường": 4}
    names = {c.name for c in items}
    assert "phường Lương Văn Tri" in names
    assert "xã Đồng Đăng" in names
    assert "xã Bắc Sơn" in names  # the source file writes this one in lower case
    assert all(c.name.startswith(c.division_type + " ") for c in items)
    assert [c.name for c in items] == vi.sorted_vi(c.name for c in items)
    assert next(c for c in items if c.code == "06001").proper_name == "Đoàn Kết"


EXPECTED_AGENCIES = {
    "SNV": "Sở Nội vụ",
    "STP": "Sở Tư pháp",
    "STC": "Sở Tài chính",
    "SKHCN": "Sở Khoa học và Công nghệ",
    "SXD": "Sở Xây dựng",
    "SNNMT": "Sở Nông nghiệp và Môi trường",
    "SCT": "Sở Công Thương",
    "SYT": "Sở Y tế",
    "SGDDT": "Sở Giáo dục và Đào tạo",
    "SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
    "SDTTG": "Sở Dân tộc và Tôn giáo",
    "SNGV": "Sở Ngoại vụ",
    "TTT": "Thanh tra tỉnh",
    "VPUBND": "Văn phòng Ủy ban nhân dân tỉnh",
    "TTPVHCC": "Trung tâm Phục vụ hành chính công tỉnh",
    "BDT": "Bưu điện tỉnh",
    "CAT": "Công an tỉnh",
    "BQLKKT": "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
}


def test_provincial_agencies():
    provincial = [a for a in units.agencies() if a.kind != "commune"]
    assert {a.code: a.name for a in provincial} == EXPECTED_AGENCIES
    kinds = {"department", "office", "center", "post", "police", "board", "inspectorate"}
    assert {a.kind for a in provincial} == kinds
    assert all(a.short_name for a in provincial)
    assert "01/3/2025" in units.find_agency("SKHCN").note
    assert "minh họa" in units.find_agency("SNGV").note


def test_commune_agencies():
    local = [a for a in units.agencies() if a.kind == "commune"]
    assert len(local) == 65
    assert units.find_agency("XA-06001").name == "UBND xã Đoàn Kết"
    assert units.find_agency("XA-05983").name == "UBND phường Lương Văn Tri"
    assert units.find_agency("XA-06325").name == "UBND xã Bắc Sơn"
    codes = [a.code for a in units.agencies()]
    assert len(set(codes)) == len(codes)


def test_find_agency():
    assert units.find_agency(" snv ").name == "Sở Nội vụ"
    assert units.find_agency("xa-06184").name == "UBND xã Đồng Đăng"
    with pytest.raises(NotFound, match="Không tìm thấy cơ quan, đơn vị có mã 'XYZ'"):
        units.find_agency("XYZ")


def test_records_are_frozen():
    p = units.find_province("Lạng Sơn", 2025)
    with pytest.raises(AttributeError):
        p.name = "x"  # type: ignore[misc]
