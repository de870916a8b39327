"""``binder/`` follows the repo2docker conventions, and the Binder links point at real notebooks.

* ``binder/postBuild`` is executable, has a shebang and starts with ``set -e`` (repo2docker
  does not stop the build on a failing step otherwise), and is valid bash;
* ``binder/start``, if there is one, is executable and ends with ``exec "$@"`` (it is
  the container's entry point);
* ``binder/requirements.txt`` parses, pins every package with ``==``, and pins every
  dependency the notebooks need (``pip install --no-deps .`` in postBuild relies on
  it) at a version ``pyproject.toml`` accepts;
* ``binder/runtime.txt`` asks for a Python that ``requires-python`` accepts;
* every ``mybinder.org`` link and every ``notebooks/*.ipynb`` path in the README,
  the Makefile and ``binder/`` names a notebook that exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# what the notebooks need beyond the core: the notebook extra and JupyterLab itself
NEEDED_EXTRAS = ("notebook", "lab")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _code_lines(path: Path) -> list[str]:
    """Non-blank lines that are not comments (the shebang counts as a comment)."""
    return [line.strip() for line in _lines(path) if line.strip() and not line.lstrip().startswith("#")]


def _pins() -> dict[str, Requirement]:
    pins: dict[str, Requirement] = {}
    for number, raw in enumerate(_lines(BINDER / "requirements.txt"), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)  # raises InvalidRequirement on a malformed line
        name = canonicalize_name(req.name)
        assert name not in pins, f"requirements.txt line {number}: {req.name} listed twice"
        pins[name] = req
    return pins


def test_post_build_is_executable_and_starts_with_set_e() -> None:
    post_build = BINDER / "postBuild"
    assert post_build.is_file()
    assert os.access(post_build, os.X_OK), "chmod +x binder/postBuild"
    lines = _lines(post_build)
    assert lines[0].startswith("#!") and "bash" in lines[0], f"shebang: {lines[0]!r}"
    first = _code_lines(post_build)[0]
    assert re.fullmatch(r"set -e\w*( .*)?", first), f"postBuild must start with `set -e`, not {first!r}"
    assert any("pip install" in line and "." in line.split() for line in _code_lines(post_build)), (
        "postBuild installs the project (pip install [--no-deps] [-e] .)"
    )


def test_post_build_is_valid_bash() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not found")
    result = subprocess.run(
        [bash, "-n", str(BINDER / "postBuild")], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 0, result.stderr


def test_start_if_present_ends_with_exec() -> None:
    start = BINDER / "start"
    if not start.exists():
        return  # optional: the notebooks start their embedded server themselves (--local)
    assert os.access(start, os.X_OK), "chmod +x binder/start"
    assert _lines(start)[0].startswith("#!")
    assert _code_lines(start)[-1] == 'exec "$@"', 'the last line of binder/start must be exec "$@"'


def test_requirements_pin_every_package() -> None:
    pins = _pins()
    assert pins
    for name, req in pins.items():
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{name}: pin it with ==, got {req}"
        Version(specs[0].version)  # a real version, no wildcard
        assert not req.marker and not req.url, f"{name}: keep pins plain"


def _project_dependencies() -> list[Requirement]:
    project = PYPROJECT["project"]
    deps = [Requirement(d) for d in project["dependencies"]]
    extras = project["optional-dependencies"]
    for extra in NEEDED_EXTRAS:
        deps += [Requirement(d) for d in extras[extra]]
    self_name = canonicalize_name(project["name"])
    return [d for d in deps if canonicalize_name(d.name) != self_name]


def test_requirements_cover_the_project_and_notebook_dependencies() -> None:
    pins = _pins()
    for dep in _project_dependencies():
        name = canonicalize_name(dep.name)
        assert name in pins, f"binder/requirements.txt lacks {dep.name} (needed by {dep})"
        version = next(iter(pins[name].specifier)).version
        assert dep.specifier.contains(version, prereleases=True), (
            f"binder pins {dep.name}=={version}, but pyproject.toml wants {dep}"
        )


def test_runtime_python_is_accepted_by_the_project() -> None:
    runtime = BINDER / "runtime.txt"
    if not runtime.exists():
        return
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime.read_text(encoding="utf-8").strip())
    assert match, "runtime.txt holds one line such as python-3.11"
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert requires.contains(match.group(1) + ".0"), f"{match.group(1)} vs requires-python {requires}"


def _referencing_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "Makefile", *sorted(p for p in BINDER.iterdir() if p.is_file())]


def test_binder_badge_opens_an_existing_notebook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)\"'>]+", readme)
    assert links, "the README has a Binder badge/link"
    for link in links:
        match = re.search(r"[?&]urlpath=(?:lab/tree|tree|notebooks)/([^&#]+\.ipynb)", link)
        assert match, f"{link}: no urlpath to a notebook"
        assert (ROOT / match.group(1)).is_file(), f"{link}: {match.group(1)} does not exist"


def test_every_referenced_notebook_exists() -> None:
    seen = 0
    for path in _referencing_files():
        for ref in re.findall(r"notebooks/[\w.-]+\.ipynb", path.read_text(encoding="utf-8")):
            seen += 1
            assert (ROOT / ref).is_file(), f"{path.name} names {ref}, which does not exist"
    assert seen, "nothing names a notebook"
