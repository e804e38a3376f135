"""The upload form: only the shape of the input. The file itself is judged by the core importer."""

from __future__ import annotations

from django import forms

from chiso.web.datasets.models import Dataset
from chiso.web.datasets.services import questionnaire_names

Kind = Dataset.Kind


def _questionnaire_choices() -> list[tuple[str, str]]:
    from chiso.sipas.questionnaire import embedded

    return [(name, f"{name} — {embedded(name).name_vi}") for name in questionnaire_names()]


class ImportForm(forms.Form):
    """One form per kind on the page; ``kind`` is a hidden field of each."""

    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.HiddenInput)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, initial=2025)
    questionnaire = forms.ChoiceField(label="Bảng hỏi", required=False)
    file = forms.FileField(label="Tệp (.csv hoặc .xlsx)")

    def __init__(self, data=None, files=None, *, kind: str | None = None, **kwargs):
        if kind is None and data is not None:
            kind = data.get("kind")
        self.kind = kind if kind in Kind.values else None
        # Three forms share the page: ids must differ (id_sheet_year, id_results_year …).
        kwargs.setdefault("auto_id", f"id_{self.kind or 'import'}_%s")
        super().__init__(data, files, **kwargs)
        self.fields["kind"].initial = self.kind
        self.fields["questionnaire"].choices = _questionnaire_choices()
        self.fields["questionnaire"].initial = "tinh-xa-2025"
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.RESPONSES and not data.get("questionnaire"):
            self.add_error("questionnaire", "Hãy chọn bảng hỏi của phiếu khảo sát.")
        return data
