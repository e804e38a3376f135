"""``make audit`` (scripts/audit.py): what pip-audit's report, completed from PyPI's project JSON
where pip-audit had no data, turns into. Both network answers are given here, so the decisions
are tested on any network."""

from __future__ import annotations

import importlib.util
import sys
import urllib.error
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture
def audit(monkeypatch):
    """``audit(report, *flags, projects=...)``: main() with pip-audit answering ``report`` and
    PyPI's project JSON answering ``projects`` (name → JSON; ``None`` = 404; absent = network
    error)."""
    spec = importlib.util.spec_from_file_location("chiso_audit_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "_requirements", lambda: ["Django==5.2.19", "rich==15.0.0"])

    def run(report: dict, *flags: str, projects: dict | None = None) -> int:
        def project(name: str):
            if name not in (projects or {}):
                raise urllib.error.URLError("Name or service not known")
            return projects[name]

        monkeypatch.setattr(module, "_audit", lambda requirements: report)
        monkeypatch.setattr(module, "_project", project)
        monkeypatch.setattr(sys, "argv", ["audit.py", *flags])
        return module.main()

    return run


def _project(version: str, vulns=(), requires_python: str = ">=3.10") -> dict:
    return {
        "info": {"version": version, "requires_python": requires_python},
        "vulnerabilities": list(vulns),
    }


CLEAN = {"name": "rich", "version": "15.0.0", "vulns": []}
SKIPPED = {"name": "rich", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_no_known_vulnerability_passes(audit, capsys):
    assert audit({"dependencies": [CLEAN, CLEAN | {"name": "django"}]}) == 0
    assert (
        "2/2 gói đã kiểm tra (2 qua pip-audit), không có lỗ hổng đã biết" in capsys.readouterr().out
    )


def test_a_vulnerability_fails_even_when_unreachable_is_allowed(audit, capsys):
    bad = {
        "name": "django",
        "version": "5.2.19",
        "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["5.2.20"], "aliases": []}],
    }
    assert audit({"dependencies": [bad, CLEAN]}, "--allow-unreachable") == 1
    out = capsys.readouterr().out
    assert "django 5.2.19: GHSA-xxxx (sửa ở: 5.2.20)" in out


def test_a_dependency_pypi_does_not_know_fails(audit, capsys):
    report = {"dependencies": [CLEAN | {"name": "django"}, SKIPPED]}
    assert audit(report, "--allow-unreachable", projects={"rich": None}) == 1
    assert "1 gói không kiểm tra được" in capsys.readouterr().err


# -- pip-audit without advisory data: the project JSON of the newest release --------------------

SKIPPED_DJANGO = SKIPPED | {"name": "django"}


def test_a_pin_at_the_newest_release_is_checked_from_the_project_json(audit, capsys):
    projects = {"django": _project("5.2.19"), "rich": _project("15.0.0")}
    assert audit({"dependencies": [SKIPPED_DJANGO, SKIPPED]}, projects=projects) == 0
    out = capsys.readouterr().out
    assert "2/2 gói đã kiểm tra (0 qua pip-audit, 2 qua dữ liệu lỗ hổng PyPI công bố" in out


def test_a_vulnerability_in_the_project_json_fails(audit, capsys):
    vuln = {"id": "PYSEC-2026-1", "aliases": ["CVE-2026-1"], "fixed_in": ["15.0.1"]}
    withdrawn = {"id": "GHSA-old", "aliases": [], "fixed_in": [], "withdrawn": "2026-01-01"}
    projects = {"django": _project("5.2.19"), "rich": _project("15.0.0", [vuln, withdrawn])}
    report = {"dependencies": [SKIPPED_DJANGO, SKIPPED]}
    assert audit(report, "--allow-unreachable", projects=projects) == 1
    out = capsys.readouterr().out
    assert "rich 15.0.0: PYSEC-2026-1 (sửa ở: 15.0.1)" in out
    assert "GHSA-old" not in out


def test_an_older_pin_cannot_be_checked_and_says_which_and_why(audit, capsys):
    projects = {
        "django": _project("6.1.3", requires_python=">=3.12"),
        "rich": _project("15.0.0"),
    }
    report = {"dependencies": [SKIPPED_DJANGO, SKIPPED]}
    assert audit(report, projects=projects) == 3
    captured = capsys.readouterr()
    assert "1/2 gói đã kiểm tra" in captured.out
    assert "django 5.2.19: chỉ tra được bản mới nhất 6.1.3 (cần Python >=3.12)" in captured.err
    assert "KHÔNG KIỂM TRA ĐƯỢC 1 gói" in captured.err
    assert audit(report, "--allow-unreachable", projects=projects) == 0
    assert "KHÔNG KIỂM TRA ĐƯỢC 1 gói" in capsys.readouterr().err


def test_no_advisory_data_at_all_is_said_loudly(audit, capsys):
    report = {"dependencies": [SKIPPED, SKIPPED_DJANGO]}
    assert audit(report) == 3
    assert "KHÔNG KIỂM TRA ĐƯỢC 2 gói" in capsys.readouterr().err
    assert audit(report, "--allow-unreachable") == 0
    captured = capsys.readouterr()
    assert "0/2 gói đã kiểm tra" in captured.out
    assert "không tải được dữ liệu của PyPI" in captured.err
