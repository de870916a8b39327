"""The import-layering rule of design.md §2, checked statically on every module.

``errors/models/settings`` ← ``protocol`` ← ``listeners`` ← ``client`` | ``server``
← ``runtime``/``sdk`` ← ``notebook``; ``client`` and ``server`` never import
each other; ``protocol`` imports the standard library only (no asyncio, no I/O
libraries); ``import cometchat_nb`` pulls in neither pandas, ipywidgets nor IPython.

Inside the parts: the modules of ``notebook/``, ``client/``, ``models/`` and ``sdk/`` import each other in
the order of :data:`ORDER` (a module imports only modules of an earlier tier), and
nothing in ``server/`` imports its entry points (``embedded``, ``cli``, ``__main__``).
No module imports another in a cycle, counting imports made inside functions (lazy)
and under ``if TYPE_CHECKING:`` — a cycle that only works because one side imports
lazily breaks as soon as someone hoists that import.
"""

from __future__ import annotations

import ast
import itertools
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

# The order inside a part: tiers of modules (paths inside the part, dotted, "__init__" for
# the part's package); a module may import only modules of an earlier tier. "*" stands for
# every module not listed (they may import each other: the cycle test still applies).
ANY = "*"
ORDER: dict[str, list[set[str]]] = {
    "notebook": [
        {"kernel"},
        {"progress", "secrets"},
        {"config"},
        {"rows"},
        {"arrow"},
        {"live_frame", "tables"},
        {"status"},
        {"history", "directory", "conversations"},
        {"session"},
        {"demo", "plot", "render"},
        {"panel"},
        {"magics.base"},
        {"magics.connection", "magics.messages", "magics.directory", "magics.conversations"},
        {"magics.__init__"},
        {"__init__"},
    ],
    "client": [
        {"wire", "dialing"},
        {"connection", "dispatch", "http", "store", "delivery", "requests.base"},
        {
            "supervisor",
            "routing",
            "requests.messages",
            "requests.users",
            "requests.groups",
            "requests.blocking",
            "requests.reactions",
            "requests.conversations",
        },
        {"catchup", "outbound", "persist", "requests.__init__"},
        {"api.base"},
        {
            "api.connection",
            "api.listeners",
            "api.messages",
            "api.transient",
            "api.users",
            "api.groups",
            "api.blocking",
            "api.reactions",
            "api.media",
            "api.conversations",
        },
        {"api.__init__"},
        {"client"},
        {"__init__"},
    ],
    "models": [
        {"constants"},
        {"_wire"},
        {"users"},
        {"reactions", "attachments"},
        {"messages"},
        {"message_kinds"},
        {"events", "conversations"},
        {"helpers"},
        {"__init__"},
    ],
    "sdk": [
        {"state"},
        {"requests"},
        {
            "namespace",
            "core",
            "messages",
            "transient",
            "users",
            "groups",
            "blocking",
            "reactions",
            "media",
            "conversations",
        },
        {"__init__"},
    ],
    # being split: the domain modules are free among themselves; the entry points come last
    "server": [{ANY}, {"embedded"}, {"cli", "__init__"}, {"__main__"}],
}
# modules whose code (and everything it imports from cometchat_nb) needs none of these
SANS_IO = ("asyncio", "threading", "socket", "ssl", "time", "httpx", "websockets", "picows", "aiohttp")
PURE = {
    "client.delivery": SANS_IO,
    "client.routing": SANS_IO,
    "notebook.rows": ("pandas", "pyarrow", "numpy", "ipywidgets", "IPython", "matplotlib"),
    "notebook.secrets": HEAVY,
    "notebook.config": HEAVY,
}


def _modules(pkg: Path = PKG) -> list[Path]:
    return sorted(p for p in pkg.rglob("*.py"))


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _module_name(path: Path, pkg: Path = PKG) -> str:
    """``cometchat_nb.notebook.magics.base``; a package's ``__init__.py`` is the package."""
    parts = list(path.relative_to(pkg.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _lazy_lines(tree: ast.Module) -> set[int]:
    """Line numbers of imports made inside functions (lazy imports)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lines.add(inner.lineno)
    return lines


def _imports(path: Path, pkg: Path = PKG) -> list[tuple[str, int]]:
    """(absolute module name, lineno) of every import in ``path`` — module level, inside
    functions and under ``if TYPE_CHECKING:`` alike (``ast.walk`` sees them all)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    rel = path.relative_to(pkg.parent).with_suffix("")
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
            out += [(f"{mod}.{a.name}", node.lineno) for a in node.names]
    return out


def import_graph(pkg: Path = PKG) -> dict[str, dict[str, int]]:
    """``{module: {imported module of the package: line}}`` for every module under ``pkg``.

    ``from x import y`` counts as importing ``x.y`` when that is a module, else ``x``.
    """
    paths = {_module_name(p, pkg): p for p in _modules(pkg)}

    def resolve(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        edges: dict[str, int] = {}
        for mod, line in _imports(path, pkg):
            if mod.split(".")[0] != pkg.name:
                continue
            target = resolve(mod)
            if target is not None and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def find_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import cycles of ``graph``: one ``[a, b, …, a]`` path per strongly connected
    component of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    cycles = []
    for component in components:  # one concrete path through each component
        members = set(component)
        path = [component[0]]
        while True:
            following = sorted(t for t in graph[path[-1]] if t in members)
            nxt = next((t for t in following if t == path[0]), None) or next(
                (t for t in following if t not in path), following[0]
            )
            path.append(nxt)
            if nxt in path[:-1]:
                break
        cycles.append(path[path.index(path[-1]) :])
    return cycles


def _describe(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    steps = [f"{a} (line {graph[a][b]})" for a, b in itertools.pairwise(cycle)]
    return " -> ".join([*steps, cycle[-1]])


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
        if target not in LAYER and len(parts) == 2:  # `from cometchat_nb import name`
            target = "__init__"
        assert target in LAYER, f"{path}:{line}: unknown part {target}"
        assert (me, target) not in FORBIDDEN, f"{path}:{line}: {me} must not import {target}"
        if me != target:
            assert LAYER[target] <= LAYER[me], (
                f"{path}:{line}: {me} (layer {LAYER[me]}) imports {mod} (layer {LAYER[target]})"
            )


def _tier(part: str, module: str) -> tuple[int, bool] | None:
    """(tier, listed) of ``module`` (a path inside ``part``) in :data:`ORDER`."""
    for i, tier in enumerate(ORDER[part]):
        if module in tier:
            return i, True
    return next(((i, False) for i, tier in enumerate(ORDER[part]) if ANY in tier), None)


def order_problems(part: str, pkg: Path = PKG) -> list[str]:
    """Every import inside ``part`` that goes against :data:`ORDER` (empty when none)."""
    graph = import_graph(pkg)
    prefix = f"{pkg.name}.{part}"

    def inner(name: str) -> str:  # cometchat_nb.notebook.magics -> "magics.__init__"
        rest = name.removeprefix(prefix).lstrip(".") or "__init__"
        is_package = (pkg / part / rest.replace(".", "/") / "__init__.py").is_file()
        return f"{rest}.__init__" if is_package and rest != "__init__" else rest

    mine = sorted(m for m in graph if m == prefix or m.startswith(prefix + "."))
    problems = []
    for module in mine:
        me = _tier(part, inner(module))
        if me is None:
            problems.append(f"{part}/{inner(module)} is not in ORDER[{part!r}] of this test: add it")
            continue
        for target, line in graph[module].items():
            them = _tier(part, inner(target)) if target in mine else None
            if them is None or them[0] < me[0]:
                continue
            if them[0] == me[0] and not me[1] and not them[1]:  # two unlisted modules of the "*" tier
                continue
            problems.append(
                f"{part}/{inner(module)} (line {line}) imports {inner(target)}, which does not come "
                f"before it in ORDER[{part!r}]"
            )
    return problems


@pytest.mark.parametrize("part", sorted(ORDER))
def test_order_inside_the_part(part: str) -> None:
    problems = order_problems(part)
    assert not problems, "\n".join(problems)


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = find_cycles(graph)
    assert not cycles, "import cycles (lazy and TYPE_CHECKING imports count):\n" + "\n".join(
        _describe(graph, c) for c in cycles
    )


def test_the_cycle_check_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    """The check itself: two modules importing each other — one lazily inside a function,
    the other under TYPE_CHECKING, as notebook/panel.py and session.py once did — are a cycle."""
    pkg = tmp_path / "fakepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "panel.py").write_text("from . import session\n")
    (pkg / "session.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .panel import Panel\n"
        "def panel():\n    from .panel import Panel\n    return Panel()\n"
    )
    (pkg / "leaf.py").write_text("from .session import panel\n")
    graph = import_graph(pkg)
    assert graph["fakepkg.session"] == {"fakepkg.panel": 3}
    assert find_cycles(graph) == [["fakepkg.panel", "fakepkg.session", "fakepkg.panel"]]
    (pkg / "session.py").write_text("def panel():\n    return None\n")
    assert find_cycles(import_graph(pkg)) == []


@pytest.mark.parametrize("module", sorted(PURE))
def test_pure_modules_need_no_heavy_library(module: str) -> None:
    """What the module's code imports, directly or through other modules of the package
    (not the parent package's ``__init__``), includes none of the banned libraries."""
    graph = import_graph()
    paths = {_module_name(p): p for p in _modules()}
    seen, todo = {f"cometchat_nb.{module}"}, [f"cometchat_nb.{module}"]
    while todo:
        name = todo.pop()
        for mod, line in _imports(paths[name]):
            top = mod.split(".")[0]
            assert top not in PURE[module], f"{module} imports {mod} via {name} (line {line})"
        for target in graph[name]:
            if target not in seen and target != "cometchat_nb":
                seen.add(target)
                todo.append(target)


def test_import_is_light() -> None:
    code = (
        f"import sys, cometchat_nb\nbad = [m for m in {HEAVY!r} if m in sys.modules]\nprint(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import cometchat_nb imported {out.stdout.strip()}"
