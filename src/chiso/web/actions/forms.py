"""Forms only check the shape of input; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms

from chiso.web.actions.models import Action


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái", choices=Action.Status.choices)
    progress = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    deadline = forms.DateField(
        label="Hạn hoàn thành",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
