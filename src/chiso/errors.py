"""Errors that reach users.

Every error a user can cause carries a stable ``code`` (for logs, tests and exit codes) and a
Vietnamese message. Validation collects *all* problems of an input before failing, so a clerk
fixes a file in one pass instead of one error per run; each problem says where it is
(file, sheet, row, column) in the words a spreadsheet user sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    code: str = "invalid"

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"tệp {self.file}")
        if self.sheet:
            parts.append(f"trang tính {self.sheet!r}")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class ChisoError(Exception):
    """Base of every error meant for a user; ``code`` is stable, the message is Vietnamese."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationFailed(ChisoError):
    """An input was rejected; ``problems`` lists everything wrong with it, nothing was written."""

    code = "validation_failed"

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(summary)

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)


class NotFound(ChisoError):
    """A named thing (province, framework, code) does not exist."""

    code = "not_found"
