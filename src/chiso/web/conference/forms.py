"""Forms check the shape of input and turn it into the core's values; rules live in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from chiso import vi
from chiso.documents.event import VN_TZ, Event, Participant, Venue, strip_markup
from chiso.documents.model import IssueDate, Issuer, Number, Signature
from chiso.web.conference.models import END_CHOICES, ConferenceTask
from chiso.web.conference.selectors import agencies_vi
from chiso.web.conference.services import AttendeeInput, TaskInput
from chiso.web.fields import ModelMultipleChoiceField

DATETIME = {"input_formats": ["%Y-%m-%dT%H:%M"]}
UNCLOSED = "Dấu * không khép: viết *chữ nghiêng* hoặc **chữ đậm**, mỗi dấu mở phải có dấu đóng."


def _clean(text: str) -> str:
    """NFC, one space between words: what the core's YAML loader does to every text."""
    return vi.nfc(" ".join(text.split()))


def _markup(text: str) -> str:
    if "*" in strip_markup(text):
        raise forms.ValidationError(UNCLOSED)
    return text


class Text(forms.CharField):
    def __init__(self, label: str, *, markup: bool = False, rows: int = 0, **kwargs) -> None:
        if rows:
            kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
        kwargs.setdefault("max_length", None if rows else 255)
        super().__init__(label=label, **kwargs)
        self.markup = markup

    def clean(self, value):
        value = _clean(super().clean(value) or "")
        return _markup(value) if self.markup else value


class Lines(forms.CharField):
    """One item per line (trích yếu, nội dung, nơi nhận …), as the YAML lists hold them."""

    def __init__(self, label: str, *, markup: bool = False, rows: int = 3, **kwargs) -> None:
        super().__init__(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)
        self.markup = markup

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        lines = [_clean(line) for line in (super().clean(value) or "").splitlines()]
        lines = [line for line in lines if line]
        if self.markup:
            for line in lines:
                _markup(line)
        return lines


def _when(**attrs) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        **DATETIME,
        **attrs,
    )


def _agency_choices(field: forms.ModelChoiceField, *, empty: str | None) -> None:
    """Vietnamese order (the queryset's order is by id); validation still uses the queryset."""
    choices = [(a.pk, a.name) for a in agencies_vi()]
    field.choices = ([("", empty)] if empty is not None else []) + choices


class ConferenceForm(forms.Form):
    """The facts of the Giấy mời (a core Event) and the programme's settings."""

    title = Text("Tên hội nghị (sau “kính mời đại biểu dự”)", rows=3)
    start = _when(label="Bắt đầu (giờ Việt Nam)")
    end = _when(label="Kết thúc (không bắt buộc)", required=False)
    venue_name = Text("Địa điểm")
    venue_address = Text("Địa chỉ", required=False)
    chair_title = Text("Chủ trì: chức vụ")
    chair_name = Text("Chủ trì: họ tên (không bắt buộc)", required=False)
    presenting_agencies = ModelMultipleChoiceField(
        label="Cơ quan tham luận tại hội nghị",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes_each = forms.IntegerField(label="Số phút mỗi tham luận", min_value=1, max_value=60)
    issuer_parent = Text("Cơ quan chủ quản (in hoa, không bắt buộc)", required=False)
    issuer_name = Text("Cơ quan ban hành (in hoa)")
    issuer_code = Text("Ký hiệu cơ quan (UBND, SNV …)")
    doc_type = Text("Chữ viết tắt tên loại", initial="GM")
    number = forms.IntegerField(label="Số (để trống cho văn thư)", required=False, min_value=1)
    place = Text("Địa danh")
    issue_day = forms.IntegerField(label="Ngày ban hành", required=False, min_value=1, max_value=31)
    issue_month = forms.IntegerField(
        label="Tháng ban hành", required=False, min_value=1, max_value=12
    )
    issue_year = forms.IntegerField(label="Năm ban hành", min_value=2000, max_value=2100)
    subject = Lines("Trích yếu (mỗi dòng một dòng in)")
    basis = Text("Câu căn cứ", rows=2)
    inviter = Text("Lời mời")
    kind = Text("Loại sự kiện", initial="Hội nghị")
    content = Lines("Nội dung hội nghị (mỗi dòng một ý)", markup=True, required=False)
    closing = Text("Câu kết", markup=True, rows=2)
    distribution = Lines("Nơi nhận (mỗi dòng một nơi, dòng cuối “Lưu: VT, …”)", rows=5)
    signature_authority = Lines("Quyền hạn, chức vụ người ký (mỗi dòng một dòng in)")
    signer = Text("Họ tên người ký", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from chiso.web.accounts.models import Agency

        field = self.fields["presenting_agencies"]
        field.queryset = Agency.objects.all()
        _agency_choices(field, empty=None)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "Thời gian kết thúc phải sau thời gian bắt đầu.")
        if data.get("issue_day") and not data.get("issue_month"):
            self.add_error("issue_month", "Có ngày ban hành thì phải có tháng.")
        if not data.get("subject") and "subject" not in self.errors:
            self.add_error("subject", "Trích yếu cần ít nhất một dòng.")
        return data

    def event(self, participants: tuple[Participant, ...]) -> Event:
        """The core Event this form describes (tasks are managed on their own)."""
        d = self.cleaned_data
        return Event(
            issuer=Issuer(
                d["issuer_name"], d["issuer_code"], d["place"], d["issuer_parent"] or None
            ),
            number=Number(d["doc_type"], d["issuer_code"], number=d["number"]),
            issue_date=IssueDate(d["issue_year"], d["issue_month"], d["issue_day"]),
            subject=tuple(d["subject"]),
            basis=d["basis"],
            inviter=d["inviter"],
            kind=d["kind"],
            title=d["title"],
            participants=participants,
            start=d["start"].astimezone(VN_TZ),
            end=d["end"].astimezone(VN_TZ) if d["end"] else None,
            venue=Venue(d["venue_name"], d["venue_address"] or None),
            content=tuple(d["content"]),
            tasks=(),
            closing=d["closing"],
            distribution=tuple(d["distribution"]),
            signature=Signature(tuple(d["signature_authority"]), d["signer"]),
        )

    @staticmethod
    def initial_for(event: Event, **extra) -> dict:
        """Form values from an Event (a stored conference's, or the defaults for a new one)."""
        tz = timezone.get_current_timezone()
        return {
            "title": event.title,
            "start": event.start.astimezone(tz),
            "end": event.end.astimezone(tz) if event.end else None,
            "venue_name": event.venue.name,
            "venue_address": event.venue.address or "",
            "issuer_parent": event.issuer.parent or "",
            "issuer_name": event.issuer.name,
            "issuer_code": event.number.issuer_code or event.issuer.code,
            "doc_type": event.number.doc_type,
            "number": event.number.number,
            "place": event.issuer.place,
            "issue_day": event.issue_date.day,
            "issue_month": event.issue_date.month,
            "issue_year": event.issue_date.year,
            "subject": list(event.subject),
            "basis": event.basis,
            "inviter": event.inviter,
            "kind": event.kind,
            "content": list(event.content),
            "closing": event.closing,
            "distribution": list(event.distribution),
            "signature_authority": list(event.signature.authority),
            "signer": event.signature.signer,
            **extra,
        }


class ParticipantForm(forms.Form):
    text = Text("Thành phần", markup=True)
    role = Text("Vai trò (sau dấu “-”)", required=False)
    note = Text("Ghi chú (trong ngoặc)", required=False)
    end = forms.ChoiceField(label="Dấu cuối dòng", choices=END_CHOICES, required=False)

    def participant(self) -> Participant:
        d = self.cleaned_data
        return Participant(d["text"], d["role"] or None, d["note"] or None, d["end"] or None)


def _kept(form: forms.Form) -> bool:
    """A filled row not ticked for deletion (blank extra rows clean to an empty dict)."""
    data = getattr(form, "cleaned_data", {})
    return bool(data.get("text")) and not data.get("DELETE")


class _ParticipantRows(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(_kept(form) for form in self.forms):
            raise forms.ValidationError("Giấy mời cần ít nhất một thành phần dự.")


ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=_ParticipantRows, extra=2, can_delete=True
)


def participants_of(formset) -> tuple[Participant, ...]:
    """Filled rows in order; blank extra rows and rows ticked for deletion are left out."""
    return tuple(form.participant() for form in formset.forms if _kept(form))


def participant_initial(event: Event) -> list[dict]:
    return [
        {"text": p.text, "role": p.role or "", "note": p.note or "", "end": p.end or ""}
        for p in event.participants
    ]


class TaskForm(forms.Form):
    owner = Text("Cơ quan, đơn vị thực hiện (như in trong giấy mời)")
    owner_agency = forms.ModelChoiceField(
        label="Cơ quan đánh dấu hoàn thành (không bắt buộc)", queryset=None, required=False
    )
    text = Text("Nhiệm vụ", markup=True, rows=3)
    deadline = forms.DateField(
        label="Hạn",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_kind = forms.ChoiceField(
        label="Cách ghi hạn", choices=ConferenceTask.DeadlineKind.choices
    )
    assign = forms.BooleanField(label="Viết “Giao …” trước tên cơ quan", required=False)
    end = forms.ChoiceField(label="Dấu cuối dòng", choices=END_CHOICES, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from chiso.web.accounts.models import Agency

        field = self.fields["owner_agency"]
        field.queryset = Agency.objects.all()
        _agency_choices(field, empty="— (chỉ Sở Nội vụ đánh dấu)")

    def values(self) -> TaskInput:
        return TaskInput(**self.cleaned_data)

    @staticmethod
    def initial_for(task: ConferenceTask) -> dict:
        return {
            "owner": task.owner,
            "owner_agency": task.owner_agency_id,
            "text": task.text,
            "deadline": task.deadline,
            "deadline_kind": task.deadline_kind,
            "assign": task.assign,
            "end": task.end,
        }


class DoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class AttendeeForm(forms.Form):
    name = Text("Họ tên", required=False)
    position = Text("Chức vụ", required=False)
    agency = forms.ModelChoiceField(label="Cơ quan, đơn vị", queryset=None, required=False)
    organisation = Text("hoặc cơ quan khác", required=False)
    group = Text("Thành phần", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from chiso.web.accounts.models import Agency

        field = self.fields["agency"]
        field.queryset = Agency.objects.all()
        _agency_choices(field, empty="—")
        self.fields["group"].widget.attrs["list"] = "participant-groups"

    def values(self) -> AttendeeInput:
        return AttendeeInput(**self.cleaned_data)


class CheckInForm(forms.Form):
    attended = forms.BooleanField(required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp sự kiện YAML (chiso.event/1)")
