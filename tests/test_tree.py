"""The test tree's own rules: shared helpers come from :mod:`tests.support`, never from a
conftest or another test module (a conftest holds fixtures, found by pytest itself)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MODULES = sorted(p for p in TESTS.rglob("*.py") if "node_modules" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_module_imports_a_conftest_or_a_test_module(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module.rpartition(".")[2]]
        elif isinstance(node, ast.ImportFrom):  # from . import x
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name.rpartition(".")[2] for alias in node.names]
        else:
            continue
        for name in names:
            assert name != "conftest" and not name.startswith("test_"), (
                f"{path.relative_to(TESTS)}:{node.lineno} imports {name}: share it from tests/support"
            )
