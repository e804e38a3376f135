"""Hand-edited YAML: syntax errors and aliases are refused with the file and the line."""

from __future__ import annotations

import pytest

from chiso.errors import ValidationFailed
from chiso.frameworks.yaml_lines import parse_document

LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [
        f"{chr(ord('b') + i)}: &{chr(ord('b') + i)} [{', '.join(['*' + chr(ord('a') + i)] * 9)}]"
        for i in range(8)
    ]
)


def test_nested_aliases_are_refused_before_anything_expands_them():
    with pytest.raises(ValidationFailed) as caught:
        parse_document(LAUGHS, file="su-kien.yaml")
    assert "bí danh YAML" in caught.value.message
    assert caught.value.problems[0].file == "su-kien.yaml"
    assert caught.value.problems[0].row == 2


def test_plain_documents_still_parse():
    assert parse_document("a: 1\nb: [x, y]\n", file="x.yaml") == {"a": 1, "b": ["x", "y"]}


def test_a_syntax_error_names_the_line():
    with pytest.raises(ValidationFailed) as caught:
        parse_document("a: 1\nb: [x, y\n", file="x.yaml")
    assert caught.value.problems[0].row is not None
