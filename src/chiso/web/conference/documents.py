"""The conference's documents and checks, built by the core from the stored conference.

Nothing is worded here: ``invitation``, ``script``, ``contribution_book``, the checks and the
PDF conversion are the core functions the CLI calls. Nothing is cached either: documents are
rebuilt on every download, so an edit shows at once (a DOCX takes milliseconds, a PDF a few
seconds of LibreOffice).
"""

from __future__ import annotations

import re
from datetime import date

from chiso.documents import conference as papers
from chiso.documents.checks import ERROR, Finding, check_document, check_event
from chiso.documents.contributions import contribution_book
from chiso.documents.event import TASK_LABELS, VN_TZ
from chiso.documents.invitation import format_time, invitation, time_phrase
from chiso.documents.model import Document
from chiso.documents.nd30 import build_docx
from chiso.documents.pdf import to_pdf
from chiso.errors import ChisoError
from chiso.parindex.analysis import Analysis
from chiso.web.campaigns import selectors as campaign_selectors
from chiso.web.campaigns.models import Campaign
from chiso.web.conference.events import to_event
from chiso.web.conference.models import Conference

__all__ = [
    "book_document",
    "docx",
    "findings",
    "invitation_document",
    "pdf",
    "programme",
    "script_document",
    "when",
]


def invitation_document(conference: Conference) -> Document:
    return invitation(to_event(conference))


def when(conference: Conference) -> str:
    """ "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)": the invitation's own time phrase."""
    end = conference.end.astimezone(VN_TZ) if conference.end else None
    return time_phrase(conference.start.astimezone(VN_TZ), end)


def findings(conference: Conference) -> list[Finding]:
    """``chiso check`` on the stored conference: facts first, then the invitation as printed."""
    event = to_event(conference)
    found = check_event(event) + check_document(invitation(event))
    return sorted(found, key=lambda f: f.level != ERROR)


def _analysis(campaign: Campaign) -> Analysis:
    """The results the campaign was opened on (an imported score sheet, or the demo), so the
    programme's points lost match the agencies' assignments even after a newer import."""
    from chiso.web.datasets.selectors import ParSource, analysis_for

    source = ParSource(sheet=campaign.sheet, table=campaign.results)
    return analysis_for(province=campaign.province, year=campaign.year, source=source)


def setting(conference: Conference) -> papers.Conference:
    """The core's programme settings: time, venue, chair, the chosen presenting agencies, and
    each agency's points lost as the campaign assigns them (the campaign page's figures)."""
    venue = conference.venue_name
    if conference.venue_address:
        venue = f"{venue} ({conference.venue_address})"
    codes = tuple(conference.presenting_agencies.values_list("code", flat=True))
    return papers.Conference(
        start=conference.start.astimezone(VN_TZ),
        venue=venue,
        chair=conference.chair,
        minutes_each=conference.minutes_each,
        agencies=codes,
        lost=campaign_selectors.lost_by_agency(campaign=conference.campaign),
    )


def programme(conference: Conference) -> list[tuple[str, str, str]] | None:
    """("14 giờ 00 phút", item, who) rows; None when the core has no results to analyse."""
    try:
        analysis = _analysis(conference.campaign)
    except ChisoError:
        return None
    return [
        (format_time(t), item, who)
        for t, item, who in papers.programme(analysis, setting(conference))
    ]


def script_document(conference: Conference) -> Document:
    """Kịch bản chương trình; raises ChisoError when the campaign's results cannot be analysed."""
    return papers.script(_analysis(conference.campaign), setting(conference))


def book_document(campaign: Campaign, *, issued: date) -> Document:
    """The consolidated contribution book, built exactly as the campaign's DOCX download."""
    return contribution_book(
        province=campaign.province,
        year=campaign.year,
        title=campaign.title,
        contributions=campaign_selectors.book_contributions(campaign=campaign),
        issued=issued,
        illustrative=campaign_selectors.campaign_is_illustrative(campaign=campaign),
    )


def docx(document: Document) -> bytes:
    return build_docx(document)


def pdf(document: Document) -> bytes:
    """PDF through LibreOffice; ChisoError ``no_libreoffice`` when it is not installed."""
    return to_pdf(build_docx(document))


# --- where a finding is, in the words of the edit form ------------------------------------------

_FIELDS = {
    "basis": "Câu căn cứ",
    "issue_date": "Ngày ban hành",
    "start": "Thời gian bắt đầu",
    "end": "Thời gian kết thúc",
    "subject": "Trích yếu",
    "title": "Tên hội nghị",
    "participants": "Thành phần",
    "venue": "Địa điểm",
    "content": "Nội dung",
    "closing": "Câu kết",
}
_PATH = re.compile(r"^(?P<key>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[a-z_]+))?$")


def where_label(where: str) -> str:
    """ "tasks[0].deadline" -> "Nhiệm vụ a), hạn"; texts the core already words stay as they are.

    An Event rebuilt from the database has no YAML lines, so the core locates a finding by its
    key path; the page shows the field's name instead.
    """
    match = _PATH.match(where)
    if not match:
        return where
    key, index, sub = match["key"], match["index"], match["sub"]
    if key == "tasks" and index is not None:
        i = int(index)
        label = f"Nhiệm vụ {TASK_LABELS[i] if i < len(TASK_LABELS) else i + 1})"
        part = {"deadline": ", hạn", "text": ", nội dung", "label": ""}.get(sub or "", "")
        return label + part
    name = _FIELDS.get(key)
    if name is None:
        return where
    return f"{name}, dòng {int(index) + 1}" if index is not None else name
