"""Forms only check the shape of input; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms

from chiso.web.accounts.models import Agency
from chiso.web.actions.models import Action, ActionEvidence
from chiso.web.actions.selectors import OVERDUE


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái", choices=Action.Status.choices)
    progress = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    deadline = forms.DateField(
        label="Hạn hoàn thành",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EvidenceForm(forms.Form):
    """Only the shape: the type (by content) and the size are checked by the service."""

    file = forms.FileField(
        label="Tệp minh chứng",
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
    note = forms.CharField(
        label="Mô tả",
        required=False,
        max_length=ActionEvidence._meta.get_field("note").max_length,
        widget=forms.TextInput(attrs={"placeholder": "ví dụ: Ảnh quầy tiếp nhận sau cải tạo"}),
    )


# The /hanh-dong/ page's filters, as Vietnamese words in the address (?trang_thai=qua-han).
STATUS_FILTERS = {
    "ke-hoach": (Action.Status.PLANNED, "Kế hoạch"),
    "dang-thuc-hien": (Action.Status.IN_PROGRESS, "Đang thực hiện"),
    "hoan-thanh": (Action.Status.DONE, "Hoàn thành"),
    "huy": (Action.Status.CANCELLED, "Hủy"),
    "qua-han": (OVERDUE, "Quá hạn"),
}


class ActionFilterForm(forms.Form):
    """``?co_quan=<agency code>&trang_thai=<status>`` (GET). Members get no agency field: they
    only ever see their own agency's actions."""

    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Tất cả"), *((slug, label) for slug, (_, label) in STATUS_FILTERS.items())],
    )

    def __init__(self, *args, agencies: list[Agency] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies or ()}
        if agencies is not None:
            self.fields = {
                "co_quan": forms.ChoiceField(
                    label="Cơ quan thực hiện",
                    required=False,
                    choices=[("", "Tất cả cơ quan"), *((a.code, a.name) for a in agencies)],
                ),
                **self.fields,
            }

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.action_overview``: what was valid, the rest ignored
        (a mistyped address shows everything with the field's error, rather than an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = STATUS_FILTERS.get(data.get("trang_thai") or "")
        return {
            "agency": self.agencies.get(data.get("co_quan") or ""),
            "status": status[0] if status else None,
        }
