"""Tests for chiso.frameworks.load and schema: the shipped frameworks and the validator."""

from __future__ import annotations

import math
import unicodedata

import pytest

from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.frameworks import Framework, embedded, embedded_years
from chiso.frameworks.load import load, load_text
from chiso.frameworks.schema import SURVEY_SOURCES, ScoringRule

YEARS = (2023, 2024, 2025)
PUBLISHED_FIELD_MAXIMA = {"LV3": 13.0, "LV4": 10.5, "LV5": 15.0, "LV8": 16.5}

# A small but complete framework: 2 fields, 2 criteria, 3 sub-criteria, 60 appraisal + 40 survey.
VALID = """\
schema: chiso.framework/1
index: parindex
year: 2030
code: PAR-TEST-2030
name_vi: "Khung thử nghiệm"
decision: "1/QĐ-BNV"
total_max: 100
component_totals: {appraisal: 60, survey: 40}
groups:
  - {code: A, min_percent: 90}
  - {code: B, min_percent: 80}
  - {code: C, min_percent: 70}
tree:
  - code: LV1
    name_vi: "Lĩnh vực một"
    max_points: 60
    official: true
    lead_agency: SNV
    children:
      - code: LV1.1
        name_vi: "Tiêu chí một"
        max_points: 60
        official: true
        children:
          - code: LV1.1.1
            name_vi: "Tiêu chí thành phần một"
            max_points: 20
            source: appraisal
            rule: {kind: binary}
            official: true
          - code: LV1.1.2
            name_vi: "Tiêu chí thành phần hai"
            max_points: 40
            source: appraisal
            rule: {kind: steps, steps: [0, 20, 40]}
            official: true
  - code: LV2
    name_vi: "Lĩnh vực hai"
    max_points: 40
    official: false
    lead_agency: STP
    children:
      - code: LV2.1
        name_vi: "Tiêu chí hai"
        max_points: 40
        official: false
        lead_agency: VPUBND
        children:
          - code: LV2.1.1
            name_vi: "Người dân đánh giá"
            max_points: 40
            source: survey_citizen
            rule: proportional
            official: false
"""


def edit(*replacements: tuple[str, str]) -> str:
    """VALID with each (old, new) applied; ``old`` must occur exactly once."""
    text = VALID
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} is not unique in VALID"
        text = text.replace(old, new)
    return text


def line_no(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def problems_of(text: str) -> tuple[Problem, ...]:
    with pytest.raises(ValidationFailed) as info:
        load_text(text, origin="some/dir/x.yaml")
    return info.value.problems


def only(problems: tuple[Problem, ...], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


@pytest.fixture(scope="module")
def small() -> Framework:
    return load_text(VALID, origin="x.yaml")


# --- the shipped frameworks ----------------------------------------------------------------------


def test_embedded_years_are_the_three_shipped():
    assert embedded_years() == YEARS


@pytest.mark.parametrize(("year", "subcriteria"), [(2023, 88), (2024, 88), (2025, 87)], ids=str)
def test_embedded_counts(year, subcriteria):
    fw = embedded(year)
    assert (fw.year, fw.index, fw.total_max) == (year, "parindex", 100.0)
    assert fw.count("field") == 8
    assert fw.count("criterion") == 37
    assert fw.count("subcriterion") == subcriteria
    assert [n.code for n in fw.roots] == [f"LV{i}" for i in range(1, 9)]


@pytest.mark.parametrize("year", YEARS)
def test_embedded_parents_equal_sum_of_children(year):
    fw = embedded(year)
    for node in fw.nodes.values():
        if node.children:
            total = math.fsum(fw.nodes[c].max_points for c in node.children)
            assert total == pytest.approx(node.max_points, abs=0.001), node.code
            assert all(fw.nodes[c].parent == node.code for c in node.children)
    assert math.fsum(n.max_points for n in fw.roots) == pytest.approx(100, abs=0.001)


@pytest.mark.parametrize("year", YEARS)
def test_embedded_appraisal_and_survey_split(year):
    fw = embedded(year)
    leaves = fw.leaves()
    appraisal = math.fsum(n.max_points for n in leaves if n.source == "appraisal")
    survey = math.fsum(n.max_points for n in leaves if n.source in SURVEY_SOURCES)
    assert appraisal == pytest.approx(68, abs=0.001)
    assert survey == pytest.approx(32, abs=0.001)
    assert dict(fw.component_totals) == {"appraisal": 68.0, "survey": 32.0}


@pytest.mark.parametrize("year", [2024, 2025])
def test_published_field_maxima_are_the_only_official_nodes(year):
    fw = embedded(year)
    for code, points in PUBLISHED_FIELD_MAXIMA.items():
        assert fw.nodes[code].max_points == points
    assert {n.code for n in fw.nodes.values() if n.official} == set(PUBLISHED_FIELD_MAXIMA)
    assert fw.official is False


def test_2023_has_no_official_node():
    assert not any(n.official for n in embedded(2023).nodes.values())


@pytest.mark.parametrize("year", YEARS)
def test_every_leaf_has_a_lead_agency(year):
    assert all(leaf.lead_agency for leaf in embedded(year).leaves())


def test_lead_agency_is_inherited_from_the_field():
    fw = embedded(2024)
    assert fw.nodes["LV2"].lead_agency == "STP"
    under_lv2 = [fw.nodes[c] for c in fw.leaves_under("LV2")]
    assert under_lv2
    assert {n.lead_agency for n in under_lv2} == {"STP"}


def test_lead_agency_of_a_criterion_overrides_the_field(small):
    assert small.nodes["LV2"].lead_agency == "STP"
    assert small.nodes["LV2.1"].lead_agency == "VPUBND"
    assert small.nodes["LV2.1.1"].lead_agency == "VPUBND"
    assert small.nodes["LV1.1.2"].lead_agency == "SNV"


@pytest.mark.parametrize("year", YEARS)
def test_all_names_are_nfc(year):
    fw = embedded(year)
    texts = [fw.name_vi, fw.notes, fw.decision]
    texts += [n.name_vi for n in fw.nodes.values()]
    texts += [n.note for n in fw.nodes.values() if n.note]
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), text


def test_nfd_names_in_a_file_are_stored_as_nfc():
    nfd = unicodedata.normalize("NFD", "Người dân đánh giá")
    fw = load_text(edit(("Người dân đánh giá", nfd)), origin="x.yaml")
    assert fw.nodes["LV2.1.1"].name_vi == "Người dân đánh giá"


def test_embedded_unknown_year_lists_available_years():
    with pytest.raises(NotFound) as info:
        embedded(1999)
    assert "1999" in info.value.message
    assert "2023, 2024, 2025" in info.value.message
    assert info.value.code == "not_found"


def test_load_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound):
        load(tmp_path / "absent.yaml")


def test_load_non_utf8_file(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    with pytest.raises(ValidationFailed) as info:
        load(path)
    assert info.value.problems[0].file == "x.yaml"


def test_load_from_a_file_keeps_the_path(tmp_path):
    path = tmp_path / "2030.yaml"
    path.write_text(VALID, encoding="utf-8")
    fw = load(path)
    assert fw.path == str(path)
    assert fw.code == "PAR-TEST-2030"


# --- the small framework: shape and helpers ------------------------------------------------------


def test_small_framework_shape(small):
    assert [n.code for n in small.walk()] == [
        "LV1",
        "LV1.1",
        "LV1.1.1",
        "LV1.1.2",
        "LV2",
        "LV2.1",
        "LV2.1.1",
    ]
    assert [n.level for n in small.walk()] == [
        "field",
        "criterion",
        "subcriterion",
        "subcriterion",
        "field",
        "criterion",
        "subcriterion",
    ]
    assert small.nodes["LV1.1.2"].parent == "LV1.1"
    assert small.nodes["LV1.1.2"].rule == ScoringRule("steps", (0.0, 20.0, 40.0))
    assert small.nodes["LV2.1.1"].rule == ScoringRule("proportional")
    # A parent's source is its children's when they agree.
    assert small.nodes["LV1"].source == "appraisal"
    assert small.nodes["LV2"].source == "survey_citizen"
    assert small.nodes["LV1"].rule is None
    assert small.field_of("LV2.1.1").code == "LV2"
    assert dict(small.component_totals) == {"appraisal": 60.0, "survey": 40.0}


def test_walk_is_document_order_in_the_shipped_framework():
    codes = [n.code for n in embedded(2024).walk()]
    assert codes[:7] == ["LV1", "LV1.1", "LV1.1.1", "LV1.1.2", "LV1.2", "LV1.2.1", "LV1.2.2"]
    assert len(codes) == 8 + 37 + 88
    assert codes.index("LV2") > codes.index("LV1.5.4")


def test_leaves_under():
    fw = embedded(2024)
    assert fw.leaves_under("LV1.1") == ("LV1.1.1", "LV1.1.2")
    assert fw.leaves_under("LV1.1.1") == ("LV1.1.1",)
    assert fw.leaves_under("LV1")[:3] == ("LV1.1.1", "LV1.1.2", "LV1.2.1")
    all_leaves = [c for root in fw.roots for c in fw.leaves_under(root.code)]
    assert all_leaves == [n.code for n in fw.walk() if n.is_leaf]
    assert len(all_leaves) == 88


@pytest.mark.parametrize(
    ("percent", "group"),
    [(100, "A"), (90, "A"), (89.99, "B"), (80, "B"), (79.99, "C"), (70, "C"), (69.99, None)],
)
def test_group_for(percent, group):
    assert embedded(2025).group_for(percent) == group


@pytest.mark.parametrize(
    ("rule", "achieved", "allowed"),
    [
        (ScoringRule("binary"), 0, True),
        (ScoringRule("binary"), 1.5, True),
        (ScoringRule("binary"), 1.5005, True),  # within the 0.001 tolerance
        (ScoringRule("binary"), 0.75, False),
        (ScoringRule("binary"), 1.49, False),
        (ScoringRule("steps", (0, 0.5, 1.5)), 0.5, True),
        (ScoringRule("steps", (0, 0.5, 1.5)), 1.5, True),
        (ScoringRule("steps", (0, 0.5, 1.5)), 1.0, False),
        (ScoringRule("steps", (0, 0.5, 1.5)), 0.25, False),
        (ScoringRule("proportional"), 0.0, True),
        (ScoringRule("proportional"), 0.37, True),
        (ScoringRule("proportional"), 1.5, True),
        (ScoringRule("manual"), 1.2, True),
    ],
)
def test_scoring_rule_allows(rule, achieved, allowed):
    assert rule.allows(achieved, 1.5) is allowed


def test_scoring_rule_describe_vi():
    assert ScoringRule("steps", (0, 0.5, 1.25)).describe_vi() == "chỉ nhận các mức 0, 0,5, 1,25"
    assert ScoringRule("binary").describe_vi() == "đạt đủ điểm hoặc 0 điểm"


# --- validation errors ---------------------------------------------------------------------------


def test_valid_text_loads(small):
    assert small.count("subcriterion") == 3
    assert small.path == "x.yaml"


def test_duplicate_code():
    text = edit(("code: LV1.1.2", "code: LV1.1.1"))
    problems = problems_of(text)
    [dup] = only(problems, "duplicate_code")
    assert dup.message == "Mã LV1.1.1 bị trùng."
    assert dup.row == line_no(text, "code: LV1.1.1", occurrence=2)
    assert dup.file == "x.yaml"


def test_child_reusing_its_parents_code_is_a_duplicate():
    problems = problems_of(edit(("code: LV2.1.1", "code: LV2.1")))
    assert [p.message for p in only(problems, "duplicate_code")] == ["Mã LV2.1 bị trùng."]


def test_children_not_summing_to_parent():
    text = edit(("max_points: 20", "max_points: 10"))
    problems = problems_of(text)
    [wrong] = only(problems, "children_sum")
    assert wrong.message == "Nút LV1.1: điểm tối đa 60 khác tổng các nút con 50."
    assert wrong.row == line_no(text, "code: LV1.1") == 20


def test_field_maxima_not_summing_to_total():
    text = edit(("total_max: 100", "total_max: 90"))
    messages = [p.message for p in problems_of(text)]
    assert "Tổng điểm tối đa các lĩnh vực là 100, khác total_max 90." in messages
    assert "PAR INDEX có tổng 100 điểm; total_max đang là 90." in messages


def test_parindex_total_must_be_100():
    text = edit(
        ("total_max: 100", "total_max: 110"),
        ("max_points: 40\n    official: false", "max_points: 50\n    official: false"),
        ("max_points: 40\n        official: false", "max_points: 50\n        official: false"),
        (
            "max_points: 40\n            source: survey",
            "max_points: 50\n            source: survey",
        ),
        ("survey: 40}", "survey: 50}"),
    )
    [problem] = problems_of(text)
    assert problem.message == "PAR INDEX có tổng 100 điểm; total_max đang là 110."
    assert problem.row == 1


def test_missing_official_flag():
    text = edit(("rule: proportional\n            official: false", "rule: proportional"))
    [problem] = problems_of(text)
    assert problem.message == "Nút LV2.1.1: phải ghi rõ 'official: true' hoặc 'official: false'."
    assert problem.row == line_no(text, "code: LV2.1.1")


def test_official_flag_must_be_a_boolean():
    [problem] = problems_of(
        edit(("official: false\n    lead_agency", "official: no?\n    lead_agency"))
    )
    assert "LV2: phải ghi rõ 'official" in problem.message


def test_leaf_without_source():
    text = edit(("            source: survey_citizen\n", ""))
    problems = problems_of(text)
    [missing] = [p for p in problems if "'source'" in p.message]
    assert missing.message.startswith("Nút LV2.1.1: 'source' phải là một trong appraisal,")
    assert missing.message.endswith("(đang là None).")
    assert missing.row == line_no(text, "code: LV2.1.1")


def test_parent_with_a_rule():
    text = edit(("lead_agency: VPUBND", "lead_agency: VPUBND\n        rule: binary"))
    [problem] = problems_of(text)
    assert problem.message == "Nút LV2.1 có nút con nên không ghi 'rule' (chỉ nút lá)."
    assert problem.row == line_no(text, "code: LV2.1") == 43


def test_parent_with_a_source():
    text = edit(("lead_agency: VPUBND", "lead_agency: VPUBND\n        source: appraisal"))
    [problem] = problems_of(text)
    assert problem.message == "Nút LV2.1 có nút con nên không ghi 'source' (chỉ nút lá)."


def test_unknown_rule_kind():
    [problem] = problems_of(edit(("rule: proportional", "rule: guesswork")))
    assert problem.message.startswith("Nút LV2.1.1: 'rule' phải có kind là một trong proportional")


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("[10, 20, 40]", "các mức điểm phải bắt đầu từ 0 và kết thúc ở điểm tối đa"),
        ("[0, 20, 30]", "các mức điểm phải bắt đầu từ 0 và kết thúc ở điểm tối đa"),
        ("[0, 30, 20, 40]", "các mức điểm phải tăng dần, không trùng"),
        ("[0, 20, 20, 40]", "các mức điểm phải tăng dần, không trùng"),
        ("[40]", "quy tắc 'steps' cần danh sách các mức điểm"),
        ("[0, true, 40]", "quy tắc 'steps' cần danh sách các mức điểm"),
        ("[0, 'x', 40]", "quy tắc 'steps' cần danh sách các mức điểm"),
    ],
    ids=["not-from-0", "not-to-max", "not-ascending", "repeated", "single", "bool", "text"],
)
def test_bad_steps(steps, message):
    text = edit(("[0, 20, 40]", steps))
    [problem] = problems_of(text)
    assert problem.message == f"Nút LV1.1.2: {message}."
    assert problem.row == line_no(text, "code: LV1.1.2")


def test_unknown_lead_agency():
    text = edit(("lead_agency: STP", "lead_agency: XYZ"))
    [problem] = problems_of(text)
    assert problem.code == "unknown_agency"
    assert problem.message == "Nút LV2: Không tìm thấy cơ quan, đơn vị có mã 'XYZ'."
    assert problem.row == line_no(text, "code: LV2") == 37


def test_lead_agency_is_case_insensitive():
    fw = load_text(edit(("lead_agency: STP", "lead_agency: ' stp '")), origin="x.yaml")
    assert fw.nodes["LV2"].lead_agency == "STP"


def test_component_totals_mismatch():
    problems = problems_of(edit(("{appraisal: 60, survey: 40}", "{appraisal: 68, survey: 32}")))
    assert [(p.code, p.message, p.row) for p in problems] == [
        (
            "component_sum",
            "Tổng điểm thẩm định của các tiêu chí thành phần là 60, khác 68 đã khai báo.",
            1,
        ),
        (
            "component_sum",
            "Tổng điểm điều tra xã hội học của các tiêu chí thành phần là 40, khác 32 đã khai báo.",
            1,
        ),
    ]


def test_component_totals_unknown_key():
    [problem] = problems_of(edit(("survey: 40}", "survey: 40, other: 0}")))
    assert "'other'" in problem.message


def test_component_totals_not_a_number_is_a_problem_not_a_crash():
    [problem] = problems_of(edit(("appraisal: 60,", "appraisal: sáu mươi,")))
    assert problem.message == "'component_totals.appraisal' phải là một số, đang là 'sáu mươi'."


def test_group_min_percent_not_a_number_is_a_problem_not_a_crash():
    text = edit(("{code: C, min_percent: 70}", "{code: C, min_percent: bảy mươi}"))
    [problem] = problems_of(text)
    assert problem.message == "'min_percent' phải là một số, đang là 'bảy mươi'."
    assert problem.row == line_no(text, "code: C")


def test_sources_must_be_mappings():
    [problem] = problems_of(edit(("groups:", "sources: [https://moha.gov.vn]\ngroups:")))
    assert "'sources'" in problem.message


def test_duplicate_group_code():
    [problem] = problems_of(edit(("{code: C, min_percent: 70}", "{code: B, min_percent: 70}")))
    assert problem.message == "Mã nhóm xếp loại bị trùng."


def test_yaml_syntax_error_has_a_row():
    # "official" is indented one space less than its siblings.
    text = edit(("    max_points: 60\n    official: true", "    max_points: 60\n   official: true"))
    with pytest.raises(ValidationFailed) as info:
        load_text(text, origin="some/dir/x.yaml")
    assert info.value.message == "Tệp x.yaml không đúng cú pháp YAML."
    [problem] = info.value.problems
    assert problem.file == "x.yaml"
    assert problem.row == line_no(text, "   official: true") == 17


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("schema: chiso.framework/1", "schema: chiso.framework/2", "'chiso.framework/2'"),
        ("schema: chiso.framework/1", "schema: chiso.crosswalk/1", "'chiso.crosswalk/1'"),
        ("schema: chiso.framework/1\n", "", "None"),
    ],
)
def test_wrong_schema_key(old, new, shown):
    [problem] = problems_of(edit((old, new)))
    assert problem.message == f"Khóa 'schema' phải là 'chiso.framework/1' (đang là {shown})."


def test_missing_required_key():
    problems = problems_of(edit(('decision: "1/QĐ-BNV"\n', "")))
    assert [p.message for p in problems] == ["Thiếu khóa bắt buộc 'decision'."]


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_document_must_be_a_mapping(text):
    [problem] = problems_of(text)
    assert problem.message.startswith("Tệp phải là một bảng khóa–giá trị YAML")


def test_more_than_three_levels():
    deep = (
        "rule: proportional\n            official: false\n            children:\n"
        "              - {code: LV2.1.1.1, name_vi: Sâu, max_points: 40, official: false,"
        " source: appraisal, rule: binary}"
    )
    text = edit(("rule: proportional\n            official: false", deep))
    [problem] = problems_of(text)
    assert problem.message == (
        "Nút LV2.1.1.1: khung chỉ có 3 cấp (lĩnh vực, tiêu chí, tiêu chí thành phần)."
    )
    assert problem.row == line_no(text, "LV2.1.1.1")


def test_non_positive_max_points():
    problems = problems_of(edit(("max_points: 20", "max_points: 0")))
    assert "Nút LV1.1.1: điểm tối đa phải lớn hơn 0." in [p.message for p in problems]


def test_all_problems_are_collected_in_one_error():
    text = edit(
        ("lead_agency: STP", "lead_agency: XYZ"),
        ("rule: proportional\n            official: false", "rule: proportional"),
        ("rule: {kind: binary}", "rule: {kind: weird}"),
    )
    with pytest.raises(ValidationFailed) as info:
        load_text(text, origin="x.yaml")
    problems = info.value.problems
    assert len(problems) == 3
    assert info.value.message == "Khung chỉ số x.yaml có 3 lỗi; chưa dùng được."
    assert sorted(p.row for p in problems) == [
        line_no(text, "code: LV1.1.1"),
        line_no(text, "code: LV2"),
        line_no(text, "code: LV2.1.1"),
    ]
    assert {p.code for p in problems} == {"unknown_agency", "invalid_framework"}
    # The summary and every problem reach the user in one message.
    assert str(info.value).count("\n  - tệp x.yaml, dòng ") == 3
