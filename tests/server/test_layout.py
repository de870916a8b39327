"""The shape of cometchat_nb.server (see its package docstring): the rules, the
parameter parsing, the store and the REST handlers reach neither aiohttp nor
websockets; the route table is complete and unambiguous; no module outgrows a
newcomer's reading."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from cometchat_nb.server import rest
from cometchat_nb.server.rest.routing import Route

SERVER = Path(__file__).resolve().parents[2] / "cometchat_nb" / "server"
PKG_ROOT = SERVER.parents[1]
SOCKET_LIBRARIES = {"aiohttp", "websockets"}
#: Modules that must work without the network libraries, with everything they import.
SOCKET_FREE = [
    *sorted((SERVER / "service").glob("*.py")),
    *sorted((SERVER / "store").glob("*.py")),
    *sorted(p for p in (SERVER / "rest").glob("*.py") if p.name != "http.py"),
    SERVER / "params.py",
    SERVER / "config.py",
    SERVER / "faults.py",
]
MAX_LINES = 600


def _imports(path: Path) -> list[str]:
    """Absolute names of every module ``path`` imports (lazy imports included); for
    ``from pkg import name`` both ``pkg`` and ``pkg.name``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = list(path.relative_to(PKG_ROOT).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = list(path.relative_to(PKG_ROOT).parts[:-1])
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append(mod)
            out += [f"{mod}.{a.name}" for a in node.names]
    return out


def _file_of(module: str) -> Path | None:
    parts = module.split(".")
    for candidate in (PKG_ROOT.joinpath(*parts).with_suffix(".py"), PKG_ROOT.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


@pytest.mark.parametrize("start", SOCKET_FREE, ids=lambda p: str(p.relative_to(SERVER)))
def test_socket_free_modules_reach_no_network_library(start: Path) -> None:
    """Follows the module's own imports inside cometchat_nb (not the side effects of
    parent packages' ``__init__``) and checks none of them imports aiohttp or websockets."""
    seen: set[Path] = set()
    todo = [(start, [str(start.relative_to(PKG_ROOT))])]
    while todo:
        path, chain = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imports(path):
            top = module.split(".")[0]
            assert top not in SOCKET_LIBRARIES, f"{' -> '.join(chain)} imports {module}"
            if top == "cometchat_nb":
                found = _file_of(module)
                if found is not None:
                    todo.append((found, [*chain, module]))


def _overlap(a: Route, b: Route) -> bool:
    """Whether some path matches both patterns."""
    return len(a.parts) == len(b.parts) and all(
        x == y or x.startswith("{") or y.startswith("{") for x, y in zip(a.parts, b.parts, strict=True)
    )


def test_no_path_fits_two_routes_of_one_method() -> None:
    routes = rest.ROUTES
    for i, a in enumerate(routes):
        for b in routes[i + 1 :]:
            assert a.method != b.method or not _overlap(a, b), f"{a.key} and {b.key} both match some path"


def test_every_resource_module_is_in_the_route_table() -> None:
    listed = {r.key for r in rest.ROUTES}
    modules = 0
    for info in pkgutil.iter_modules(rest.__path__, rest.__name__ + "."):
        module = importlib.import_module(info.name)
        routes = getattr(module, "ROUTES", None)
        if routes is None:
            continue
        modules += 1
        missing = {r.key for r in routes} - listed
        assert not missing, f"{info.name}.ROUTES are not in rest.ROUTES: {sorted(missing)}"
        for r in routes:
            assert r.handler.__module__ == info.name, f"{r.key}: handler from another module"
            assert not r.handler.__name__.startswith("_"), f"{r.key}: name the handler for what it does"
    assert modules >= 4


@pytest.mark.parametrize("path", sorted(SERVER.rglob("*.py")), ids=lambda p: str(p.relative_to(SERVER)))
def test_modules_stay_readable(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SERVER)} has {lines} lines: split it by responsibility"
