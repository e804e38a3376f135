"""The analysis report, agency briefs and conference papers, built from the demo analysis."""

import itertools
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from docx import Document as open_docx

from chiso.documents import conference as papers
from chiso.documents.briefs import agency_briefs
from chiso.documents.checks import check_document
from chiso.documents.model import Figure, Table
from chiso.documents.nd30 import build_docx
from chiso.documents.report import SurveyPart, analysis_report, report_tables, write_tables
from chiso.parindex.inputs import analyse_province
from chiso.sipas import reading
from chiso.sipas.estimate import estimate
from chiso.sipas.export import unit_names

VN = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def analysis():
    return analyse_province(province="Lạng Sơn", year=2025)


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    import os

    os.environ["CHISO_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    from chiso.demo import sipas as demo

    q = demo.questionnaire()
    now, before = estimate(demo.dataset(2025), q), estimate(demo.dataset(2024), q)
    return SurveyPart(
        tuple(now),
        q,
        unit_names(demo.dataset(2025), "unit", q),
        tuple(reading.changes(now, before)),
        2025,
        True,
        "Nguồn: minh họa.",
    )


def text_of(document) -> str:
    parts = []
    for block in document.body:
        if hasattr(block, "runs"):
            parts.append("".join(r.text for r in block.runs))
        elif hasattr(block, "text"):
            parts.append(block.text)
    return "\n".join(parts)


def test_report_states_the_figures_of_the_analysis(analysis, survey):
    document = analysis_report(analysis, survey=survey)
    text = text_of(document)
    assert "đạt 88,12/100 điểm (88,12%), xếp thứ 23/34 tỉnh, thành phố, thuộc nhóm B" in text
    assert "tăng 1,38 điểm phần trăm" in text  # 86,74 % in 2024
    top = analysis.below_max[0]
    assert f"{top.code} – {top.name}" in text
    assert "Trung bình vùng Trung du và miền núi phía Bắc".lower()[1:] in text.lower()
    assert document.type_name == "BÁO CÁO" and document.recipients == ("Ủy ban nhân dân tỉnh",)
    assert "minh họa" in document.illustrative_note
    tables = [b for b in document.body if isinstance(b, Table)]
    assert tables and all(t.source.startswith("Nguồn:") for t in tables)
    figures = [b for b in document.body if isinstance(b, Figure)]
    assert len(figures) >= 5 and all(f.png.startswith(b"\x89PNG") for f in figures)
    assert [a.title for a in document.appendices] == ["Phụ lục 1", "Phụ lục 2"]
    assert "thay đổi ở các đơn vị còn lại nằm trong sai số ngẫu nhiên" in text


def test_report_passes_the_document_checks_and_builds(analysis, survey):
    document = analysis_report(analysis, survey=survey)
    assert [f for f in check_document(document) if f.level == "error"] == []
    docx = open_docx(BytesIO(build_docx(document)))
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "BÁO CÁO" in body and "I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" in body
    assert len(docx.inline_shapes) >= 5


def test_every_table_goes_to_the_workbook(analysis, survey, tmp_path):
    from openpyxl import load_workbook

    document = analysis_report(analysis, survey=survey)
    path = tmp_path / "bang.xlsx"
    write_tables(document, path)
    wb = load_workbook(path)
    assert len(wb.sheetnames) == len(report_tables(document)) >= 5
    first = wb[wb.sheetnames[0]]
    assert first["A1"].value.startswith("Bảng 1.")


def test_each_agency_brief_lists_only_its_items_and_the_three_questions(analysis):
    briefs = agency_briefs(analysis, deadline=date(2026, 5, 27), conference=date(2026, 5, 29))
    assert [code for code, _ in briefs] == [g.agency for g in analysis.agencies]
    _code, document = briefs[0]
    group = analysis.agencies[0]
    table = next(b for b in document.body if isinstance(b, Table))
    assert [row[0] for row in table.rows] == [i.code for i in group.items]
    text = text_of(document)
    for phrase in ("Nguyên nhân", "Trách nhiệm", "Giải pháp năm 2026", "trước ngày 27/5/2026"):
        assert phrase in text
    assert document.type_name is None and document.subject.startswith("V/v")
    assert [f for f in check_document(document) if f.level == "error"] == []


def test_programme_is_timed_and_presenters_follow_the_losses(analysis):
    start = datetime(2026, 5, 29, 14, 0, tzinfo=VN)
    setting = papers.Conference(start=start, venue="Hội trường HĐND - UBND tỉnh", presenters=3)
    steps = papers.programme(analysis, setting)
    assert steps[0][0] == start
    assert all(a[0] < b[0] for a, b in itertools.pairwise(steps))
    presenters = [who for _, item, who in steps if item.startswith("Tham luận")]
    from chiso.parindex.export import agency_name

    assert presenters == [agency_name(g.agency) for g in analysis.agencies[:3]]
    for build in (papers.script, papers.opening_remarks, papers.closing_remarks, papers.news_item):
        document = build(analysis, setting)
        assert document.number is None
        assert [f for f in check_document(document) if f.level == "error"] == []
        assert build_docx(document)[:2] == b"PK"
    script = papers.script(analysis, setting)
    assert "14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)" in text_of(script)
