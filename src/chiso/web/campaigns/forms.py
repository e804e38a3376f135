"""Forms only check the shape of input; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms

from chiso.web.campaigns.models import ItemResponse
from chiso.web.campaigns.services import ITEM_FIELDS, ContributionContent, ItemText

ITEM_LABELS = {
    "causes": "Nguyên nhân",
    "responsibility_agency": "Trách nhiệm của cơ quan",
    "responsibility_unit": "Trách nhiệm của đơn vị",
    "responsibility_individual": "Trách nhiệm của cá nhân",
    "solutions": "Giải pháp khắc phục năm sau",
}


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Năm đánh giá", min_value=2020, max_value=2100, initial=2025)
    province = forms.CharField(label="Tỉnh", max_length=64, initial="Lạng Sơn")
    title = forms.CharField(
        label="Tên đợt",
        max_length=255,
        initial="Tham luận phân tích kết quả Chỉ số SIPAS, PAR INDEX năm 2025",
    )
    event_date = forms.DateField(
        label="Ngày hội nghị",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Read in the site's time zone (Asia/Ho_Chi_Minh), so the result is an aware datetime.
    deadline = forms.DateTimeField(
        label="Hạn nộp",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ContributionForm(forms.Form):
    """One group of text areas per item, named ``<item id>-<field>``, plus the general text."""

    general_text = forms.CharField(label="Ý kiến chung", required=False, widget=forms.Textarea)

    def __init__(self, *args, items: list[ItemResponse], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            for name in ITEM_FIELDS:
                self.fields[f"{item.pk}-{name}"] = forms.CharField(
                    label=ITEM_LABELS[name],
                    required=False,
                    initial=getattr(item, name),
                    widget=forms.Textarea(
                        attrs={"rows": 3 if name in ("causes", "solutions") else 2}
                    ),
                )

    def groups(self):
        """(item, [bound fields]) pairs for the template."""
        for item in self.items:
            yield item, [self[f"{item.pk}-{name}"] for name in ITEM_FIELDS]

    def content(self) -> ContributionContent:
        data = self.cleaned_data
        return ContributionContent(
            general_text=data["general_text"].strip(),
            items={
                item.assignment.code: ItemText(
                    **{name: data[f"{item.pk}-{name}"] for name in ITEM_FIELDS}
                )
                for item in self.items
            },
        )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "Tiếp nhận"), ("return", "Trả lại")])
    comment = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea)


class AttachmentForm(forms.Form):
    """Only the shape: the type (by content) and the size are checked by the service."""

    file = forms.FileField(label="Tệp đính kèm (PDF, DOCX, XLSX)")
