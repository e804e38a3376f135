"""Solutions (giải pháp) an agency commits to for an item, and the rules a set of them obeys.

The contribution form calls :func:`solution_problems` to show each problem at its row; the
services call it again before writing, so the rules hold whoever calls them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chiso import vi
from chiso.web.campaigns.models import Solution


@dataclass(frozen=True)
class SolutionText:
    """One solution as written: what, by whom, by when, and how many points it should win back."""

    text: str = ""
    owner: str = ""
    deadline: date | None = None
    expected_points: Decimal | None = None

    @property
    def is_blank(self) -> bool:
        """A row left empty (the owner alone does not count: the form fills it in)."""
        return not self.text.strip() and self.deadline is None and self.expected_points is None


@dataclass(frozen=True)
class SolutionProblems:
    """What is wrong with an item's solution rows: per row index, per field; and the total."""

    rows: Mapping[int, Mapping[str, str]]
    total: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows or self.total)

    def messages(self, code: str) -> list[str]:
        lines = [
            f"Mục {code}, giải pháp {index + 1}: {message}"
            for index, problems in sorted(self.rows.items())
            for message in problems.values()
        ]
        return lines + ([f"Mục {code}: {self.total}"] if self.total else [])


def solution_problems(solutions: Sequence[SolutionText], *, lost: Decimal) -> SolutionProblems:
    """Check an item's solution rows against its ``lost`` points; blank rows are skipped."""
    rows: dict[int, dict[str, str]] = {}
    total = Decimal(0)
    for index, solution in enumerate(solutions):
        if solution.is_blank:
            continue
        problems: dict[str, str] = {}
        if not solution.text.strip():
            problems["text"] = "Ghi nội dung giải pháp (hoặc để trống cả dòng)."
        if not solution.owner.strip():
            problems["owner"] = "Ghi đơn vị hoặc cá nhân thực hiện."
        if solution.deadline is None:
            problems["deadline"] = "Ghi thời hạn thực hiện."
        points = solution.expected_points
        if points is None:
            problems["expected_points"] = "Ghi số điểm kỳ vọng."
        elif points < 0:
            problems["expected_points"] = "Điểm kỳ vọng không được âm."
        elif points > lost:
            problems["expected_points"] = (
                f"Điểm kỳ vọng không được vượt số điểm bị trừ ({_points_text(lost)})."
            )
        else:
            total += points
        if problems:
            rows[index] = problems
    over = ""
    if total > lost:
        over = (
            f"Tổng điểm kỳ vọng của các giải pháp ({_points_text(total)}) vượt số điểm bị trừ "
            f"({_points_text(lost)})."
        )
    return SolutionProblems(rows=rows, total=over)


def _points_text(value: Decimal) -> str:
    return vi.format_points(float(value))


def solution_values(solution: Solution | SolutionText) -> dict:
    """A solution as plain JSON values (for the audit log and the frozen versions)."""
    return {
        "text": vi.nfc(solution.text).strip(),
        "owner": vi.nfc(solution.owner).strip(),
        "deadline": solution.deadline.isoformat() if solution.deadline else None,
        "expected_points": (
            plain_decimal(solution.expected_points)
            if solution.expected_points is not None
            else None
        ),
    }


def plain_decimal(value: Decimal) -> str:
    """``Decimal("0.5000")`` → ``"0.5"``, ``Decimal("10")`` → ``"10"`` (never ``"1E+1"``)."""
    return format(Decimal(value).normalize(), "f")
