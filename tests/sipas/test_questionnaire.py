"""Tests for chiso.sipas.questionnaire: the shipped questionnaires and the validator."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest

from chiso.errors import ValidationFailed
from chiso.sipas.questionnaire import (
    DESIGN_COLUMNS,
    Questionnaire,
    embedded,
    embedded_names,
    load_text,
)

SHIPPED = ("sipas-2024", "tinh-xa-2025", "tinh-so-2025")
UNIT_KINDS = {"sipas-2024": "province", "tinh-xa-2025": "commune", "tinh-so-2025": "department"}
TOP = {"sipas-2024": "SIPAS", "tinh-xa-2025": "SVC", "tinh-so-2025": "SVC"}
SERVICE_ELEMENT_SIZES = {"SVC.1": 3, "SVC.2": 4, "SVC.3": 5, "SVC.4": 3, "SVC.5": 3}
POLICY_GROUP_SIZES = {"POL.A": 2, "POL.B": 2, "POL.C": 9, "POL.D": 2}
POLICY_AREAS = (
    "phát triển kinh tế - xã hội",
    "khám, chữa bệnh",
    "giáo dục phổ thông",
    "nước sinh hoạt",
    "điện sinh hoạt",
    "trật tự, an toàn xã hội",
    "giao thông đường bộ",
    "an sinh xã hội",
    "cải cách hành chính",
)
CODE = re.compile(r"[A-Za-z][A-Za-z0-9._]*")

# Hà Nội 2024 as published: policy 86,51, service 86,49, SIPAS 86,50.
HANOI_2024 = {"POL": 86.51, "SVC": 86.49}
HANOI_2024_SIPAS = 86.50

# A small but complete questionnaire: 3 satisfaction items in 2 elements, 1 expectation item.
VALID = """\
schema: chiso.questionnaire/1
index: sipas
code: TEST-1
version: "2030"
name_vi: "Bảng hỏi thử nghiệm"
official: false
unit_kind: province
recipe: {nonresponse: exclude, min_n: 30}
scales:
  hai_long_5:
    labels:
      1: "Rất không hài lòng"
      2: "Không hài lòng"
      3: "Bình thường"
      4: "Hài lòng"
      5: "Rất hài lòng"
    positive: [4, 5]
  nhu_cau_3:
    labels: {1: "Ít", 2: "Nhiều", 3: "Rất nhiều"}
    positive: [2, 3]
items:
  - {code: Q1, kind: satisfaction, scale: hai_long_5, text_vi: "Câu một"}
  - {code: Q2, kind: satisfaction, scale: hai_long_5, text_vi: "Câu hai"}
  - {code: Q3, kind: satisfaction, scale: hai_long_5, text_vi: "Câu ba"}
  - {code: E1, kind: expectation, scale: nhu_cau_3, text_vi: "Mong đợi một"}
indicators:
  - {code: TOP, level: index, name_vi: "Tổng", children: [EL1, EL2]}
  - {code: EL1, level: element, name_vi: "Yếu tố một", children: [Q1, Q2]}
  - {code: EL2, level: element, name_vi: "Yếu tố hai", children: [Q3]}
profile:
  - {code: gender, label_vi: "Giới tính", choices: {1: "Nam", 2: "Nữ"}}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_text(text, origin="x.yaml")
    assert info.value.problems, "ValidationFailed must list its problems"
    assert all(p.file == "x.yaml" for p in info.value.problems)
    return [p.message for p in info.value.problems]


def _replace(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


# --- shipped questionnaires -----------------------------------------------------------------------


def test_embedded_names_lists_the_shipped_questionnaires() -> None:
    assert set(SHIPPED) <= set(embedded_names())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_questionnaire_loads(name: str) -> None:
    q = embedded(name)
    assert isinstance(q, Questionnaire)
    assert q.unit_kind == UNIT_KINDS[name]
    assert q.official is False
    assert q.nonresponse == "exclude"
    assert q.min_n == 30
    assert q.sources and all(s["url"].startswith("https://") and s["title"] for s in q.sources)
    assert q.notes


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_codes_are_column_safe_and_distinct(name: str) -> None:
    q = embedded(name)
    for code in q.items:
        assert CODE.fullmatch(code), code
    profile = [p.code for p in q.profile]
    assert len(profile) == len(set(profile))
    assert not set(q.items) & set(q.indicators)
    assert not set(profile) & (set(q.items) | set(q.indicators) | set(DESIGN_COLUMNS))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_text_is_nfc(name: str) -> None:
    q = embedded(name)
    texts = [q.name_vi, q.decision, q.notes]
    texts += [i.text_vi for i in q.items.values()] + [i.section for i in q.items.values()]
    texts += [n.name_vi for n in q.indicators.values()]
    texts += [label for s in q.scales.values() for label in s.labels.values()]
    texts += [p.label_vi for p in q.profile] + [c for p in q.profile for c in p.choices.values()]
    for text in texts:
        assert text == unicodedata.normalize("NFC", text)
    assert all(i.text_vi for i in q.items.values())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_indicators_use_each_satisfaction_item_once(name: str) -> None:
    q = embedded(name)
    children = [c for n in q.indicators.values() for c in n.children if c in q.items]
    assert all(q.items[c].kind == "satisfaction" for c in children)
    assert sorted(children) == sorted(i.code for i in q.items_of_kind("satisfaction"))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_top_indicator_covers_every_satisfaction_item(name: str) -> None:
    q = embedded(name)
    [root] = [n for n in q.indicators.values() if q.parent_of(n.code) is None]
    assert root.code == TOP[name]
    assert root.level == "index"
    coefficients = q.item_coefficients(root.code)
    assert math.fsum(coefficients.values()) == pytest.approx(1.0, abs=1e-12)
    assert set(coefficients) == {i.code for i in q.items_of_kind("satisfaction")}


@pytest.mark.parametrize("name", SHIPPED)
def test_walk_puts_parents_before_children(name: str) -> None:
    q = embedded(name)
    order = [n.code for n in q.walk()]
    assert sorted(order) == sorted(q.indicators)
    assert order[0] == TOP[name]
    position = {code: i for i, code in enumerate(order)}
    for node in q.indicators.values():
        for child in node.children:
            if child in q.indicators:
                assert position[node.code] < position[child]


@pytest.mark.parametrize("name", SHIPPED)
def test_service_elements_have_3_4_5_3_3_items(name: str) -> None:
    q = embedded(name)
    svc = q.indicators["SVC"]
    assert svc.children == tuple(SERVICE_ELEMENT_SIZES)
    for code, size in SERVICE_ELEMENT_SIZES.items():
        element = q.indicators[code]
        assert element.level == "element"
        assert len(element.children) == size
        assert all(q.items[c].scale == "hai_long_5" for c in element.children)
    assert sum(SERVICE_ELEMENT_SIZES.values()) == 18


# --- sipas-2024 ---------------------------------------------------------------------------------


def test_sipas_2024_item_counts() -> None:
    q = embedded("sipas-2024")
    assert len(q.items_of_kind("satisfaction")) == 33
    assert len(q.items_of_kind("expectation")) == 10
    assert len(q.items_of_kind("perception")) > 0
    assert len(q.items) == sum(
        len(q.items_of_kind(k)) for k in ("satisfaction", "perception", "expectation")
    )


def test_sipas_2024_tree() -> None:
    q = embedded("sipas-2024")
    assert q.indicators["SIPAS"].children == ("POL", "SVC")
    assert q.indicators["POL"].level == q.indicators["SVC"].level == "aspect"
    assert q.indicators["POL"].name_vi == "Chỉ số hài lòng về tổ chức xây dựng, thực thi chính sách"
    assert q.indicators["SVC"].name_vi == "Chỉ số hài lòng về cung ứng dịch vụ hành chính công"
    assert q.indicators["POL"].children == tuple(POLICY_GROUP_SIZES)
    for code, size in POLICY_GROUP_SIZES.items():
        assert q.indicators[code].level == "group"
        assert len(q.indicators[code].children) == size
    assert len(q.indicators) == 1 + 2 + len(POLICY_GROUP_SIZES) + len(SERVICE_ELEMENT_SIZES)


def test_sipas_2024_policy_quality_has_one_item_per_area() -> None:
    q = embedded("sipas-2024")
    texts = [q.items[c].text_vi for c in q.indicators["POL.C"].children]
    assert len(texts) == 9
    for area, text in zip(POLICY_AREAS, texts, strict=True):
        assert area in text


def test_sipas_2024_scales_and_cut_offs() -> None:
    q = embedded("sipas-2024")
    hai_long = q.scales["hai_long_5"]
    assert dict(hai_long.labels) == {
        1: "Rất không hài lòng",
        2: "Không hài lòng",
        3: "Bình thường",
        4: "Hài lòng",
        5: "Rất hài lòng",
    }
    assert hai_long.positive == (4, 5)
    assert dict(q.scales["nhu_cau_3"].labels) == {1: "Ít", 2: "Nhiều", 3: "Rất nhiều"}
    for item in q.items_of_kind("satisfaction"):
        assert q.positive_answers(item.code) == (4, 5)
    for item in q.items_of_kind("expectation"):
        assert item.scale == "nhu_cau_3"
        assert q.positive_answers(item.code) == (2, 3)
    assert q.positive_answers("C4") == (1,)
    assert q.scales[q.items["C4"].scale].labels[1] == "Không có"
    assert q.positive_answers("C5") == (1,)
    assert q.positive_answers("C6") == q.positive_answers("C7") == (2, 3)
    assert "C2" not in q.items  # multi-choice: not representable


def test_sipas_2024_coefficients() -> None:
    q = embedded("sipas-2024")
    coefficients = q.item_coefficients("SIPAS")
    assert math.fsum(coefficients.values()) == pytest.approx(1.0, abs=1e-12)
    for element in SERVICE_ELEMENT_SIZES:
        children = q.indicators[element].children
        for item in children:
            assert coefficients[item] == pytest.approx(0.5 * (1 / 5) * (1 / len(children)))
    for group in POLICY_GROUP_SIZES:
        children = q.indicators[group].children
        for item in children:
            assert coefficients[item] == pytest.approx(0.5 * (1 / 4) * (1 / len(children)))


def test_sipas_2024_reproduces_hanoi_2024() -> None:
    q = embedded("sipas-2024")
    assert q.compose(HANOI_2024)["SIPAS"] == pytest.approx(HANOI_2024_SIPAS, abs=1e-9)


def test_compose_from_items_is_the_weighted_sum() -> None:
    q = embedded("sipas-2024")
    values = {code: 80.0 + i for i, code in enumerate(q.item_coefficients("SIPAS"))}
    composed = q.compose(values)
    expected = math.fsum(c * values[i] for i, c in q.item_coefficients("SIPAS").items())
    assert composed["SIPAS"] == pytest.approx(expected, abs=1e-9)
    assert composed["SVC"] == pytest.approx(
        math.fsum(composed[e] for e in SERVICE_ELEMENT_SIZES) / 5, abs=1e-9
    )


def test_sipas_2024_profile() -> None:
    q = embedded("sipas-2024")
    profile = {p.code: p for p in q.profile}
    assert set(profile) == {
        "gender",
        "age_band",
        "ethnicity",
        "education",
        "occupation",
        "area",
        "terrain",
    }
    assert dict(profile["gender"].choices) == {1: "Nam", 2: "Nữ"}
    assert dict(profile["ethnicity"].choices) == {1: "Kinh", 2: "Dân tộc khác"}
    assert dict(profile["area"].choices) == {1: "Thành thị", 2: "Nông thôn"}
    assert dict(profile["terrain"].choices) == {1: "Miền núi", 2: "Đồng bằng", 3: "Hải đảo"}


# --- province-run variants ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tinh-xa-2025", "tinh-so-2025"])
def test_province_run_variant_is_service_only(name: str) -> None:
    q = embedded(name)
    assert {i.kind for i in q.items.values()} == {"satisfaction"}
    assert len(q.items) == 18
    assert "SIPAS" not in q.indicators
    assert "POL" not in q.indicators
    assert (
        q.code == {"tinh-xa-2025": "SIPAS-TINH-XA-2025", "tinh-so-2025": "SIPAS-TINH-SO-2025"}[name]
    )
    assert q.version == "2025"
    assert {p.code for p in q.profile} == {"gender", "age_band", "ethnicity", "channel"}
    coefficients = q.item_coefficients("SVC")
    for element, size in SERVICE_ELEMENT_SIZES.items():
        for item in q.indicators[element].children:
            assert coefficients[item] == pytest.approx((1 / 5) * (1 / size))


@pytest.mark.parametrize("name", ["tinh-xa-2025", "tinh-so-2025"])
def test_province_run_variant_reuses_the_national_service_items(name: str) -> None:
    national = embedded("sipas-2024")
    q = embedded(name)
    for element in SERVICE_ELEMENT_SIZES:
        assert q.indicators[element].children == national.indicators[element].children
    for code, item in q.items.items():
        assert item.text_vi == national.items[code].text_vi


# --- validation ---------------------------------------------------------------------------------


def test_valid_text_loads() -> None:
    q = load_text(VALID, origin="x.yaml")
    assert q.code == "TEST-1"
    assert q.item_coefficients("TOP") == pytest.approx({"Q1": 0.25, "Q2": 0.25, "Q3": 0.5})
    assert [n.code for n in q.walk()] == ["TOP", "EL1", "EL2"]


def test_duplicate_item_code() -> None:
    text = _replace(
        '  - {code: Q3, kind: satisfaction, scale: hai_long_5, text_vi: "Câu ba"}\n',
        '  - {code: Q3, kind: satisfaction, scale: hai_long_5, text_vi: "Câu ba"}\n'
        '  - {code: Q3, kind: satisfaction, scale: hai_long_5, text_vi: "Câu ba lặp"}\n',
    )
    assert "Mã câu hỏi Q3 bị trùng." in _problems(text)


def test_unknown_scale() -> None:
    text = _replace(
        "code: Q2, kind: satisfaction, scale: hai_long_5", "code: Q2, scale: hai_long_7"
    )
    assert "Câu hỏi Q2: thang đo 'hai_long_7' chưa khai báo." in _problems(text)


def test_item_positive_outside_the_scale() -> None:
    text = _replace(
        "code: Q1, kind: satisfaction, scale: hai_long_5,",
        "code: Q1, kind: satisfaction, scale: hai_long_5, positive: [5, 6],",
    )
    assert "Câu hỏi Q1: 'positive' phải là danh sách giá trị của thang đo." in _problems(text)


def test_scale_positive_outside_the_labels() -> None:
    text = _replace("positive: [2, 3]", "positive: [3, 4]")
    assert "Thang đo nhu_cau_3: 'positive' phải là các giá trị có trong labels." in _problems(text)


def test_indicator_child_that_is_an_expectation_item() -> None:
    text = _replace("children: [Q3]", "children: [Q3, E1]")
    assert "Chỉ số EL2: 'E1' không phải câu hỏi mức độ hài lòng." in _problems(text)


def test_weights_not_summing_to_one() -> None:
    text = _replace("children: [Q1, Q2]}", "children: [Q1, Q2], weights: [0.5, 0.6]}")
    assert "Chỉ số EL1: 'weights' phải cùng số phần tử với children, tổng 1." in _problems(text)


def test_weights_of_the_wrong_length() -> None:
    text = _replace("children: [Q1, Q2]}", "children: [Q1, Q2], weights: [1.0]}")
    assert "Chỉ số EL1: 'weights' phải cùng số phần tử với children, tổng 1." in _problems(text)


def test_cycle_between_indicators() -> None:
    text = _replace("children: [Q3]", "children: [Q3, TOP]")
    messages = _problems(text)
    assert "Chỉ số TOP tự chứa chính nó: TOP → EL2 → TOP." in messages
    assert "Chỉ số EL2 tự chứa chính nó: EL2 → TOP → EL2." in messages


def test_indicator_code_clashing_with_item_code() -> None:
    text = _replace("{code: EL2, level: element", "{code: Q1, level: element")
    assert "Chỉ số 'Q1': mã thiếu hoặc bị trùng." in _problems(text)


def test_unknown_indicator_child() -> None:
    text = _replace("children: [Q3]", "children: [Q3, Q9]")
    assert "Chỉ số EL2: 'Q9' không phải câu hỏi hay chỉ số đã khai báo." in _problems(text)


def test_profile_code_clashing_with_an_item() -> None:
    text = _replace("{code: gender,", "{code: Q1,")
    assert "Mã Q1 dùng cho hai cột khác nhau (câu hỏi/hồ sơ/thiết kế mẫu)." in _problems(text)


def test_profile_code_clashing_with_a_design_column() -> None:
    text = _replace("{code: gender,", "{code: unit,")
    assert "Mã unit dùng cho hai cột khác nhau (câu hỏi/hồ sơ/thiết kế mẫu)." in _problems(text)


def test_wrong_schema() -> None:
    text = _replace("schema: chiso.questionnaire/1", "schema: chiso.questionnaire/2")
    assert "Khóa 'schema' phải là 'chiso.questionnaire/1'." in _problems(text)


def test_unknown_unit_kind() -> None:
    text = _replace("unit_kind: province", "unit_kind: district")
    assert "'unit_kind' phải là một trong province, commune, department." in _problems(text)


def test_all_problems_are_reported_at_once() -> None:
    text = _replace("children: [Q3]", "children: [Q3, E1]").replace(
        "code: Q2, kind: satisfaction, scale: hai_long_5", "code: Q2, scale: hai_long_7"
    )
    messages = _problems(text)
    assert "Câu hỏi Q2: thang đo 'hai_long_7' chưa khai báo." in messages
    assert "Chỉ số EL2: 'E1' không phải câu hỏi mức độ hài lòng." in messages
