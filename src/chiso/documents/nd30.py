"""Lay out a :class:`~chiso.documents.model.Document` as DOCX in the Nghị định 30/2020/NĐ-CP format.

The decree fixes the page (A4, margins, Times New Roman 14 pt, ``./.`` at the end), the header
(cơ quan ban hành and số ký hiệu on the left, Quốc hiệu and the date on the right), the title
block and the signature block beside Nơi nhận (Phụ lục I). A clerk opens our file in Word, a
server renders it with LibreOffice; the two disagree on every default (Word's Normal style,
theme fonts, autofit tables, a table's grid against its cells), so everything is set explicitly
here: fonts on the styles *and* on every run, column widths in the grid *and* in every cell,
borders switched off by name, spacing on every paragraph.

See ``/work/shared/reference/nd30-document-format.md`` for the rules this module follows.
"""

from __future__ import annotations

import copy
import dataclasses
import io
from collections.abc import Sequence
from datetime import date

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun
from lxml import etree

from chiso import vi
from chiso.documents.model import (
    Appendix,
    Block,
    Bullet,
    Document,
    Figure,
    Heading,
    IssueDate,
    Number,
    PageBreak,
    Paragraph,
    Run,
    Table,
)

__all__ = ["DOC_TYPES", "build_docx", "date_text", "number_text"]

# Tên loại văn bản and their abbreviations in the số ký hiệu (Phụ lục III). Mixed case is part of
# the code ("QyĐ" must not collide with "QĐ"), and Đ is U+0110, never a D with a stroke mark.
DOC_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
}

FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
# Left for the văn thư to write the number or the day by hand; wide enough for "123" or "29".
BLANK = " " * 6

# Page geometry (mm). Portrait: binding on the left. A landscape page is turned a quarter so that
# its top edge lies on the binding: the wide margin goes to the top, the narrow one to the bottom.
PORTRAIT_MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
LANDSCAPE_MARGINS = {"top": 30, "bottom": 15, "left": 20, "right": 20}
HEADER_DISTANCE_MM = 10
TEXT_WIDTH_CM = (210 - PORTRAIT_MARGINS["left"] - PORTRAIT_MARGINS["right"]) / 10  # 16.5
LANDSCAPE_TEXT_WIDTH_CM = (297 - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"]) / 10
LEFT_COLUMN_CM = 6.0
RIGHT_COLUMN_CM = TEXT_WIDTH_CM - LEFT_COLUMN_CM  # 10.5

BODY_PT = 14
FIRST_LINE = Cm(1.27)
BODY_LINE_SPACING = 1.15  # the decree allows single to 1.5
BODY_AFTER_PT = 6
SIGNATURE_SPACE_LINES = 4  # room for the signature and the seal
RULE_FRACTION = 0.4  # rules under the issuer and the trích yếu: 1/3–1/2 of the text width
RULE_SIZE = 6  # eighths of a point: a 0.75 pt solid line

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}

# Schema order of the children we add by hand (python-docx only knows some of them).
_PPR = (
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr"),
    *("w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs"),
    *("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct"),
    *("w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid"),
    *("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap"),
    *("w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl"),
    *("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
_RPR = (
    *("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps"),
    *("w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof"),
    *("w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern"),
    *("w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd"),
    *("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout"),
    *("w:specVanish", "w:oMath"),
)
_TBLPR = (
    *("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize"),
    *("w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd"),
    *("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"),
    *("w:tblDescription", "w:tblPrChange"),
)
_TRPR = (
    *("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter"),
    *("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
)
_TCPR = (
    *("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd"),
    *("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
)
_SECTPR = (
    *("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type"),
    *("w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType"),
    *("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection"),
    *("w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
)

Container = DocxDocument | _Cell


# --- texts --------------------------------------------------------------------------------------


def number_text(number: Number) -> str:
    """The số ký hiệu line as printed: ``Số: 05/GM-UBND``, ``Số: 12/UBND-NC``, ``Số:   /GM-UBND``.

    Numbers below 10 take a leading zero (Phụ lục I); ``number=None`` leaves a blank because the
    văn thư assigns the number only when the document is signed. A document with a tên loại has
    the symbol ``<type>-<issuer>``; a công văn (``doc_type=""``) has ``<issuer>-<unit>``.
    """
    if number.doc_type:
        if number.doc_type not in DOC_TYPES:
            known = ", ".join(DOC_TYPES)
            raise ValueError(f"Không có loại văn bản viết tắt '{number.doc_type}' ({known})")
        if number.unit:
            raise ValueError(
                "Ký hiệu của văn bản có tên loại không ghi đơn vị soạn thảo; "
                "chỉ công văn mới có dạng 'UBND-NC'"
            )
        symbol = f"{number.doc_type}-{number.issuer_code}"
    else:
        symbol = number.issuer_code + (f"-{number.unit}" if number.unit else "")
    if number.number is None:
        return vi.nfc(f"Số:{BLANK}/{symbol}")
    if number.number < 1:
        raise ValueError(f"Số văn bản phải là số nguyên dương, không phải {number.number}")
    return vi.nfc(f"Số: {number.number:02d}/{symbol}")


def date_text(place: str, issued: IssueDate) -> str:
    """``Lạng Sơn, ngày 29 tháng 5 năm 2026``, with blanks for a day or month not yet decided.

    Complete dates go through :func:`chiso.vi.format_date` (leading zeros for days < 10 and
    months 1–2); a blank day or month is left as spaces for the signer to write in by hand.
    """
    if issued.month is not None and issued.day is not None:
        return vi.nfc(f"{place}, {vi.format_date(date(issued.year, issued.month, issued.day))}")
    if issued.month is None:
        month_year = f"{BLANK}năm {issued.year}"
    else:
        # The month's printed form ("02", "5") is whatever format_date gives on any day of it.
        month_year = " " + vi.format_date(date(issued.year, issued.month, 1)).split(" tháng ")[1]
    if issued.day is None:
        return vi.nfc(f"{place}, ngày{BLANK}tháng{month_year}")
    return vi.nfc(f"{place}, ngày {issued.day:02d} tháng{month_year}")


def _with_end_mark(body: Sequence[Block]) -> tuple[Block, ...]:
    """End the content with ``./.`` (Phụ lục I): on the last paragraph, or on a line of its own.

    Generators write their closing sentence ("Trân trọng kính mời … Hội nghị./.") with or
    without the mark; adding it here means no document leaves without it, and never twice.
    """
    blocks = list(body)
    if not blocks:
        return ()
    last = blocks[-1]
    if isinstance(last, Heading):
        blocks[-1] = dataclasses.replace(last, text=_end_mark(last.text))
    elif isinstance(last, Paragraph | Bullet) and last.runs:
        end = last.runs[-1]
        runs = (*last.runs[:-1], dataclasses.replace(end, text=_end_mark(end.text)))
        blocks[-1] = dataclasses.replace(last, runs=runs)
    else:
        blocks.append(Paragraph.text("./.", indent=False, align="left"))
    return tuple(blocks)


def _end_mark(text: str) -> str:
    text = text.rstrip()
    if text.endswith("./."):
        return text
    if text.endswith("."):
        return text + "/."
    return text.rstrip(";:,") + "./."


def _issuer_lines(name: str) -> list[str]:
    """Break a long cơ quan ban hành in two balanced lines, as printed: "ỦY BAN NHÂN DÂN" /
    "TỈNH LẠNG SƠN".

    Left to itself Word fills the 6 cm column greedily ("ỦY BAN NHÂN DÂN TỈNH" / "LẠNG SƠN").
    Explicit "\\n" in the name is kept as given.
    """
    if "\n" in name:
        return [line.strip() for line in name.split("\n") if line.strip()]
    if _text_width_cm(name, 12, bold=True) <= LEFT_COLUMN_CM - 0.4:
        return [name]
    words = name.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    best = min(splits, key=lambda s: max(_text_width_cm(part, 12, bold=True) for part in s))
    return list(best)


# --- text measurement (rule lengths, line breaks of the agency name, the Kính gửi block) --------

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
# Advance widths in 1/1000 em of Times (the metrics Times New Roman, Liberation Serif and Tinos
# share): regular and bold. Vietnamese letters are measured by their base letter.
_WIDTHS = {
    False: {
        **dict(zip(_UPPER, (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                            722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611),
                   strict=True)),
        **dict(zip(_LOWER, (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
                            500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444),
                   strict=True)),
        **dict.fromkeys(" .,", 250), **dict.fromkeys(":;/", 278), **dict.fromkeys("-()", 333),
    },
    True: {
        **dict(zip(_UPPER, (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                            722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667),
                   strict=True)),
        **dict(zip(_LOWER, (500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
                            556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444),
                   strict=True)),
        **dict.fromkeys(" .,", 250), **dict.fromkeys(":;", 333), "/": 278,
        **dict.fromkeys("-()", 333),
    },
}  # fmt: skip


def _text_width_cm(text: str, size_pt: float, *, bold: bool) -> float:
    """Approximate printed width: enough to size a rule, never used to decide a line break."""
    widths = _WIDTHS[bold]
    units = sum(widths.get(c, 500) for c in vi.strip_diacritics(text))
    return units / 1000 * size_pt * 2.54 / 72


# --- low-level XML ------------------------------------------------------------------------------


def _child(parent: etree._Element, tag: str, order: tuple[str, ...]) -> etree._Element:
    """The ``tag`` child of ``parent``, created in schema order if missing (Word is strict)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        successors = {qn(t) for t in order[order.index(tag) + 1 :]}
        follower = next((c for c in parent if c.tag in successors), None)
        if follower is None:
            parent.append(found)
        else:
            follower.addprevious(found)
    return found


def _set_fonts(rpr: etree._Element, size_pt: float | None = None) -> None:
    """Times New Roman for all four scripts, with the theme fonts removed (they take priority)."""
    fonts = _child(rpr, "w:rFonts", _RPR)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), FONT)
    if size_pt is not None:
        half_points = str(round(size_pt * 2))
        _child(rpr, "w:sz", _RPR).set(qn("w:val"), half_points)
        _child(rpr, "w:szCs", _RPR).set(qn("w:val"), half_points)


def _set_lang(rpr: etree._Element) -> None:
    lang = _child(rpr, "w:lang", _RPR)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def _mark_size(par: DocxParagraph, size_pt: float) -> None:
    """Size of the paragraph mark: the height of an empty paragraph in Word and LibreOffice."""
    rpr = _child(par._p.get_or_add_pPr(), "w:rPr", _PPR)
    _set_fonts(rpr, size_pt)


def _border(
    parent: etree._Element, tag: str, order: tuple[str, ...], sides: Sequence[str], val: str
) -> None:
    """Set ``sides`` of a pBdr/tblBorders/tcBorders to ``val`` ("nil" or "single")."""
    borders = _child(parent, tag, order)
    for side in sides:
        edge = borders.find(qn(f"w:{side}"))
        if edge is None:
            edge = OxmlElement(f"w:{side}")
            borders.append(edge)
        edge.set(qn("w:val"), val)
        if val != "nil":
            edge.set(qn("w:sz"), str(RULE_SIZE if tag == "w:pBdr" else 4))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")


# --- paragraphs and runs ------------------------------------------------------------------------


def _paragraph(
    container: Container,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first_line: Length | int = 0,
    left: Length | int = 0,
    right: Length | int = 0,
    before: float = 0,
    after: float = 0,
    line: float = 1.0,
    keep_next: bool = False,
    size_pt: float = BODY_PT,
) -> DocxParagraph:
    """A new paragraph with every property set, so no style default leaks into the layout.

    A fresh table cell already holds one empty paragraph; it is used instead of adding a second.
    """
    par = None
    if isinstance(container, _Cell):
        only = container.paragraphs
        if len(only) == 1 and len(only[0]._p) == 0:
            par = only[0]
    if par is None:
        par = container.add_paragraph()
    fmt = par.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line
    fmt.left_indent = left
    fmt.right_indent = right
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    _mark_size(par, size_pt)
    return par


def _text(text: str) -> str:
    """NFC, without the control characters XML cannot hold (lxml would refuse the document)."""
    return vi.strip_controls(vi.nfc(text))


def _run(
    par: DocxParagraph, text: str, size_pt: float, *, bold: bool = False, italic: bool = False
) -> None:
    """Add NFC text with font, size, weight, slant and colour spelled out on the run itself."""
    run = par.add_run(_text(text))  # python-docx turns "\n" into a line break
    _set_fonts(run._r.get_or_add_rPr(), size_pt)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = BLACK


def _bare_run(par: DocxParagraph, size_pt: float) -> DocxRun:
    """A run without text (picture, break, field character), formatted like the others."""
    run = par.add_run()
    _set_fonts(run._r.get_or_add_rPr(), size_pt)
    run.font.color.rgb = BLACK
    return run


def _line(
    container: Container,
    text: str,
    size_pt: float,
    *,
    bold: bool = False,
    italic: bool = False,
    **layout: object,
) -> DocxParagraph:
    par = _paragraph(container, size_pt=size_pt, **layout)  # type: ignore[arg-type]
    _run(par, text, size_pt, bold=bold, italic=italic)
    return par


def _rule(container: Container, length_cm: float, column_cm: float, *, after: float) -> None:
    """A solid centred rule: the bottom border of an empty, indented, 5 pt high paragraph.

    A paragraph border (unlike a drawn line) stays in place when the text above reflows and is
    rendered the same by Word and LibreOffice.
    """
    side = Cm(max(0.0, (column_cm - min(length_cm, column_cm)) / 2))
    par = _paragraph(container, left=side, right=side, after=after, size_pt=1)
    fmt = par.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(5)
    _border(par._p.get_or_add_pPr(), "w:pBdr", _PPR, ("bottom",), "single")


def _spacer(container: Container, height_pt: float) -> DocxParagraph:
    """An empty paragraph of an exact height: space after a table, or Word's required last one."""
    par = _paragraph(container, size_pt=1)
    par.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    par.paragraph_format.line_spacing = Pt(height_pt)
    return par


# --- tables -------------------------------------------------------------------------------------


def _table(
    container: DocxDocument,
    rows: int,
    widths_cm: Sequence[float],
    *,
    borders: bool,
    cell_margins_cm: tuple[float, float] = (0.1, 0.1),
) -> DocxTable:
    """A table with a fixed layout and its widths in the grid (LibreOffice) and cells (Word)."""
    table = container.add_table(rows=rows, cols=len(widths_cm))
    table.autofit = False  # w:tblLayout type="fixed"
    tblpr = table._tbl.tblPr
    width = _child(tblpr, "w:tblW", _TBLPR)
    width.set(qn("w:w"), str(sum(Cm(w).twips for w in widths_cm)))
    width.set(qn("w:type"), "dxa")
    indent = _child(tblpr, "w:tblInd", _TBLPR)
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    _border(tblpr, "w:tblBorders", _TBLPR, sides, "single" if borders else "nil")
    margins = _child(tblpr, "w:tblCellMar", _TBLPR)
    sides_cm = {"w:top": 0.0, "w:left": cell_margins_cm[0], "w:bottom": 0.0}
    sides_cm["w:right"] = cell_margins_cm[1]
    for side, cm in sides_cm.items():
        edge = _child(margins, side, tuple(sides_cm))
        edge.set(qn("w:w"), str(Cm(cm).twips))
        edge.set(qn("w:type"), "dxa")
    for column, cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(cm)
    for row in table.rows:
        for cell, cm in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(cm)
    return table


def _row_flags(table: DocxTable, index: int, *, header: bool = False) -> None:
    """Keep a row on one page; repeat it on every page when it is the header row."""
    trpr = table.rows[index]._tr.get_or_add_trPr()
    _child(trpr, "w:cantSplit", _TRPR)
    if header:
        _child(trpr, "w:tblHeader", _TRPR)


def _layout_table(doc: DocxDocument, rows: int) -> DocxTable:
    """The borderless two-column grid of the header and the signature block (6.0 + 10.5 cm)."""
    table = _table(
        doc, rows, (LEFT_COLUMN_CM, RIGHT_COLUMN_CM), borders=False, cell_margins_cm=(0, 0)
    )
    for index in range(rows):
        _row_flags(table, index)
        for cell in table.rows[index].cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


# --- the parts of a document --------------------------------------------------------------------


def _header(doc: DocxDocument, document: Document) -> None:
    """Cơ quan ban hành | Quốc hiệu, then Số | địa danh và ngày on one row so they line up."""
    table = _layout_table(doc, 2)
    left, right = table.rows[0].cells
    issuer = document.issuer
    if issuer.parent:
        _line(left, issuer.parent.upper(), 12)
    names = _issuer_lines(issuer.name)
    _line(left, "\n".join(names), 12, bold=True)
    name_width = max(_text_width_cm(n, 12, bold=True) for n in names)
    _rule(left, name_width * RULE_FRACTION, LEFT_COLUMN_CM, after=0)

    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    motto = "Độc lập - Tự do - Hạnh phúc"
    _line(right, motto, 13, bold=True)
    _rule(right, _text_width_cm(motto, 13, bold=True), RIGHT_COLUMN_CM, after=0)

    left, right = table.rows[1].cells
    if document.number is not None:
        _line(left, number_text(document.number), 13, before=6)
    if document.type_name is None:
        subject = " ".join(document.subject.split())
        if not subject.startswith("V/v"):
            subject = f"V/v {subject}"
        _line(left, subject, 12, before=3)
    _line(right, date_text(issuer.place, document.date), 13, italic=True, before=6)


def _title(doc: DocxDocument, document: Document) -> None:
    """Tên loại and trích yếu centred across the page, with the short rule under them."""
    if document.type_name is None:
        _spacer(doc, 12)
        return
    _line(doc, document.type_name.upper(), 14, bold=True, before=18, keep_next=True)
    lines = [line.strip() for line in document.subject.split("\n") if line.strip()]
    _line(doc, "\n".join(lines), 14, bold=True, keep_next=True)
    widest = max((_text_width_cm(line, 14, bold=True) for line in lines), default=4.0)
    _rule(doc, min(widest, TEXT_WIDTH_CM) * RULE_FRACTION, TEXT_WIDTH_CM, after=12)


def _recipients(doc: DocxDocument, recipients: Sequence[str]) -> None:
    """One recipient on one line ("Kính gửi: X."), several as a centred "- X;" list."""
    names = [" ".join(r.split()).rstrip(";.,") for r in recipients if r.strip()]
    if not names:
        return
    if len(names) == 1:
        _line(doc, f"Kính gửi: {names[0]}.", BODY_PT, before=0, after=12)
        return
    lines = [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."]
    step = 1.0  # the list sits under "Kính gửi:", indented a little
    widest = max(
        _text_width_cm("Kính gửi:", BODY_PT, bold=False),
        step + max(_text_width_cm(line, BODY_PT, bold=False) for line in lines),
    )
    block_left = max(0.0, (TEXT_WIDTH_CM - widest) / 2)
    left = WD_ALIGN_PARAGRAPH.LEFT
    _line(doc, "Kính gửi:", BODY_PT, align=left, left=Cm(block_left), keep_next=True)
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        _line(doc, line, BODY_PT, align=left, left=Cm(block_left + step), after=12 if last else 0)


def _note_box(doc: DocxDocument, note: str) -> None:
    """The "illustrative figures" warning: a bordered box that cannot be mistaken for content."""
    table = _table(doc, 1, (TEXT_WIDTH_CM,), borders=True, cell_margins_cm=(0.2, 0.2))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER  # the box, not its text, on the margins
    _row_flags(table, 0)
    cell = table.rows[0].cells[0]
    _line(cell, note, 12, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=3, after=3)
    _spacer(doc, 10)


def _body_paragraph(doc: DocxDocument, block: Paragraph | Bullet) -> None:
    if isinstance(block, Bullet):
        runs: tuple[Run, ...] = (Run("- "), *block.runs)
        align, indent = WD_ALIGN_PARAGRAPH.JUSTIFY, True
    else:
        if block.align not in _ALIGN:
            raise ValueError(f"Căn lề '{block.align}' không hợp lệ (justify, center, left, right)")
        runs, align, indent = block.runs, _ALIGN[block.align], block.indent
    par = _paragraph(
        doc,
        align=align,
        first_line=FIRST_LINE if indent else 0,
        after=BODY_AFTER_PT,
        line=BODY_LINE_SPACING,
    )
    for run in runs:
        _run(par, run.text, BODY_PT, bold=run.bold, italic=run.italic)


def _heading(doc: DocxDocument, block: Heading) -> None:
    """Mục (level 1, bold, as given), khoản (2, bold), điểm (3, regular upright per Phụ lục I)."""
    if block.level not in (1, 2, 3):
        raise ValueError(f"Cấp tiêu đề phải là 1, 2 hoặc 3, không phải {block.level}")
    par = _paragraph(
        doc,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line=0 if block.level == 1 else FIRST_LINE,
        before=6 if block.level == 1 else 0,
        after=BODY_AFTER_PT,
        line=BODY_LINE_SPACING,
        keep_next=True,
    )
    _run(par, block.text, BODY_PT, bold=block.level < 3)


def _data_table(doc: DocxDocument, block: Table, width_cm: float) -> None:
    """Caption above, bold header row repeated on each page, numbers right-aligned, source below."""
    columns = len(block.headers)
    if columns == 0:
        raise ValueError("Bảng phải có ít nhất một cột")
    for number, row in enumerate(block.rows, start=1):
        if len(row) != columns:
            raise ValueError(f"Dòng {number} của bảng có {len(row)} ô, tiêu đề có {columns} cột")
    widths = list(block.widths_cm) or [width_cm / columns] * columns
    if len(widths) != columns:
        raise ValueError(f"Bảng có {columns} cột nhưng {len(widths)} độ rộng cột")
    if sum(widths) > width_cm:
        widths = [w * width_cm / sum(widths) for w in widths]
    if block.caption:
        _line(doc, block.caption, 13, bold=True, before=6, after=6, keep_next=True)
    table = _table(doc, 1 + len(block.rows), widths, borders=True)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Formatting every cell through python-docx costs ~1 ms a cell; a report appendix has
    # thousands. The first cell of each style is built normally, the rest are copies of it.
    prototypes: dict[tuple[bool, WD_ALIGN_PARAGRAPH], etree._Element] = {}
    for index, texts in enumerate((block.headers, *block.rows)):
        _row_flags(table, index, header=index == 0)
        for column, (cell, text) in enumerate(zip(table.rows[index].cells, texts, strict=True)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if index == 0:
                align = WD_ALIGN_PARAGRAPH.CENTER
            elif column in block.numeric:
                align = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                align = WD_ALIGN_PARAGRAPH.LEFT
            key = (index == 0, align)
            if key in prototypes and "\n" not in text:
                _cell_copy(cell, prototypes[key], text)
                continue
            par = _line(cell, text, 12, bold=index == 0, align=align, before=2, after=2)
            if "\n" not in text:
                prototypes[key] = par._p
    if block.source:
        _line(doc, block.source, 12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=3, after=9)
    else:
        _spacer(doc, 9)


def _cell_copy(cell: _Cell, prototype: etree._Element, text: str) -> None:
    """Put a copy of a formatted one-run paragraph in ``cell`` with ``text`` instead."""
    paragraph = copy.deepcopy(prototype)
    t = paragraph.find(f".//{qn('w:t')}")
    t.text = _text(text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for empty in cell._tc.findall(qn("w:p")):
        cell._tc.remove(empty)
    cell._tc.append(paragraph)


def _figure(doc: DocxDocument, block: Figure, width_cm: float) -> None:
    par = _paragraph(doc, before=6, after=3, keep_next=True)
    run = _bare_run(par, BODY_PT)
    run.add_picture(io.BytesIO(block.png), width=Cm(min(block.width_cm, width_cm)))
    if block.caption:
        _line(doc, block.caption, 13, italic=True, after=3 if block.source else 9)
    if block.source:
        _line(doc, block.source, 12, italic=True, after=9)


def _blocks(doc: DocxDocument, blocks: Sequence[Block], width_cm: float) -> None:
    for block in blocks:
        if isinstance(block, Paragraph | Bullet):
            _body_paragraph(doc, block)
        elif isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Table):
            _data_table(doc, block, width_cm)
        elif isinstance(block, Figure):
            _figure(doc, block, width_cm)
        elif isinstance(block, PageBreak):
            par = _paragraph(doc, size_pt=1)
            _bare_run(par, 1).add_break(WD_BREAK.PAGE)
        else:
            raise TypeError(f"Không biết trình bày khối {type(block).__name__}")


def _signature(doc: DocxDocument, document: Document) -> None:
    """Nơi nhận (12 pt bold italic, list 11 pt) beside the quyền hạn, signature space and name."""
    table = _layout_table(doc, 1)
    left, right = table.rows[0].cells
    flush = WD_ALIGN_PARAGRAPH.LEFT
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=flush, before=6)
    lines = [" ".join(d.split()) for d in document.distribution if d.strip()]
    for index, text in enumerate(lines):
        last = index == len(lines) - 1
        if last and not text.endswith("."):
            text = text.rstrip(";,:") + "."
        elif not last and not text.endswith((";", ".", ":", ",")):
            text += ";"
        _line(left, f"- {text}", 11, align=flush)
    sign = document.signature
    for index, authority in enumerate(sign.authority):
        _line(right, authority.upper(), 14, bold=True, before=6 if index == 0 else 0)
    for _ in range(SIGNATURE_SPACE_LINES):
        _paragraph(right, size_pt=14)
    _line(right, sign.signer, 14, bold=True)


def _page_setup(section: Section, *, landscape: bool) -> None:
    """A4 with the decree's margins; the page number sits in the top margin."""
    margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.top_margin = Mm(margins["top"])
    section.bottom_margin = Mm(margins["bottom"])
    section.left_margin = Mm(margins["left"])
    section.right_margin = Mm(margins["right"])
    section.gutter = Mm(0)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(HEADER_DISTANCE_MM)


def _page_numbers(section: Section) -> None:
    """A centred PAGE field, 13 pt, in the header of every page but the first (w:titlePg)."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    _paragraph_reset(par, size_pt=13)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2")):
        run = _bare_run(par, 13)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    run = _bare_run(par, 13)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    run._r.append(char)
    first = section.first_page_header
    first.is_linked_to_previous = False
    _paragraph_reset(first.paragraphs[0], size_pt=13)


def _paragraph_reset(par: DocxParagraph, *, size_pt: float) -> None:
    fmt = par.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = 0
    fmt.left_indent = 0
    fmt.right_indent = 0
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _mark_size(par, size_pt)


def _restart_numbering(section: Section) -> None:
    """Each Phụ lục is numbered on its own (Phụ lục I: "đánh số riêng theo từng phụ lục")."""
    numbering = _child(section._sectPr, "w:pgNumType", _SECTPR)
    numbering.set(qn("w:start"), "1")


def _appendix(doc: DocxDocument, appendix: Appendix) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # add_section leaves an empty Normal paragraph holding the previous section's properties;
    # flatten it so it can never push a blank page after a full signature page.
    breaker = DocxParagraph(doc.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1], doc._body)
    _paragraph_reset(breaker, size_pt=1)
    breaker.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    breaker.paragraph_format.line_spacing = Pt(1)
    _page_setup(section, landscape=appendix.landscape)
    _restart_numbering(section)
    width = LANDSCAPE_TEXT_WIDTH_CM if appendix.landscape else TEXT_WIDTH_CM
    _line(doc, appendix.title, BODY_PT, bold=True, keep_next=True)
    _line(doc, appendix.subject.upper(), BODY_PT, bold=True, keep_next=True)
    if appendix.note:
        _line(doc, appendix.note, BODY_PT, italic=True, keep_next=True)
    _spacer(doc, 12)
    _blocks(doc, appendix.blocks, width)


def _styles(doc: DocxDocument) -> None:
    """Normal and the document defaults in Times New Roman 14 pt, Vietnamese, justified."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr, BODY_PT)
            _set_lang(rpr)
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, BODY_PT)
    _set_lang(rpr)
    normal.font.color.rgb = BLACK
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = FIRST_LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(BODY_AFTER_PT)
    fmt.line_spacing = BODY_LINE_SPACING


def build_docx(document: Document) -> bytes:
    """Lay out ``document`` in the ND30 format and return the DOCX file.

    The content is data (see :mod:`chiso.documents.model`); the layout lives only here, so every
    generator's output follows the decree the same way and a format fix is made once.
    """
    doc = docx.Document()
    _styles(doc)
    section = doc.sections[0]
    _page_setup(section, landscape=False)
    _page_numbers(section)  # before any add_section: later sections inherit the headers

    _header(doc, document)
    _title(doc, document)
    _recipients(doc, document.recipients)
    if document.illustrative_note.strip():
        _note_box(doc, document.illustrative_note)
    _blocks(doc, _with_end_mark(document.body), TEXT_WIDTH_CM)
    # The signature never stands alone on a page: it stays with the last lines of the content.
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    _signature(doc, document)
    if document.appendices:
        for appendix in document.appendices:
            _appendix(doc, appendix)
    else:
        _spacer(doc, 1)  # Word needs a paragraph after the last table

    props = doc.core_properties
    first_line = next((line for line in document.subject.split("\n") if line.strip()), "")
    props.title = " ".join(_text(first_line).split())
    props.subject = " ".join(_text(document.subject).split())
    props.author = " ".join(_text(document.issuer.name).split())
    props.last_modified_by = props.author
    props.language = "vi-VN"
    props.revision = 1

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
