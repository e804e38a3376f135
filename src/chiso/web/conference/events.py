"""The conference rows as the core's :class:`~chiso.documents.event.Event`, and back.

The web app stores what a ``chiso.event/1`` YAML file says, field for field, so the invitation,
its checks and the programme come from the same core calls as ``chiso invite`` and ``chiso
check``. This module only maps; it holds no document wording except the defaults proposed for a
new conference (taken from the province's real invitation, the project's seed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from chiso import units, vi
from chiso.documents.event import VN_TZ, Event, Participant, Task, Venue
from chiso.documents.model import IssueDate, Issuer, Number, Signature
from chiso.errors import ChisoError
from chiso.web.accounts.models import Agency
from chiso.web.campaigns.models import Campaign
from chiso.web.conference.models import Conference, ConferenceTask, ParticipantGroup


def _none(text: str) -> str | None:
    return text or None


def participant_of(row: ParticipantGroup) -> Participant:
    return Participant(
        text=row.text, role=_none(row.role), note=_none(row.note), end=_none(row.end)
    )


def task_of(row: ConferenceTask) -> Task:
    return Task(
        label=row.label,
        owner=row.owner,
        text=row.text,
        deadline=row.deadline,
        deadline_kind=row.deadline_kind,
        assign=row.assign,
        end=_none(row.end),
    )


def to_event(conference: Conference) -> Event:
    """The core Event of ``conference`` (participants and tasks in their order)."""
    end = conference.end.astimezone(VN_TZ) if conference.end else None
    return Event(
        issuer=Issuer(
            name=conference.issuer_name,
            code=conference.issuer_code,
            place=conference.place,
            parent=_none(conference.issuer_parent),
        ),
        number=Number(
            doc_type=conference.doc_type,
            issuer_code=conference.issuer_code,
            number=conference.number,
        ),
        issue_date=IssueDate(conference.issue_year, conference.issue_month, conference.issue_day),
        subject=tuple(conference.subject),
        basis=conference.basis,
        inviter=conference.inviter,
        kind=conference.kind,
        title=conference.title,
        participants=tuple(participant_of(p) for p in conference.participants.all()),
        start=conference.start.astimezone(VN_TZ),
        end=end,
        venue=Venue(conference.venue_name, _none(conference.venue_address)),
        content=tuple(conference.content),
        tasks=tuple(task_of(t) for t in conference.tasks.all()),
        closing=conference.closing,
        distribution=tuple(conference.distribution),
        signature=Signature(tuple(conference.signature_authority), conference.signer),
    )


def event_fields(event: Event) -> dict:
    """The Conference model fields an Event sets (participants and tasks are rows of their own).

    The số ký hiệu's issuer code is the one kept: it is what the document prints.
    """
    return {
        "issuer_name": event.issuer.name,
        "issuer_code": event.number.issuer_code or event.issuer.code,
        "issuer_parent": event.issuer.parent or "",
        "place": event.issuer.place,
        "doc_type": event.number.doc_type,
        "number": event.number.number,
        "issue_year": event.issue_date.year,
        "issue_month": event.issue_date.month,
        "issue_day": event.issue_date.day,
        "subject": list(event.subject),
        "basis": event.basis,
        "inviter": event.inviter,
        "kind": event.kind,
        "title": event.title,
        "start": event.start,
        "end": event.end,
        "venue_name": event.venue.name,
        "venue_address": event.venue.address or "",
        "content": list(event.content),
        "closing": event.closing,
        "distribution": list(event.distribution),
        "signature_authority": list(event.signature.authority),
        "signer": event.signature.signer,
    }


def chair_of(event: Event) -> str:
    """The chair as the CLI's ``chiso conference`` finds it: the participant line with a role."""
    return next((p.text for p in event.participants if p.role), "Lãnh đạo UBND tỉnh")


_UBND = re.compile(r"\bUBND\b")


def _agency_key(name: str) -> str:
    """Invitations abbreviate "UBND"; the registry spells "Ủy ban nhân dân" out."""
    return vi.fold(_UBND.sub("Ủy ban nhân dân", name))


def match_agency(owner: str, agencies: Iterable[Agency]) -> Agency | None:
    """The agency a task owner names ("Sở Nội vụ", "Văn phòng UBND tỉnh"), if exactly one."""
    key = _agency_key(owner)
    return next(
        (a for a in agencies if key in {_agency_key(a.name), _agency_key(a.short_name)}), None
    )


# --- defaults for a new conference --------------------------------------------------------------


def _place(campaign: Campaign) -> tuple[str, str]:
    """(place name, full name): ("Lạng Sơn", "tỉnh Lạng Sơn")."""
    try:
        province = units.find_province(campaign.province, campaign.year)
    except ChisoError:
        return campaign.province, f"tỉnh {campaign.province}"
    return province.name, province.full_name


def default_event(campaign: Campaign, *, today: date) -> Event:
    """A Giấy mời of the Sở Nội vụ shaped like the seed, dated from the campaign.

    The conference day is the campaign's (or two weeks from today) at 14 giờ 00; every deadline is
    the campaign's deadline for tham luận. The officer edits everything before downloading.
    """
    place, full = _place(campaign)
    year = campaign.year
    day = campaign.event_date or today + timedelta(days=14)
    start = datetime.combine(day, time(14, 0), tzinfo=VN_TZ)
    deadline = campaign.deadline.astimezone(VN_TZ).date()
    indices = (
        "Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước "
        f"(SIPAS); Chỉ số cải cách hành chính (PAR INDEX) {full} năm {year}"
    )
    return Event(
        issuer=Issuer("SỞ NỘI VỤ", "SNV", place, parent=f"UBND {full.upper()}"),
        number=Number("GM", "SNV"),
        issue_date=IssueDate(today.year, today.month),
        subject=(
            "Dự Hội nghị phân tích kết quả Chỉ số hài lòng của người dân",
            "đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS);",
            f"Chỉ số cải cách hành chính (PAR INDEX) {full} năm {year}",
        ),
        basis=f"Thực hiện Chương trình công tác tháng {day.month} năm {day.year}",
        inviter="Sở Nội vụ trân trọng kính mời đại biểu dự",
        kind="Hội nghị",
        title=f"Hội nghị phân tích kết quả {indices}",
        participants=(
            Participant("Lãnh đạo UBND tỉnh", role="Chủ trì hội nghị"),
            Participant("Đại diện lãnh đạo Hội đồng nhân dân tỉnh", note="có giấy mời riêng"),
            Participant(
                "Đại diện lãnh đạo Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                note="có giấy mời riêng",
            ),
            Participant("Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh"),
            Participant("Giám đốc Bưu điện tỉnh"),
            Participant("Chủ tịch UBND các xã, phường"),
        ),
        start=start,
        venue=Venue("Hội trường HĐND - UBND tỉnh"),
        content=(
            f"Báo cáo phân tích kết quả chỉ số SIPAS, PAR INDEX năm {year}",
            "Thảo luận, đề xuất giải pháp khắc phục tồn tại, hạn chế của các chỉ số SIPAS, "
            "PAR INDEX",
        ),
        tasks=(
            Task(
                "a",
                "Sở Nội vụ",
                "chuẩn bị tài liệu phục vụ Hội nghị; đôn đốc các đơn vị chuẩn bị nội dung tham "
                "luận; dự thảo kịch bản chương trình, bài phát biểu khai mạc, bế mạc của lãnh đạo "
                "UBND tỉnh",
                deadline=deadline,
            ),
            Task("b", "Văn phòng UBND tỉnh", "chuẩn bị các điều kiện phục vụ Hội nghị"),
            Task(
                "c",
                "Các cơ quan, đơn vị có tên trong danh sách tham luận",
                "chuẩn bị nội dung theo yêu cầu (*trong đó cần tập trung phân tích những nội dung "
                f"chưa đạt điểm tối đa trong năm {year}, xác định rõ trách nhiệm của cơ quan, đơn "
                "vị, cá nhân có liên quan; đề xuất các giải pháp khắc phục trong năm "
                f"{year + 1}*), gửi Sở Nội vụ tổng hợp",
                deadline=deadline,
            ),
            Task(
                "d",
                "Các thành phần dự họp",
                "chủ động nghiên cứu tài liệu, chuẩn bị các nội dung liên quan để phát biểu ý kiến "
                "tại cuộc họp",
            ),
        ),
        closing="Trân trọng kính mời đại biểu tham dự Hội nghị",
        distribution=("Như thành phần mời", "Lãnh đạo UBND tỉnh (b/c)", "Lưu: VT, CCHC."),
        signature=Signature(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ""),
    )
