"""Forms only check the shape of input; the rules live in ``services.py`` (the solution rows'
rules are called from here too, only to show each problem at its row)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2

from chiso import vi
from chiso.web.accounts.models import Agency
from chiso.web.campaigns.models import ItemResponse
from chiso.web.campaigns.services import TEXT_FIELDS, ContributionContent, ItemText
from chiso.web.campaigns.solutions import SolutionText, solution_problems
from chiso.web.fields import ModelMultipleChoiceField

ITEM_LABELS = {
    "causes": "Nguyên nhân",
    "responsibility_agency": "Trách nhiệm của cơ quan",
    "responsibility_unit": "Trách nhiệm của đơn vị",
    "responsibility_individual": "Trách nhiệm của cá nhân",
}
BLANK_SOLUTION_ROWS = 2
# The contribution page renders every widget of every item: 380 for the Sở Nội vụ's 21 items in
# the demo. Django's template engine takes ~0.7 ms a widget (250 ms for that page), Jinja2 a
# third of it, with the same HTML: Django ships its widget templates for both engines. Only these
# forms use it; the admin's own widgets exist as Django templates only.
FAST_RENDERER = Jinja2()


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


def points_input(value: Decimal) -> str:
    """How a stored point value is shown in an input: ``0,5``, ``1``, ``0,3333`` (all decimals
    kept, so saving the page unchanged changes nothing)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


class PointsField(forms.CharField):
    """Points as clerks type them: ``0,5`` or ``0.5`` (read by :func:`chiso.vi.parse_number`)."""

    def to_python(self, value) -> Decimal | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Decimal(str(round(vi.parse_number(text), 4)))
        except (ValueError, InvalidOperation):
            raise ValidationError("Điểm kỳ vọng phải là một số, ví dụ 0,5.") from None

    def prepare_value(self, value):
        return points_input(value) if isinstance(value, Decimal) else value


class SolutionForm(forms.Form):
    """One solution row. Every field is optional here: a blank row is ignored, and what a row
    with text still lacks is reported by :func:`solution_problems`."""

    default_renderer = FAST_RENDERER
    text = forms.CharField(
        label="Giải pháp", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Đơn vị/cá nhân thực hiện", required=False, max_length=255)
    deadline = forms.DateField(
        label="Thời hạn",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Thời hạn không hợp lệ (ngày/tháng/năm)."},
    )
    expected_points = PointsField(
        label="Điểm kỳ vọng", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )

    def solution(self) -> SolutionText:
        data = getattr(self, "cleaned_data", {})
        return SolutionText(
            text=(data.get("text") or "").strip(),
            owner=(data.get("owner") or "").strip(),
            deadline=data.get("deadline"),
            expected_points=data.get("expected_points"),
        )


class BaseSolutionFormSet(forms.BaseFormSet):
    """An item's solution rows: the existing ones, then blank ones."""

    def __init__(self, *args, lost: Decimal, **kwargs):
        self.lost = lost
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Every row is read, even one equal to its initial values: Django would treat an
        # unchanged "extra" row as empty and drop it, and a blank row is decided by
        # SolutionText.is_blank anyway.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Xóa"
        # The rows sit in a table under column headings; screen readers still need a name.
        row = "" if index is None else f" (dòng {index + 1})"
        for field in form.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label}{row}"

    def kept(self) -> list[SolutionForm]:
        return [f for f in self.forms if not self._should_delete_form(f)]

    def clean(self) -> None:
        if any(self.errors):
            return
        forms_ = self.kept()
        problems = solution_problems([f.solution() for f in forms_], lost=self.lost)
        for index, fields in problems.rows.items():
            for name, message in fields.items():
                forms_[index].add_error(name, message)
        if problems.total:
            raise ValidationError(problems.total)

    def solutions(self) -> tuple[SolutionText, ...]:
        return tuple(f.solution() for f in self.kept())


SolutionFormSet = forms.formset_factory(
    SolutionForm, formset=BaseSolutionFormSet, extra=0, can_delete=True, renderer=FAST_RENDERER
)


def _solution_initial(item: ItemResponse, owner: str) -> list[dict]:
    rows = [
        {
            "text": s.text,
            "owner": s.owner,
            "deadline": s.deadline,
            "expected_points": s.expected_points,
        }
        for s in item.solution_rows.all()
    ]
    return rows + [{"owner": owner}] * BLANK_SOLUTION_ROWS


@dataclass
class ItemGroup:
    """What the contribution page shows for one item."""

    item: ItemResponse
    fields: list
    solutions: BaseSolutionFormSet

    @property
    def is_lead(self) -> bool:
        return self.item.is_lead


class ContributionForm(forms.Form):
    """One group of text areas per item, named ``<item id>-<field>``, a formset of solution rows
    per item (prefix ``<item id>-sol``), and the general text.

    An item whose fields are not in the POST at all (it was moved into the contribution after
    the page was opened) is left as it is rather than emptied; likewise the solutions of an item
    whose solution rows were not posted.
    """

    default_renderer = FAST_RENDERER
    general_text = forms.CharField(label="Ý kiến chung", required=False, widget=forms.Textarea)

    def __init__(self, data=None, *, items: list[ItemResponse], owner: str, **kwargs):
        super().__init__(data, **kwargs)
        self.items = items
        self.solutions_posted = {
            item.pk for item in items if data is None or f"{item.pk}-sol-TOTAL_FORMS" in data
        }
        self.posted = self.solutions_posted | {
            item.pk for item in items if data is None or f"{item.pk}-causes" in data
        }
        self.solution_sets: dict[int, BaseSolutionFormSet] = {}
        for item in items:
            for name in TEXT_FIELDS:
                self.fields[f"{item.pk}-{name}"] = forms.CharField(
                    label=ITEM_LABELS[name],
                    required=False,
                    initial=getattr(item, name),
                    widget=forms.Textarea(attrs={"rows": 3 if name == "causes" else 2}),
                )
            initial = _solution_initial(item, owner)
            self.solution_sets[item.pk] = SolutionFormSet(
                data if item.pk in self.solutions_posted else None,
                prefix=f"{item.pk}-sol",
                initial=initial,
                lost=item.assignment.lost,
            )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        sets = [s.is_valid() for pk, s in self.solution_sets.items() if s.is_bound]
        return valid and all(sets)

    def groups(self) -> list[ItemGroup]:
        return [
            ItemGroup(
                item=item,
                fields=[self[f"{item.pk}-{name}"] for name in TEXT_FIELDS],
                solutions=self.solution_sets[item.pk],
            )
            for item in self.items
        ]

    def lead_groups(self) -> list[ItemGroup]:
        return [g for g in self.groups() if g.is_lead]

    def support_groups(self) -> list[ItemGroup]:
        return [g for g in self.groups() if not g.is_lead]

    def _solutions(self, item: ItemResponse) -> tuple[SolutionText, ...]:
        formset = self.solution_sets[item.pk]
        return formset.solutions() if formset.is_bound else _stored(item)

    def content(self) -> ContributionContent:
        data = self.cleaned_data
        return ContributionContent(
            general_text=data["general_text"].strip(),
            items={
                item.assignment.code: ItemText(
                    **{name: data[f"{item.pk}-{name}"] for name in TEXT_FIELDS},
                    solutions=self._solutions(item),
                )
                for item in self.items
                if item.pk in self.posted
            },
        )


def _stored(item: ItemResponse) -> tuple[SolutionText, ...]:
    return tuple(
        SolutionText(
            text=s.text, owner=s.owner, deadline=s.deadline, expected_points=s.expected_points
        )
        for s in item.solution_rows.all()
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "Tiếp nhận"), ("return", "Trả lại")])
    comment = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea)


class AttachmentForm(forms.Form):
    """Only the shape: the type (by content) and the size are checked by the service."""

    file = forms.FileField(label="Tệp đính kèm (PDF, DOCX, XLSX)")


class AssignmentForm(forms.Form):
    """One row of the assignment table: the lead agency and the supporting agencies."""

    lead_agency = forms.ModelChoiceField(
        label="Cơ quan chủ trì",
        queryset=Agency.objects.all(),
        error_messages={
            "required": "Cần chọn cơ quan chủ trì.",
            "invalid_choice": "Cơ quan chủ trì không có trong danh mục.",
        },
    )
    supporting_agencies = ModelMultipleChoiceField(
        label="Cơ quan phối hợp",
        queryset=Agency.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Cơ quan phối hợp không có trong danh mục."},
    )
