"""YAML loading that remembers line numbers.

Framework files are edited by hand; an error that says "dòng 212" saves a clerk from hunting
through 800 lines. PyYAML knows each node's position while composing, so we keep it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping from YAML that knows the 1-based line it started on."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """Parse YAML safely; every mapping in the result is a :class:`LineDict`."""
    return yaml.load(text, Loader=_LineLoader)


def read_document_text(path: str | Path, *, what: str) -> str:
    """The text of a hand-edited file; missing or non-UTF-8 files become clear errors.

    ``what`` names the kind of file in the message ("khung chỉ số", "sự kiện" …).
    """
    from chiso.errors import NotFound, Problem, ValidationFailed

    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"Không tìm thấy tệp {what} {path}.") from exc
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"Tệp {path.name} không phải văn bản UTF-8.",
            [Problem("Hãy lưu tệp YAML với bảng mã UTF-8.", file=path.name)],
        ) from exc


def parse_document(text: str, *, file: str) -> Any:
    """Parse a hand-edited YAML document; a syntax error names the file and the line."""
    from chiso.errors import Problem, ValidationFailed

    try:
        _refuse_aliases(text, file)
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ValidationFailed(
            f"Tệp {file} không đúng cú pháp YAML.",
            [
                Problem(
                    str(getattr(exc, "problem", exc)),
                    file=file,
                    row=mark.line + 1 if mark is not None else None,
                )
            ],
        ) from exc


def _refuse_aliases(text: str, file: str) -> None:
    """Anchors and aliases (``&a``/``*a``) are refused: no chiso file needs them, and a few nested
    aliases expand into billions of nodes for whoever walks the data (the "billion laughs")."""
    from chiso.errors import Problem, ValidationFailed

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ValidationFailed(
                f"Tệp {file} dùng bí danh YAML (*{event.anchor}); hãy viết đầy đủ nội dung.",
                [
                    Problem(
                        f"Không hỗ trợ bí danh YAML *{event.anchor}.",
                        file=file,
                        row=event.start_mark.line + 1,
                    )
                ],
            )


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)
