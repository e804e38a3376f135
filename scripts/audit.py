"""Known vulnerabilities in the installed dependencies of chiso (``make audit``), with pip-audit.

Audits exactly what ``pip install -e '.[dev]'`` put in the virtualenv — the pinned runtime, server,
PostgreSQL and development dependencies and everything they pulled in — as ``pip freeze`` lists it
(pip itself and setuptools are the virtualenv's tools, not dependencies). pip-audit looks each
``name==version`` up in PyPI's advisory data.

Exit codes: 0 nothing known; 1 a vulnerability, or a dependency that could not be looked up;
3 the advisory data could not be reached for any dependency (a network that lets through only
the package index). With ``--allow-unreachable`` that last case prints a loud notice and exits 0,
so a CI run on such a network is not blocked, and says so rather than pretending to be clean.

    .venv/bin/python scripts/audit.py [--allow-unreachable]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unreachable", action="store_true")
    args = parser.parse_args()

    requirements = _requirements()
    report = _audit(requirements)
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "chưa có bản sửa"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (sửa ở: {fixed})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} gói có lỗ hổng đã biết — nâng phiên bản đã ghim.")
        return 1
    if skipped and len(skipped) == len(dependencies):
        print(
            f"pip-audit: KHÔNG KIỂM TRA ĐƯỢC — không tra được dữ liệu lỗ hổng cho gói nào trong "
            f"{len(dependencies)} gói (mạng chỉ cho tải gói, không cho truy vấn dữ liệu lỗ hổng "
            f"theo phiên bản). Ví dụ: {skipped[0]['skip_reason']}",
            file=sys.stderr,
        )
        return 0 if args.allow_unreachable else 3
    if skipped:
        for dep in skipped:
            print(f"{dep['name']}: {dep['skip_reason']}", file=sys.stderr)
        print(f"pip-audit: {len(skipped)} gói không kiểm tra được.", file=sys.stderr)
        return 1
    ignored = f", bỏ qua có lý do: {', '.join(IGNORED)}" if IGNORED else ""
    print(f"pip-audit: {len(dependencies)} gói, không có lỗ hổng đã biết{ignored}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
