"""Tests for chiso.sipas.xlsform: the XLSForm converts to a valid XForm, and its Kobo export
imports back through chiso.sipas.responses unchanged."""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from pyxform.xls2xform import convert

from chiso import units
from chiso.errors import ValidationFailed
from chiso.sipas.questionnaire import Questionnaire, embedded, load_text
from chiso.sipas.responses import import_responses
from chiso.sipas.xlsform import (
    CHOICES_COLUMNS,
    LANGUAGE,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    form_id,
    unit_choices,
    write_xlsform,
)

SHIPPED = ("sipas-2024", "tinh-xa-2025", "tinh-so-2025")
XF = "{http://www.w3.org/2002/xforms}"
KOBO_TAIL = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)

SMALL = """
schema: chiso.questionnaire/1
code: Thử-nghiệm 2025
version: "2025.1"
name_vi: "Phiếu thử nghiệm"
unit_kind: commune
scales:
  hai_long_5:
    labels: {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng",
             5: "Rất hài lòng"}
    positive: [4, 5]
  co_khong:
    labels: {1: "Có", 2: "Không"}
    positive: [1]
items:
  - {code: C1.1, scale: hai_long_5, section: "Tiếp cận", text_vi: "Dễ tìm nơi nộp hồ sơ"}
  - {code: C2.1, scale: hai_long_5, section: "Công chức", text_vi: "Công chức lịch sự"}
  - {code: C1.2, scale: hai_long_5, section: "Tiếp cận", text_vi: "Có chỗ ngồi chờ"}
  - {code: C3, kind: perception, scale: co_khong, section: "Trải nghiệm", text_vi: "Đã nộp hồ sơ"}
indicators:
  - {code: SVC, children: [C1.1, C1.2, C2.1]}
profile:
  - {code: gender, label_vi: "Giới tính", choices: {1: "Nam", 2: "Nữ"}}
  - {code: co_khong, label_vi: "Có con đi học", choices: {1: "Có", 2: "Không"}}
"""


def small(text: str = SMALL) -> Questionnaire:
    return load_text(text, origin="thu-nghiem.yaml")


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[name]
    grid = list(ws.iter_rows(values_only=True))
    return [dict(zip(grid[0], row, strict=True)) for row in grid[1:]]


def sheet_header(path: Path, name: str) -> tuple[object, ...]:
    return next(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))


# --- the workbook ---------------------------------------------------------------------------------


def test_sheets_columns_and_settings(tmp_path: Path) -> None:
    q = small()
    path = write_xlsform(q, tmp_path / "form.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["survey", "choices", "settings"]
    assert sheet_header(path, "survey") == SURVEY_COLUMNS
    assert sheet_header(path, "choices") == CHOICES_COLUMNS
    assert sheet_header(path, "settings") == SETTINGS_COLUMNS
    assert SURVEY_COLUMNS[:4] == (
        "type",
        "name",
        "label::Tiếng Việt (vi)",
        "hint::Tiếng Việt (vi)",
    )
    (settings,) = sheet_rows(path, "settings")
    assert settings == {
        "form_title": "Phiếu thử nghiệm",
        "form_id": "thu_nghiem_2025",
        "version": "2025.1",
        "default_language": "Tiếng Việt (vi)",
    }
    titled = write_xlsform(q, tmp_path / "titled.xlsx", title="Khảo sát xã Đoàn Kết")
    assert sheet_rows(titled, "settings")[0]["form_title"] == "Khảo sát xã Đoàn Kết"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("SIPAS-1001-2024", "sipas_1001_2024"),
        ("SIPAS-TINH-XA-2025", "sipas_tinh_xa_2025"),
        ("Đánh giá  2025/v2", "danh_gia_2025_v2"),
    ],
)
def test_form_id(code: str, expected: str) -> None:
    assert form_id(code) == expected


def test_survey_layout(tmp_path: Path) -> None:
    q = small()
    survey = sheet_rows(write_xlsform(q, tmp_path / "form.xlsx"), "survey")
    label = f"label::{LANGUAGE}"
    kinds = [(r["type"], r["name"]) for r in survey]
    assert kinds == [
        ("start", "start"),
        ("end", "end"),
        ("begin_group", "thong_tin"),
        ("select_one don_vi", "unit"),
        ("text", "psu"),
        ("select_one gender", "gender"),
        # the profile list may not reuse the scale's list name
        ("select_one co_khong_hs", "co_khong"),
        ("end_group", None),
        # items grouped by section in order of first appearance, not sorted
        ("begin_group", "g1"),
        ("select_one hai_long_5", "C1.1"),
        ("select_one hai_long_5", "C1.2"),
        ("end_group", None),
        ("begin_group", "g2"),
        ("select_one hai_long_5", "C2.1"),
        ("end_group", None),
        ("begin_group", "g3"),
        ("select_one co_khong", "C3"),
        ("end_group", None),
    ]
    by_name = {r["name"]: r for r in survey if r["name"]}
    assert by_name["thong_tin"][label] == "Thông tin phiếu"
    assert by_name["psu"][label] == "Thôn, tổ dân phố / điểm khảo sát"
    assert by_name["unit"]["required"] == by_name["psu"]["required"] == "yes"
    assert by_name["g1"][label] == "Tiếp cận"
    assert by_name["C2.1"][label] == "Công chức lịch sự"
    # blank = no answer: no item and no profile field is required
    assert all(by_name[c]["required"] is None for c in (*q.items, "gender", "co_khong"))


def test_choices(tmp_path: Path) -> None:
    q = small()
    choices = sheet_rows(write_xlsform(q, tmp_path / "form.xlsx"), "choices")
    label = f"label::{LANGUAGE}"
    lists: dict[str, list[tuple[str, str]]] = {}
    for row in choices:
        lists.setdefault(row["list_name"], []).append((row["name"], row[label]))
    assert lists["hai_long_5"] == [
        ("1", "Rất không hài lòng"),
        ("2", "Không hài lòng"),
        ("3", "Bình thường"),
        ("4", "Hài lòng"),
        ("5", "Rất hài lòng"),
    ]
    assert lists["co_khong"] == lists["co_khong_hs"] == [("1", "Có"), ("2", "Không")]
    assert lists["gender"] == [("1", "Nam"), ("2", "Nữ")]
    communes = lists["don_vi"]
    assert sorted(communes) == sorted((c.code, c.name) for c in units.communes())
    assert ("06001", "xã Đoàn Kết") in communes
    assert all(name.startswith(("xã ", "phường ")) for _, name in communes)


@pytest.mark.parametrize("name", SHIPPED)
def test_unit_choices_of_each_kind(name: str) -> None:
    q = embedded(name)
    choices = unit_choices(q)
    codes = [code for code, _ in choices]
    assert len(set(codes)) == len(codes)
    if q.unit_kind == "province":
        assert len(choices) == 63  # the 2024 results rank 63 provinces
        assert ("01", "Hà Nội") in choices and ("20", "Lạng Sơn") in choices
        assert all(len(code) == 2 and code.isdigit() for code in codes)
    elif q.unit_kind == "commune":
        assert len(choices) == len(units.communes())
    else:
        agencies = [a for a in units.agencies() if a.kind != "commune"]
        assert sorted(choices) == sorted((a.code, a.name) for a in agencies)
        assert not any(code.startswith("XA-") for code in codes)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("code: C3,", "code: 3C,"), "'3C'"),  # an XML name cannot start with a digit
        (("code: C3,", "code: g1,"), "'g1'"),  # clashes with the first section's group
        (("code: gender,", "code: psu,"), "psu"),  # clashes with the survey-point field
    ],
)
def test_names_odk_cannot_take_are_refused(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    """Refused by the questionnaire loader or, for form-only clashes, by the exporter."""
    with pytest.raises(ValidationFailed) as info:
        write_xlsform(small(SMALL.replace(*edit)), tmp_path / "form.xlsx")
    assert message in str(info.value) or any(message in str(p) for p in info.value.problems)
    assert not (tmp_path / "form.xlsx").exists()


# --- pyxform: the XLSForm becomes a valid XForm --------------------------------------------------


def to_xform(path: Path, *, validate: bool = False) -> ET.Element:
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=validate)
    assert warnings == []
    return ET.fromstring(result.xform)


@pytest.mark.parametrize("name", SHIPPED)
def test_pyxform_converts_the_embedded_questionnaires(tmp_path: Path, name: str) -> None:
    q = embedded(name)
    root = to_xform(write_xlsform(q, tmp_path / f"{name}.xlsx"))
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    fields = {nodeset.rsplit("/", 1)[-1]: nodeset for nodeset in binds}
    for code in (*q.items, *(p.code for p in q.profile), "unit", "psu"):
        assert code in fields, code
    sections = list(dict.fromkeys(i.section for i in q.items.values()))
    for item in q.items.values():
        group = f"g{sections.index(item.section) + 1}"
        assert fields[item.code] == f"/data/{group}/{item.code}"
        assert binds[fields[item.code]].get("required") is None
    assert binds["/data/thong_tin/unit"].get("required") == "true()"
    assert binds["/data/thong_tin/psu"].get("required") == "true()"

    (translation,) = root.iter(f"{XF}translation")
    assert translation.get("lang") == LANGUAGE
    texts = {t.get("id"): t.findtext(f"{XF}value") for t in translation.iter(f"{XF}text")}
    shown = set(texts.values())
    assert "Rất hài lòng" in shown
    assert {i.text_vi for i in q.items.values()} <= shown
    assert {p.label_vi for p in q.profile} <= shown

    instances = {i.get("id"): i for i in root.iter(f"{XF}instance")}
    data = instances[None].find(f"{XF}data")
    assert data.get("id") == form_id(q.code)
    assert data.get("version") == q.version
    units_list = [item.findtext(f"{XF}name") for item in instances["don_vi"].iter(f"{XF}item")]
    assert units_list == [code for code, _ in unit_choices(q)]
    for scale in q.scales.values():
        names = [item.findtext(f"{XF}name") for item in instances[scale.code].iter(f"{XF}item")]
        assert names == [str(v) for v in scale.values]


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
@pytest.mark.parametrize("name", SHIPPED)
def test_odk_validate_accepts_the_form(tmp_path: Path, name: str) -> None:
    to_xform(write_xlsform(embedded(name), tmp_path / f"{name}.xlsx"), validate=True)


# --- a KoboToolbox export comes back -------------------------------------------------------------


def kobo_headers(form: Path) -> list[str]:
    """The columns of Kobo's "XML values and headers" export of ``form``, group paths included."""
    headers, groups = [], []
    for row in sheet_rows(form, "survey"):
        if row["type"] == "begin_group":
            groups.append(row["name"])
        elif row["type"] == "end_group":
            groups.pop()
        else:
            headers.append("/".join((*groups, row["name"])))
    return [*headers, *KOBO_TAIL]


def unit_names(form: Path) -> list[str]:
    return [r["name"] for r in sheet_rows(form, "choices") if r["list_name"] == "don_vi"]


def kobo_rows(q: Questionnaire, form: Path, answers: list[dict[str, int | None]]) -> list[list]:
    """Submissions as Kobo exports them: choice names as text, blanks empty, metadata last."""
    headers = kobo_headers(form)
    units_ = unit_names(form)
    rows = []
    for n, given in enumerate(answers, start=1):
        values = {
            "start": f"2025-09-0{n}T08:0{n}:00.000+07:00",
            "end": f"2025-09-0{n}T08:2{n}:00.000+07:00",
            "unit": units_[n % 3],
            "psu": f"Thôn Nà Sầm {n}",
            "_id": 41000 + n,
            "_uuid": f"5b1f0c2e-0000-4000-8000-00000000000{n}",
            "_submission_time": f"2025-09-0{n}T02:00:00",
            "_validation_status": "",
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": "",
            "__version__": "vQh8gT6FzQ3NfYh",
            "_tags": "",
            "_index": n,
            **{code: "" if v is None else str(v) for code, v in given.items()},
        }
        rows.append([values.get(h.rsplit("/", 1)[-1], "") for h in headers])
    return rows


def some_answers(q: Questionnaire) -> list[dict[str, int | None]]:
    """Four respondents with varied answers; the second skips every fourth question."""
    result = []
    for r in range(4):
        given: dict[str, int | None] = {}
        for i, (code, item) in enumerate(q.items.items()):
            values = q.scales[item.scale].values
            given[code] = None if r == 1 and i % 4 == 0 else values[(i + r) % len(values)]
        for field in q.profile:
            given[field.code] = list(field.choices)[r % len(field.choices)]
        result.append(given)
    result[3] = {code: (v if i < 3 else None) for i, (code, v) in enumerate(result[3].items())}
    return result


def write_export(path: Path, headers: list[str], rows: list[list]) -> Path:
    if path.suffix == ".csv":  # Kobo's CSV: semicolons, every value quoted
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL)
            writer.writerow(headers)
            writer.writerows(rows)
    else:
        workbook = openpyxl.Workbook()
        workbook.active.title = "SIPAS"
        workbook.active.append(headers)
        for row in rows:
            workbook.active.append([None if v == "" else v for v in row])
        workbook.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", SHIPPED)
def test_kobo_export_round_trip(tmp_path: Path, name: str, suffix: str) -> None:
    q = embedded(name)
    form = write_xlsform(q, tmp_path / "form.xlsx")
    answers = some_answers(q)
    headers = kobo_headers(form)
    assert headers[:4] == ["start", "end", "thong_tin/unit", "thong_tin/psu"]
    assert f"g1/{next(iter(q.items))}" in headers
    export = write_export(tmp_path / f"export{suffix}", headers, kobo_rows(q, form, answers))

    dataset = import_responses(export, questionnaire=q, store=tmp_path / "store")
    table = pq.read_table(dataset.parquet).to_pylist()
    assert len(table) == dataset.rows == len(answers)
    assert [r["respondent_id"] for r in table] == [
        f"5b1f0c2e-0000-4000-8000-00000000000{n}" for n in range(1, 5)
    ]
    choices = unit_names(form)
    lookup = {
        "province": {p.code: p.name for p in units.provinces(2024)},
        "commune": {c.code: c.code for c in units.communes()},
        "department": {a.code: a.code for a in units.agencies()},
    }[q.unit_kind]
    assert [r["unit"] for r in table] == [lookup[choices[n % 3]] for n in range(1, 5)]
    assert [r["psu"] for r in table] == [f"Thôn Nà Sầm {n}" for n in range(1, 5)]
    for row, given in zip(table, answers, strict=True):
        for code in q.answer_columns:
            assert row[code] == given[code], (row["respondent_id"], code)
    first = next(iter(q.items))
    assert table[1][first] is None  # a blank stays a blank, not 0
    assert dataset.manifest["counts"]["answers"] == sum(
        v is not None for given in answers for code, v in given.items() if code in q.items
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_kobo_export_names_row_and_column(tmp_path: Path, suffix: str) -> None:
    q = embedded("tinh-xa-2025")
    form = write_xlsform(q, tmp_path / "form.xlsx")
    headers = kobo_headers(form)
    rows = kobo_rows(q, form, some_answers(q))
    satisfaction = next(i.code for i in q.items.values() if i.scale == "hai_long_5")
    answer_header = next(h for h in headers if h.endswith(f"/{satisfaction}"))
    rows[1][headers.index(answer_header)] = "7"  # spreadsheet row 3
    rows[2][headers.index("thong_tin/unit")] = "99999"  # spreadsheet row 4
    export = write_export(tmp_path / f"bad{suffix}", headers, rows)
    store = tmp_path / "store"

    with pytest.raises(ValidationFailed) as info:
        import_responses(export, questionnaire=q, store=store)
    found = {(p.code, p.row, p.column) for p in info.value.problems}
    assert ("out_of_scale", 3, answer_header) in found
    assert ("unknown_unit", 4, "thong_tin/unit") in found
    text = str(info.value)
    assert f"dòng 3, cột '{answer_header}'" in text
    assert "dòng 4, cột 'thong_tin/unit'" in text
    assert "'7'" in text and "'99999'" in text
    assert not store.exists() or not [p for p in store.iterdir() if ".parquet" in p.name]
