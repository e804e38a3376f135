"""Documentation is part of the feature: every command and option a user can type is documented."""

from pathlib import Path

import typer.main

from chiso.cli import app

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8")


def commands(group, prefix: str = "chiso"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):  # a group of sub-commands
            yield from commands(command, path)
        else:
            yield path, command


def test_every_command_and_option_is_in_the_guide():
    root = typer.main.get_command(app)
    found = list(commands(root))
    assert len(found) >= 8
    for path, command in found:
        assert path in GUIDE, f"{path} is not documented in docs/huong-dan.md"
        if path == "chiso analyze":
            for param in command.params:
                for opt in param.opts:
                    if opt.startswith("--"):
                        assert opt in GUIDE, f"{path} {opt} is not documented"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:400]
    assert "make demo" in head and "make test" in head
    assert "## Tiếng Việt" in readme and "## English" in readme
