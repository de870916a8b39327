"""The naming rule (README, "Contributing"), checked on every class of the package:
snake_case is the definition; a class ends with one block of camelCase aliases
(``getText = get_text``) of the CometChat docs names; ruff's per-file-ignores
(pyproject.toml), not inline ``noqa``, let the aliases through."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "cometchat_nb"
CAMEL = re.compile(r"_?[a-z][a-z0-9]*[A-Z]\w*")  # getText, shouldAutoEstablishSocketConnection, setUID
#: inline naming suppressions still allowed (CometChatException: the JS SDK's name, not ...Error)
MAX_INLINE_NAMING_NOQA = 1


def _classes() -> list[tuple[str, ast.ClassDef]]:
    out = []
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        out += [
            (f"{path.relative_to(PKG)}:{node.name}", node)
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
        ]
    return out


CLASSES = _classes()


@pytest.mark.parametrize(("where", "cls"), CLASSES, ids=[where for where, _ in CLASSES])
def test_snake_case_definitions_and_one_alias_block_at_the_end(where: str, cls: ast.ClassDef) -> None:
    defs = {n.name: n.lineno for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    camel_defs = sorted(name for name in defs if CAMEL.fullmatch(name))
    assert not camel_defs, f"{where}: define {camel_defs} in snake_case and alias the docs names at the end"
    last_def = max(defs.values(), default=0)
    for node in cls.body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        name = node.targets[0].id
        if not CAMEL.fullmatch(name):
            continue
        assert isinstance(node.value, ast.Name), f"{where}.{name}: a camelCase name must be an alias"
        assert node.lineno > last_def, f"{where}.{name}: aliases go in one block after the last method"
        assert not CAMEL.fullmatch(node.value.id), f"{where}.{name} aliases another camelCase name"


def test_at_most_a_handful_of_inline_naming_suppressions() -> None:
    found = [
        f"{path.relative_to(PKG)}:{number}"
        for path in sorted(PKG.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"noqa:.*\bN8\d\d", line)
    ]
    assert len(found) <= MAX_INLINE_NAMING_NOQA, f"use per-file-ignores in pyproject.toml: {found}"
