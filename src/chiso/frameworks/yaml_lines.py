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


MAX_FLOW_DEPTH = 50  # "[[[…": PyYAML's scanner slows down quadratically with the depth


class _LineLoader(yaml.SafeLoader):
    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_FLOW_DEPTH:
            raise yaml.scanner.ScannerError(
                None, None, "Các danh sách, bảng lồng nhau quá sâu.", self.get_mark()
            )
        super().fetch_flow_collection_start(TokenClass)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# PyYAML builds dates and numbers with Python's constructors, which raise a bare ValueError for
# "2026-02-31", an offset of +25:00 or a 5 000-digit integer; these say which value, and where.
_IMPOSSIBLE = {
    "tag:yaml.org,2002:timestamp": "Ngày giờ {value!r} không có thật (như ngày 31/02, giờ 25:00).",
    "tag:yaml.org,2002:int": "Số {value!r} không đọc được (quá dài).",
    "tag:yaml.org,2002:float": "Số {value!r} không đọc được.",
}


def _checked(tag: str) -> Any:
    build = _LineLoader.yaml_constructors[tag]

    def construct(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
        try:
            return build(loader, node)
        except ValueError as exc:
            value = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            message = _IMPOSSIBLE[tag].format(value=value)
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from exc

    return construct


for _tag in _IMPOSSIBLE:
    _LineLoader.add_constructor(_tag, _checked(_tag))


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
        detail = str(getattr(exc, "problem", None) or exc)
        if not detail[:1].isupper():  # PyYAML's own words, in English: say what they are about
            detail = f"Lỗi cú pháp YAML: {detail}."
        raise ValidationFailed(
            f"Tệp {file} không đúng cú pháp YAML.",
            [Problem(detail, file=file, row=mark.line + 1 if mark is not None else None)],
        ) from exc
    except RecursionError as exc:  # "[[[[…" thousands deep: the composer recurses per level
        raise ValidationFailed(
            f"Tệp {file} không đúng cú pháp YAML.",
            [Problem("Các danh sách, bảng lồng nhau quá sâu.", file=file)],
        ) from exc


def _refuse_aliases(text: str, file: str) -> None:
    """Anchors and aliases (``&a``/``*a``) are refused: no chiso file needs them, and a few nested
    aliases expand into billions of nodes for whoever walks the data (the "billion laughs")."""
    from chiso.errors import Problem, ValidationFailed

    for event in yaml.parse(text, Loader=_LineLoader):
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
