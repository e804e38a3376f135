"""Known vulnerabilities in the installed dependencies of chiso (``make audit``), with pip-audit.

Audits exactly what ``pip install -e '.[dev]'`` put in the virtualenv — the pinned runtime, server,
PostgreSQL and development dependencies and everything they pulled in — as ``pip freeze`` lists it
(pip itself and setuptools are the virtualenv's tools, not dependencies). pip-audit looks each
``name==version`` up in PyPI's advisory data.

Some networks let through the package index but not PyPI's per-version JSON (nor OSV), so
pip-audit can look nothing up. For each dependency it skipped, this script then reads the
project's JSON (``/pypi/<name>/json``, which the index serves): its ``vulnerabilities`` are the same
advisory data for the project's *newest* release, so a dependency pinned at that release is
checked exactly; one pinned at an older release cannot be, and is listed as such.

Exit codes: 0 every dependency checked, nothing known; 1 a vulnerability, or a dependency PyPI
does not know; 3 some dependencies could not be checked for lack of advisory data (the network).
With ``--allow-unreachable`` that last case prints a loud notice naming them and exits 0, so a
CI run on such a network is not blocked, and says so rather than pretending to be clean.

    .venv/bin/python scripts/audit.py [--allow-unreachable]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet  # pip-audit's own dependency

BIN = Path(sys.executable).parent

# Advisories deliberately ignored: ID → why (also written in docs/security.md). Empty: every
# finding so far was fixed by upgrading the pin.
IGNORED: dict[str, str] = {}


def _requirements() -> list[str]:
    frozen = subprocess.run(
        [str(BIN / "pip"), "freeze", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [line for line in frozen if "==" in line and not line.startswith(("-e", "#"))]


def _audit(requirements: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as handle:
        handle.write("\n".join(requirements) + "\n")
        handle.flush()
        command = [str(BIN / "pip-audit"), "-r", handle.name, "--no-deps", "--disable-pip"]
        command += ["--format", "json", "--progress-spinner", "off"]
        for vuln in IGNORED:
            command += ["--ignore-vuln", vuln]
        result = subprocess.run(command, capture_output=True, text=True)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"pip-audit không chạy được (mã thoát {result.returncode}).") from None


def _project(name: str) -> dict | None:
    """PyPI's JSON for project ``name`` (its newest release); ``None`` when PyPI does not know
    it. Network failures propagate: they are not an answer about the project."""
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Findings:
    """Every dependency ends in exactly one list."""

    vulnerable: list[tuple[str, str, dict]] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    clean_by_project_json: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # PyPI does not know the project
    unreachable: list[str] = field(default_factory=list)  # no advisory data for the pinned version


def _fallback(name: str, version: str, findings: Findings) -> None:
    try:
        project = _project(name)
    except (urllib.error.URLError, OSError, ValueError) as error:
        findings.unreachable.append(f"{name} {version}: không tải được dữ liệu của PyPI ({error})")
        return
    if project is None:
        findings.unknown.append(f"{name} {version}: PyPI không có gói này")
        return
    newest = project["info"]["version"]
    if newest != version:
        # Usually because the newest needs a newer Python than this one (numpy, scipy).
        needs = project["info"].get("requires_python") or ""
        too_new = needs and platform.python_version() not in SpecifierSet(needs)
        why = f" (cần Python {needs})" if too_new else ""
        findings.unreachable.append(
            f"{name} {version}: chỉ tra được bản mới nhất {newest}{why}, không tra được bản đã ghim"
        )
        return
    vulns = [v for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]
    vulns = [
        v for v in vulns if v["id"] not in IGNORED and not set(v.get("aliases", [])) & set(IGNORED)
    ]
    if vulns:
        for vuln in vulns:
            findings.vulnerable.append(
                (name, version, {**vuln, "fix_versions": vuln.get("fixed_in")})
            )
    else:
        findings.clean_by_project_json.append(name)


def collect(requirements: list[str], report: dict) -> Findings:
    """pip-audit's answers, completed from the project JSON where pip-audit had no data."""
    pins = {_canonical(r.split("==")[0]): r.split("==")[1] for r in requirements}
    findings = Findings()
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            _fallback(dep["name"], pins.get(_canonical(dep["name"]), "?"), findings)
        elif dep.get("vulns"):
            for vuln in dep["vulns"]:
                findings.vulnerable.append((dep["name"], dep["version"], vuln))
        else:
            findings.clean.append(dep["name"])
    return findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unreachable", action="store_true")
    args = parser.parse_args()

    requirements = _requirements()
    findings = collect(requirements, _audit(requirements))
    total = len(requirements)
    for name, version, vuln in findings.vulnerable:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "chưa có bản sửa"
        print(f"{name} {version}: {vuln['id']} (sửa ở: {fixed})")
    if findings.vulnerable:
        count = len({name for name, _, _ in findings.vulnerable})
        print(f"pip-audit: {count} gói có lỗ hổng đã biết — nâng phiên bản đã ghim.")
        return 1
    for line in findings.unknown:
        print(line, file=sys.stderr)
    if findings.unknown:
        print(f"pip-audit: {len(findings.unknown)} gói không kiểm tra được.", file=sys.stderr)
        return 1
    checked = len(findings.clean) + len(findings.clean_by_project_json)
    how = f"{len(findings.clean)} qua pip-audit"
    if findings.clean_by_project_json:
        how += (
            f", {len(findings.clean_by_project_json)} qua dữ liệu lỗ hổng PyPI công bố cho bản "
            "mới nhất, trùng bản đã ghim"
        )
    ignored = f", bỏ qua có lý do: {', '.join(IGNORED)}" if IGNORED else ""
    print(
        f"pip-audit: {checked}/{total} gói đã kiểm tra ({how}), không có lỗ hổng đã biết{ignored}."
    )
    if findings.unreachable:
        for line in findings.unreachable:
            print(f"  {line}", file=sys.stderr)
        print(
            f"pip-audit: KHÔNG KIỂM TRA ĐƯỢC {len(findings.unreachable)} gói ở trên — mạng chỉ "
            "cho tải gói, không cho tra dữ liệu lỗ hổng theo phiên bản "
            "(PyPI /pypi/<gói>/<bản>/json, OSV).",
            file=sys.stderr,
        )
        return 0 if args.allow_unreachable else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
