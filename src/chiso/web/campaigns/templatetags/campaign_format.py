"""Vietnamese number formatting in the tham luận templates: ``{{ value|points }}`` → ``0,5``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from chiso import vi

register = template.Library()


@register.filter
def points(value: Decimal | float | str | None) -> str:
    """Score points as :func:`chiso.vi.format_points` writes them (``1``, ``0,5``, ``12,75``)."""
    if value is None or value == "":
        return "—"
    return vi.format_points(float(value))


@register.simple_tag
def agency_options(groups, selected) -> str:
    """``<optgroup>``/``<option>`` elements for an agency picker, ``selected`` being one agency
    id (or None) or several agencies.

    Built here rather than with template loops: the assignment table has two pickers of every
    agency on each of its rows (≈ 9 000 options), which template loops render in seconds.
    """
    if selected is None or isinstance(selected, int):
        chosen = {selected}
    else:
        chosen = {getattr(a, "pk", a) for a in selected}
    parts = []
    for label, agencies in groups:
        parts.append(f'<optgroup label="{escape(label)}">')
        for agency in agencies:
            mark = " selected" if agency.pk in chosen else ""
            parts.append(f'<option value="{agency.pk}"{mark}>{escape(agency.name)}</option>')
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # every name and label is escaped above


@register.filter
def percent(value: float | None) -> str:
    """An index as :func:`chiso.vi.format_percent` writes it (``88,12%``)."""
    if value is None or value == "":
        return "—"
    return vi.format_percent(float(value))
