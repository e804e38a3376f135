"""``make audit`` (scripts/audit.py): what pip-audit's report turns into. The network call itself
is pip-audit's; here its JSON answers are given, so the decisions are tested on any network."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("chiso_audit_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "_requirements", lambda: ["django==5.2.19", "rich==15.0.0"])

    def run(report: dict, *flags: str) -> int:
        monkeypatch.setattr(module, "_audit", lambda requirements: report)
        monkeypatch.setattr(sys, "argv", ["audit.py", *flags])
        return module.main()

    return run


CLEAN = {"name": "rich", "version": "15.0.0", "vulns": []}
SKIPPED = {"name": "rich", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_no_known_vulnerability_passes(audit, capsys):
    assert audit({"dependencies": [CLEAN, CLEAN | {"name": "django"}]}) == 0
    assert "2 gói, không có lỗ hổng đã biết" in capsys.readouterr().out


def test_a_vulnerability_fails_even_when_unreachable_is_allowed(audit, capsys):
    bad = {
        "name": "django",
        "version": "5.2.19",
        "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["5.2.20"], "aliases": []}],
    }
    assert audit({"dependencies": [bad, CLEAN]}, "--allow-unreachable") == 1
    out = capsys.readouterr().out
    assert "django 5.2.19: GHSA-xxxx (sửa ở: 5.2.20)" in out


def test_a_dependency_that_could_not_be_looked_up_fails(audit, capsys):
    assert audit({"dependencies": [CLEAN | {"name": "django"}, SKIPPED]}) == 1
    assert "1 gói không kiểm tra được" in capsys.readouterr().err


def test_no_advisory_data_at_all_is_said_loudly(audit, capsys):
    report = {"dependencies": [SKIPPED, SKIPPED | {"name": "django"}]}
    assert audit(report) == 3
    assert "KHÔNG KIỂM TRA ĐƯỢC" in capsys.readouterr().err
    assert audit(report, "--allow-unreachable") == 0
    assert "KHÔNG KIỂM TRA ĐƯỢC" in capsys.readouterr().err
