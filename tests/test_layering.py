"""The import-layering rule of design.md §2, checked statically on every module.

``errors/models/settings`` ← ``protocol`` ← ``listeners`` ← ``client`` | ``server``
← ``runtime``/``sdk`` ← ``notebook``; ``client`` and ``server`` never import
each other; ``protocol`` imports the standard library only (no asyncio, no I/O
libraries); ``import cometchat_nb`` pulls in neither pandas, ipywidgets nor IPython.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "cometchat_nb"

# layer of each top-level part of the package; a module may import only
# parts whose layer is <= its own (and never a sibling listed in FORBIDDEN).
LAYER = {
    "_version": 0,
    "errors": 0,
    "models": 0,
    "settings": 0,
    "protocol": 1,
    "listeners": 2,
    "client": 3,
    "server": 3,
    "runtime": 4,
    "sdk": 4,
    "__init__": 4,
    "notebook": 5,
}
FORBIDDEN = {("client", "server"), ("server", "client")}
PROTOCOL_BANNED = {
    "asyncio",
    "websockets",
    "picows",
    "httpx",
    "aiohttp",
    "orjson",
    "threading",
    "socket",
    "time",
    "ssl",
}
HEAVY = ("pandas", "ipywidgets", "IPython", "pyarrow", "matplotlib")


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py"))


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _lazy_lines(tree: ast.Module) -> set[int]:
    """Line numbers of imports made inside functions (lazy imports)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lines.add(inner.lineno)
    return lines


def _imports(path: Path) -> list[tuple[str, int]]:
    """(absolute module name, lineno) of every import in ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    rel = path.relative_to(PKG.parent).with_suffix("")
    package = list(rel.parts[:-1])  # the package a relative import starts from
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                if not node.module:
                    out += [(f"{mod}.{a.name}", node.lineno) for a in node.names]
                    continue
            else:
                mod = node.module or ""
            out.append((mod, node.lineno))
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_module_respects_layers(path: Path) -> None:
    me = _part(path)
    assert me in LAYER, f"{me} has no layer: add it to LAYER in this test (and design.md §2)"
    # the package root may reach the notebook layer lazily, inside load_ipython_extension
    lazy = _lazy_lines(ast.parse(path.read_text())) if me == "__init__" else set()
    for mod, line in _imports(path):
        if line in lazy and mod.startswith("cometchat_nb.notebook"):
            continue
        if not mod.startswith("cometchat_nb"):
            if me == "protocol":
                top = mod.split(".")[0]
                assert top not in PROTOCOL_BANNED, f"{path}:{line}: protocol/ must not import {mod}"
                assert top in sys.stdlib_module_names, f"{path}:{line}: protocol/ is stdlib-only, not {mod}"
            continue
        parts = mod.split(".")
        target = parts[1] if len(parts) > 1 else "__init__"
        assert target in LAYER, f"{path}:{line}: unknown part {target}"
        assert (me, target) not in FORBIDDEN, f"{path}:{line}: {me} must not import {target}"
        if me != target:
            assert LAYER[target] <= LAYER[me], (
                f"{path}:{line}: {me} (layer {LAYER[me]}) imports {mod} (layer {LAYER[target]})"
            )


def test_import_is_light() -> None:
    code = (
        f"import sys, cometchat_nb\nbad = [m for m in {HEAVY!r} if m in sys.modules]\nprint(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import cometchat_nb imported {out.stdout.strip()}"
