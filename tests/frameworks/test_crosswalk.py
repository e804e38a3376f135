"""Tests for chiso.frameworks.crosswalk: which last-year codes a code is compared with."""

from __future__ import annotations

import pytest

from chiso.errors import NotFound, ValidationFailed
from chiso.frameworks import Crosswalk, embedded, embedded_crosswalk, load_crosswalk
from chiso.frameworks.crosswalk import Mapping_


@pytest.fixture(scope="module")
def fw2024():
    return embedded(2024)


@pytest.fixture(scope="module")
def fw2025():
    return embedded(2025)


@pytest.fixture(scope="module")
def cw():
    return embedded_crosswalk(2024, 2025)


def crosswalk(*mappings: tuple[str, str | None, str]) -> Crosswalk:
    return Crosswalk(
        index="parindex",
        from_year=2024,
        to_year=2025,
        official=False,
        mappings=tuple(Mapping_(source, target, kind) for source, target, kind in mappings),
    )


def messages(exc: ValidationFailed) -> list[str]:
    return [p.message for p in exc.problems]


# --- the shipped crosswalks ----------------------------------------------------------------------


def test_embedded_crosswalk_fits_both_frameworks(cw, fw2024, fw2025):
    assert (cw.index, cw.from_year, cw.to_year, cw.official) == ("parindex", 2024, 2025, False)
    assert len(cw.mappings) == 8
    cw.check(fw2024, fw2025)  # raises on any mismatch


def test_embedded_crosswalk_2023_2024_is_identity(fw2024):
    cw = embedded_crosswalk(2023, 2024)
    assert cw.mappings == ()
    cw.check(embedded(2023), fw2024)
    assert cw.sources_of("LV3.4.4", embedded(2023)) == ("LV3.4.4",)


def test_embedded_crosswalk_unknown_years():
    with pytest.raises(NotFound, match="2024→2026"):
        embedded_crosswalk(2024, 2026)


def test_every_2025_leaf_is_comparable_or_new(cw, fw2024, fw2025):
    new = [leaf.code for leaf in fw2025.leaves() if cw.sources_of(leaf.code, fw2024) == ()]
    assert new == ["LV4.3.3"]


# --- sources_of ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sources"),
    [
        ("LV1.1.1", ("LV1.1.1",)),  # same code, not listed: maps to itself
        ("LV1.3.1", ("LV1.3.1",)),  # renamed onto itself
        ("LV3.4.2", ("LV3.4.2", "LV3.4.3")),  # merged
        ("LV3.4.3", ("LV3.4.4",)),  # renumbered: the 2024 LV3.4.3 went into LV3.4.2
        ("LV7.4.2", ("LV7.1.2",)),  # moved to another criterion
        ("LV4.3.3", ()),  # new in 2025
        ("LV3", ("LV3",)),  # fields are compared too
    ],
)
def test_sources_of(cw, fw2024, code, sources):
    assert cw.sources_of(code, fw2024) == sources


def test_sources_of_split_is_none(fw2024):
    split = crosswalk(("LV1.1.1", "LV1.1.1", "split"), ("LV1.1.1", "LV1.1.2", "split"))
    assert split.sources_of("LV1.1.1", fw2024) is None
    assert split.sources_of("LV1.1.2", fw2024) is None
    # Codes the split does not touch are unaffected.
    assert split.sources_of("LV1.2.1", fw2024) == ("LV1.2.1",)


def test_sources_of_removed_code_is_not_its_own_source(cw, fw2024):
    assert cw.sources_of("LV4.1.3", fw2024) == ()


# --- previous_value ------------------------------------------------------------------------------


def test_previous_value_sums_achieved_and_max_of_merged_sources(cw, fw2024):
    achieved = {"LV3.4.2": 0.5, "LV3.4.3": 0.75, "LV1.1.1": 0.5}
    assert cw.previous_value("LV3.4.2", fw2024, achieved) == (1.25, 2.0)


def test_previous_value_identity_and_moved(cw, fw2024):
    achieved = {"LV1.1.2": 0.75, "LV7.1.2": 0.25}
    assert cw.previous_value("LV1.1.2", fw2024, achieved) == (0.75, 1.0)
    assert cw.previous_value("LV7.4.2", fw2024, achieved) == (0.25, 1.0)


def test_previous_value_is_none_when_not_comparable(cw, fw2024):
    assert cw.previous_value("LV4.3.3", fw2024, {"LV4.1.3": 1.0}) is None  # new code
    # One of two merged sources has no score last year: no partial sum.
    assert cw.previous_value("LV3.4.2", fw2024, {"LV3.4.2": 0.5}) is None
    split = crosswalk(("LV1.1.1", "LV1.1.1", "split"), ("LV1.1.1", "LV1.1.2", "split"))
    assert split.previous_value("LV1.1.1", fw2024, {"LV1.1.1": 0.5}) is None


# --- check ---------------------------------------------------------------------------------------


def test_check_reports_vanished_code_that_is_not_listed(cw, fw2024, fw2025):
    incomplete = Crosswalk(
        cw.index,
        cw.from_year,
        cw.to_year,
        cw.official,
        tuple(m for m in cw.mappings if m.source != "LV4.1.3"),
    )
    with pytest.raises(ValidationFailed) as info:
        incomplete.check(fw2024, fw2025, file="cw.yaml")
    assert messages(info.value) == [
        "Mã LV4.1.3 của năm 2024 không còn trong năm 2025 nhưng chưa được khai báo "
        "trong bảng chuyển đổi."
    ]
    assert info.value.problems[0].file == "cw.yaml"


def test_check_reports_unknown_from_and_to_codes(fw2024, fw2025):
    mappings = (
        ("LV9.9.9", "LV1.1.1", "moved"),
        ("LV1.1.1", "LV8.8.8", "moved"),
        ("LV3.4.3", "LV3.4.2", "merged"),
        ("LV3.4.4", "LV3.4.3", "moved"),
        ("LV4.1.3", None, "removed"),
        ("LV7.1.2", "LV7.4.2", "moved"),
    )
    with pytest.raises(ValidationFailed) as info:
        crosswalk(*mappings).check(fw2024, fw2025)
    assert messages(info.value) == [
        "Mã LV9.9.9 không có trong khung năm 2024.",
        "Mã LV8.8.8 không có trong khung năm 2025.",
    ]
    assert info.value.message == "Bảng chuyển đổi mã 2024→2025 không khớp khung chỉ số."


def test_check_identity_crosswalk_against_2025_lists_every_vanished_code(fw2024, fw2025):
    with pytest.raises(ValidationFailed) as info:
        crosswalk().check(fw2024, fw2025)
    assert [m.split()[1] for m in messages(info.value)] == ["LV3.4.4", "LV4.1.3", "LV7.1.2"]


# --- load_crosswalk ------------------------------------------------------------------------------


def test_load_crosswalk_reads_mappings(tmp_path):
    path = tmp_path / "cw.yaml"
    path.write_text(
        "schema: chiso.crosswalk/1\nfrom_year: 2024\nto_year: 2025\nmappings:\n"
        "  - {from: ' LV1.1.1 ', to: LV1.1.2, kind: moved, note: x}\n"
        "  - {from: LV4.1.3, to: null, kind: removed}\n",
        encoding="utf-8",
    )
    cw = load_crosswalk(path)
    assert cw.mappings == (
        Mapping_("LV1.1.1", "LV1.1.2", "moved", "x"),
        Mapping_("LV4.1.3", None, "removed"),
    )
    assert cw.official is False


def test_load_crosswalk_collects_problems_with_rows(tmp_path):
    path = tmp_path / "cw.yaml"
    path.write_text(
        "schema: chiso.crosswalk/1\nfrom_year: 2024\nmappings:\n"
        "  - {from: LV1.1.1, to: LV1.1.2, kind: shuffled}\n"
        "  - {to: LV1.1.2, kind: moved}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as info:
        load_crosswalk(path)
    assert [(p.row, p.message) for p in info.value.problems] == [
        (4, "'kind' phải là một trong moved, merged, split, removed, renamed."),
        (5, "Mỗi dòng chuyển đổi cần 'from' (mã năm trước)."),
        (1, "Thiếu 'to_year'."),
    ]


def test_load_crosswalk_wrong_schema(tmp_path):
    path = tmp_path / "cw.yaml"
    path.write_text("schema: chiso.framework/1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="không phải bảng chuyển đổi mã"):
        load_crosswalk(path)
