"""Write a questionnaire as an XLSForm (.xlsx) for KoboToolbox or ODK Collect.

The form is built so that its data comes back into chiso without a mapping step: every answer
field is *named exactly after the item or profile code* (``C9.15``, ``gender``), the unit field
is ``unit`` and the survey point is ``psu``. KoboToolbox's "XML values and headers" export then
has columns like ``g3/C9.15`` and ``thong_tin/unit``; :func:`chiso.sipas.responses.kobo_header`
strips the group path, so the export imports with ``import_responses`` as it is. Answers are
stored as the scale's integer codes (choice ``name``), never as labels, so a relabelled scale or a
typo in a label cannot change the data. Items are not required: a blank is "no answer", which
the recipe excludes from the denominator. The form also records ``start`` and ``end`` (interview
times, for fieldwork checks); the importer ignores them.

Unit choices use the codes :func:`chiso.sipas.responses.unit_lookup` accepts: commune codes,
agency codes, and for provinces the two-digit official code of the questionnaire's year (a
name would need spaces and diacritics in a choice value, which some exports mangle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from chiso import units, vi
from chiso.errors import Problem, ValidationFailed
from chiso.sipas.questionnaire import Questionnaire
from chiso.sipas.responses import _year_of

LANGUAGE = "Tiếng Việt (vi)"
LABEL = f"label::{LANGUAGE}"
HINT = f"hint::{LANGUAGE}"
SURVEY_COLUMNS = ("type", "name", LABEL, HINT, "required", "relevant", "appearance")
CHOICES_COLUMNS = ("list_name", "name", LABEL)
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")
UNIT_LIST = "don_vi"
INFO_GROUP = "thong_tin"
# An XML element name without a namespace (NCName): a letter or "_" first, then letters, digits,
# ".", "-" or "_". ODK turns each field name into an element, so "C9.15" is fine but "9.15" is not.
_XML_NAME = re.compile(r"[^\W\d][\w.\-]*")
_UNIT_QUESTION = {
    "province": "Tỉnh, thành phố",
    "commune": "Xã, phường",
    "department": "Cơ quan, đơn vị",
}

Row = dict[str, str]


def write_xlsform(
    questionnaire: Questionnaire, path: str | Path, *, title: str | None = None
) -> Path:
    """Write ``questionnaire`` as an XLSForm at ``path``; return the path.

    Raises ValidationFailed if a code cannot be an ODK field name or two fields share a name.
    """
    import openpyxl

    survey = _survey(questionnaire)
    choices = _choices(questionnaire)
    _check_names(questionnaire, survey)
    settings = {
        "form_title": title or questionnaire.name_vi,
        "form_id": form_id(questionnaire.code),
        "version": questionnaire.version,
        "default_language": LANGUAGE,
    }
    workbook = openpyxl.Workbook()
    _sheet(workbook.active, "survey", SURVEY_COLUMNS, survey)
    _sheet(workbook.create_sheet(), "choices", CHOICES_COLUMNS, choices)
    _sheet(workbook.create_sheet(), "settings", SETTINGS_COLUMNS, [settings])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def form_id(code: str) -> str:
    """``SIPAS-1001-2024`` → ``sipas_1001_2024``: lower case, only [a-z0-9_]."""
    text = vi.strip_diacritics(code).lower()
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", text)).strip("_") or "chiso_sipas"


def unit_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(choice name, label) of the questionnaire's units, in Vietnamese order of the labels."""
    if questionnaire.unit_kind == "commune":
        pairs = [(c.code, c.name) for c in units.communes()]
    elif questionnaire.unit_kind == "department":
        pairs = [(a.code, a.name) for a in units.agencies() if a.kind != "commune"]
    else:
        pairs = [(p.code, p.name) for p in units.provinces(_year_of(questionnaire))]
    return vi.sorted_vi(pairs, key=lambda pair: pair[1])


def _survey(questionnaire: Questionnaire) -> list[Row]:
    rows: list[Row] = [
        # Interview start and end times: Kobo exports them first; chiso ignores them on import.
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "begin_group", "name": INFO_GROUP, LABEL: "Thông tin phiếu"},
        {
            "type": f"select_one {UNIT_LIST}",
            "name": "unit",
            LABEL: _UNIT_QUESTION[questionnaire.unit_kind],
            HINT: "Gõ vài chữ để tìm trong danh sách.",
            "required": "yes",
            "appearance": "autocomplete",
        },
        {
            "type": "text",
            "name": "psu",
            LABEL: "Thôn, tổ dân phố / điểm khảo sát",
            "required": "yes",
        },
    ]
    lists = _profile_lists(questionnaire)
    for field in questionnaire.profile:
        rows.append(
            {"type": f"select_one {lists[field.code]}", "name": field.code, LABEL: field.label_vi}
        )
    rows.append({"type": "end_group"})
    sections: dict[str, list[str]] = {}
    for item in questionnaire.items.values():
        sections.setdefault(item.section, []).append(item.code)
    for number, (section, codes) in enumerate(sections.items(), start=1):
        rows.append(
            {"type": "begin_group", "name": f"g{number}", LABEL: section or f"Phần {number}"}
        )
        for code in codes:
            item = questionnaire.items[code]
            rows.append(
                {
                    "type": f"select_one {item.scale}",
                    "name": code,
                    LABEL: item.text_vi or code,
                    HINT: f"Câu {code}",
                }
            )
        rows.append({"type": "end_group"})
    return rows


def _profile_lists(questionnaire: Questionnaire) -> dict[str, str]:
    """Profile code → its choice list name (the code, unless a scale already uses that name)."""
    taken = {UNIT_LIST, *questionnaire.scales}
    lists = {}
    for field in questionnaire.profile:
        name = field.code
        while name in taken:
            name += "_hs"
        taken.add(name)
        lists[field.code] = name
    return lists


def _choices(questionnaire: Questionnaire) -> list[Row]:
    rows = [
        {"list_name": UNIT_LIST, "name": code, LABEL: label}
        for code, label in unit_choices(questionnaire)
    ]
    for scale in questionnaire.scales.values():
        rows += [
            {"list_name": scale.code, "name": str(value), LABEL: label}
            for value, label in scale.labels.items()
        ]
    lists = _profile_lists(questionnaire)
    for field in questionnaire.profile:
        rows += [
            {"list_name": lists[field.code], "name": str(value), LABEL: label}
            for value, label in field.choices.items()
        ]
    return rows


def _check_names(questionnaire: Questionnaire, survey: list[Row]) -> None:
    file = Path(questionnaire.path).name if questionnaire.path else questionnaire.code
    problems = []
    seen: set[str] = set()
    for row in survey:
        name = row.get("name")
        if name is None:
            continue
        if not _XML_NAME.fullmatch(name):
            problems.append(
                Problem(
                    f"Mã {name!r} không dùng được làm tên trường ODK/Kobo: phải bắt đầu bằng chữ "
                    "cái hoặc '_', chỉ gồm chữ, số, '.', '-', '_'.",
                    file=file,
                    code="bad_field_name",
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    f"Tên trường {name!r} bị trùng trong biểu mẫu (mã câu hỏi/hồ sơ trùng với "
                    "tên nhóm hoặc cột unit, psu).",
                    file=file,
                    code="duplicate_field_name",
                )
            )
        seen.add(name)
    if problems:
        raise ValidationFailed(
            f"Không tạo được biểu mẫu XLSForm từ bảng hỏi {questionnaire.code}.", problems
        )


def _sheet(ws, title: str, columns: tuple[str, ...], rows: Iterable[Row]) -> None:
    """Every value as written: a label from a questionnaire file that starts with "=" stays text
    (openpyxl would store a formula, which Kobo and Excel would run), and control characters no
    workbook can hold are dropped. No apostrophe: Kobo shows labels exactly as given."""
    ws.title = title
    ws.append(list(columns))
    for row in rows:
        values = [row.get(column) for column in columns]
        ws.append([vi.strip_controls(v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
