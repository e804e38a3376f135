"""Plain data for official documents in the Nghị định 30/2020/NĐ-CP format.

Every generator (invitation, analysis report, agency briefs, conference papers) builds one
:class:`Document`; :func:`chiso.documents.nd30.build_docx` lays it out. Keeping the content as
data means the CLI, the web app and the tests produce the same document from the same call, and
consistency checks can read a document without parsing Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Issuer:
    """Who issues: ``parent`` is the cơ quan chủ quản (None when the issuer is the top body)."""

    name: str  # "SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" (upper case as printed)
    code: str  # for the số ký hiệu: "SNV", "UBND"
    place: str  # địa danh: "Lạng Sơn"
    parent: str | None = None  # "UBND TỈNH LẠNG SƠN"


@dataclass(frozen=True)
class Number:
    """Số, ký hiệu: ``Số: 05/GM-UBND``; ``number=None`` leaves the blank the văn thư fills in."""

    doc_type: str  # "GM", "BC", "KH", "TB" … (see nd30.DOC_TYPES); "" for a công văn
    issuer_code: str  # "UBND"
    unit: str | None = None  # drafting unit for công văn: "12/UBND-NC"
    number: int | None = None


@dataclass(frozen=True)
class IssueDate:
    """Địa danh và ngày; day or month may be left blank for the signer to fill in."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, value: date) -> IssueDate:
        return cls(value.year, value.month, value.day)


@dataclass(frozen=True)
class Signature:
    """Quyền hạn (stacked, e.g. TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG), chức vụ and họ tên."""

    authority: tuple[str, ...]  # every line above the name, upper case, in order
    signer: str  # "Nguyễn Thị Thúy"


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Body text, justified with a first-line indent unless told otherwise."""

    runs: tuple[Run, ...]
    indent: bool = True
    align: str = "justify"  # justify | center | left | right

    @classmethod
    def text(
        cls,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        indent: bool = True,
        align: str = "justify",
    ) -> Paragraph:
        return cls((Run(text, bold, italic),), indent, align)


@dataclass(frozen=True)
class Heading:
    """``I. NHỮNG KẾT QUẢ`` (level 1, upper case bold), ``1. …`` (2, bold), ``a) …`` (3)."""

    text: str  # including its number, as printed: "1. Thành phần dự Hội nghị"
    level: int = 1


@dataclass(frozen=True)
class Bullet:
    """A ``- …`` line of a list (participants, Nơi nhận-style lists inside the body)."""

    runs: tuple[Run, ...]

    @classmethod
    def text(cls, text: str, **style: bool) -> Bullet:
        return cls((Run(text, **style),))


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # already formatted (Vietnamese numbers)
    caption: str = ""  # "Bảng 1. …", printed above
    source: str = ""  # "Nguồn: …", printed below in italics
    widths_cm: tuple[float, ...] = ()  # explicit: LibreOffice reads the grid, Word the cells
    numeric: tuple[int, ...] = ()  # column indexes aligned right


@dataclass(frozen=True)
class Figure:
    png: bytes  # 200 dpi
    width_cm: float = 15.0
    caption: str = ""  # "Hình 1. …", printed below
    source: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Heading | Bullet | Table | Figure | PageBreak


@dataclass(frozen=True)
class Appendix:
    """A Phụ lục on its own pages, after the signature, landscape when its tables are wide."""

    title: str  # "Phụ lục 1"
    subject: str  # "KẾT QUẢ CHI TIẾT THEO TIÊU CHÍ THÀNH PHẦN"
    blocks: tuple[Block, ...]
    note: str = ""  # "(Kèm theo Báo cáo số …/BC-SNV ngày … của Sở Nội vụ)"
    landscape: bool = False


@dataclass(frozen=True)
class Document:
    issuer: Issuer
    number: Number | None  # None: an unnumbered paper (programme script, remarks, news item)
    date: IssueDate
    type_name: str | None  # "GIẤY MỜI", "BÁO CÁO"; None for a công văn
    subject: str  # trích yếu; "\n" separates the lines as they should break
    body: tuple[Block, ...]
    signature: Signature
    distribution: tuple[str, ...]  # Nơi nhận lines without the leading "- ", last "Lưu: VT, NC."
    recipients: tuple[str, ...] = ()  # Kính gửi (empty for a Giấy mời)
    appendices: tuple[Appendix, ...] = field(default=())
    illustrative_note: str = ""  # printed in a box on page 1 when the figures are illustrative
