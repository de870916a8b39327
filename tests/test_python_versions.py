"""The supported Python versions are declared once and CI tests each of them.

* ``pyproject.toml`` declares 3.11, 3.12 and 3.13 as classifiers, each accepted by
  ``requires-python``, whose lower bound is the oldest one (mypy checks against it);
* ``.ci/run`` runs the suite on every declared version newer than the one ``make
  test`` uses, finds an interpreter in pyenv's versions or on PATH, and skips (and
  says so) a version the machine does not have.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
SUPPORTED = ["3.11", "3.12", "3.13"]


def _declared() -> list[str]:
    prefix = "Programming Language :: Python :: "
    found = [c[len(prefix) :] for c in PYPROJECT["project"]["classifiers"] if c.startswith(prefix)]
    return sorted((v for v in found if re.fullmatch(r"3\.\d+", v)), key=lambda v: int(v.split(".")[1]))


def test_classifiers_declare_every_supported_version_and_agree_with_requires_python() -> None:
    declared = _declared()
    assert declared == SUPPORTED
    spec = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert all(f"{v}.0" in spec for v in declared)
    assert "3.10.99" not in spec, "requires-python admits a version older than the oldest declared"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == declared[0]


def test_ci_runs_the_suite_on_every_newer_declared_version() -> None:
    default = re.search(r"CI_EXTRA_PYTHONS:-([0-9. ]+)\}", CI_RUN)
    assert default is not None, ".ci/run has no list of extra Python versions"
    assert default.group(1).split() == _declared()[1:]
    assert 'make pytest VENV=".venv-$minor" PYTHON="$py"' in CI_RUN
    assert "skipped" in CI_RUN


def _find_python(minor: str, pyenv_root: Path, path: str) -> subprocess.CompletedProcess[str]:
    func = re.search(r"^find_python\(\) \{\n.*?^\}\n", CI_RUN, re.S | re.M)
    assert func is not None
    env = {"PATH": path, "PYENV_ROOT": str(pyenv_root), "HOME": str(pyenv_root)}
    return subprocess.run(
        ["/bin/bash", "-c", f'{func.group(0)}\nfind_python "$1"', "find_python", minor],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ci_finds_a_pyenv_interpreter_and_reports_an_absent_one(tmp_path: Path) -> None:
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    bindir = tmp_path / "versions" / f"{minor}.0" / "bin"
    bindir.mkdir(parents=True)
    (bindir / f"python{minor}").symlink_to(os.path.realpath(sys.executable))
    system_path = "/usr/bin:/bin"
    found = _find_python(minor, tmp_path, system_path)
    assert found.returncode == 0 and found.stdout.strip() == str(bindir / f"python{minor}")
    absent = _find_python("3.99", tmp_path, system_path)
    assert absent.returncode != 0 and absent.stdout == ""
