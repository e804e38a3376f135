"""Sample content and files shared by the web tests and tests/web/faultkit.py.

A plain module: faultkit runs as a script in another process (its folder is on ``sys.path``), and
pytest imports test files by path, so tests/conftest.py registers this module as ``samples``.
"""

from __future__ import annotations

import io
from datetime import date


def contribution_content(contribution, note: str = ""):
    """Complete content for every item of ``contribution``: causes, responsibility and one
    solution per item (owner the agency, deadline 31/12 of the next year, all lost points)."""
    from chiso.web.campaigns.services import ContributionContent, ItemText
    from chiso.web.campaigns.solutions import SolutionText

    items = contribution.items.select_related("assignment", "contribution__agency")
    return ContributionContent(
        general_text=f"Ý kiến chung {note}".strip(),
        items={
            item.assignment.code: ItemText(
                causes=f"Nguyên nhân {item.assignment.code} {note}",
                responsibility_agency="Lãnh đạo cơ quan",
                responsibility_unit="Phòng chuyên môn",
                responsibility_individual="Chuyên viên phụ trách",
                solutions=(
                    SolutionText(
                        text=f"Giải pháp {item.assignment.code}",
                        owner=item.contribution.agency.name,
                        deadline=date(contribution.campaign.year + 1, 12, 31),
                        expected_points=item.assignment.lost,
                    ),
                ),
            )
            for item in items
        },
    )


def contribution_form(contribution, action: str, note: str = "") -> dict[str, str]:
    """The POST body the contribution page sends, with every item filled: its text fields and
    its solution rows (a formset prefixed ``<item id>-sol``: one filled row, one blank row)."""
    data = {"action": action, "general_text": f"Ý kiến chung {note}"}
    year = contribution.campaign.year + 1
    for item in contribution.items.select_related("assignment", "contribution__agency"):
        data[f"{item.pk}-causes"] = f"Nguyên nhân {item.assignment.code} {note}"
        data[f"{item.pk}-responsibility_agency"] = "Lãnh đạo cơ quan"
        data[f"{item.pk}-responsibility_unit"] = "Phòng chuyên môn"
        data[f"{item.pk}-responsibility_individual"] = "Chuyên viên"
        prefix = f"{item.pk}-sol"
        data |= {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-text": f"Giải pháp {item.assignment.code}",
            f"{prefix}-0-owner": item.contribution.agency.name,
            f"{prefix}-0-deadline": f"{year}-12-31",
            f"{prefix}-0-expected_points": str(item.assignment.lost).replace(".", ","),
            f"{prefix}-1-text": "",
            f"{prefix}-1-owner": item.contribution.agency.name,
            f"{prefix}-1-deadline": "",
            f"{prefix}-1-expected_points": "",
        }
    return data


def docx(text: str = "Minh chứng") -> bytes:
    """A real one-paragraph DOCX, as Word saves one."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
