"""Fixtures for remediation actions: accepted contributions with chosen solutions, and imported
score sheets (made by the core's demo exporter, as in ``tests/web/dashboard``).

``data_dir``, ``demo_files`` and ``upload`` come from tests/web/conftest.py. ``data_dir`` is not
autouse here: only the tests that import a sheet need a private data folder."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest


@pytest.fixture
def accept(coordinator, fill):
    """``accept(contribution, user, content=None)``: submitted by ``user`` (with ``content``, or
    every item filled by ``fill``) and accepted by the coordinator."""
    from chiso.web.campaigns.services import contribution_accept, contribution_submit

    def _accept(contribution, user, content=None):
        contribution_submit(
            acting_user=user, contribution=contribution, content=content or fill(contribution)
        )
        contribution_accept(acting_user=coordinator, contribution=contribution)
        contribution.refresh_from_db()
        return contribution

    return _accept


@pytest.fixture
def solution():
    """``solution(text, owner, deadline, points)``: one solution row as the form sends it."""
    from chiso.web.campaigns.solutions import SolutionText

    def make(text: str, owner: str, deadline: date, points: str) -> object:
        return SolutionText(
            text=text, owner=owner, deadline=deadline, expected_points=Decimal(points)
        )

    return make


@pytest.fixture
def import_file(data_dir, coordinator, upload):
    """``import_file(kind, path)``: imported by the coordinator for Lạng Sơn 2025, now active."""
    from chiso.web.datasets import services

    def run(kind: str, path: Path):
        return services.dataset_import(
            acting_user=coordinator,
            kind=kind,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=upload(path),
        )

    return run


@pytest.fixture
def sheet_with(demo_files, tmp_path):
    """``sheet_with({code: achieved})``: the demo 2025 score sheet with some points changed."""

    def make(changes: dict[str, str]) -> Path:
        source = demo_files / "bang-diem-lang-son-2025.csv"
        with open(source, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            row["achieved"] = changes.get(row["code"], row["achieved"])
        target = tmp_path / "bang-diem-sua.csv"
        with open(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return target

    return make


@pytest.fixture
def action(own, make_action):
    """An action of the member's agency (BDT)."""
    return make_action(own)
