"""Forms only check the shape of input; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms

from chiso.web.actions.models import Action, ActionEvidence


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
