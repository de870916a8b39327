"""The demo notebooks (``notebooks/*.ipynb``) run under nbval and their checked outputs match.

Each notebook is run by nbval in a child pytest (one per notebook, bounded), so the
notebook kernels, their embedded servers and nbval's options stay out of this
process::

    python -m pytest --nbval-lax --nbval-current-env \\
        --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/01_quickstart.ipynb

``--nbval-lax``: every cell must run without error; only cells marked
``# NBVAL_CHECK_OUTPUT`` are compared with the outputs stored in the notebook, after
the substitutions of ``tests/nbval_sanitize.cfg`` (ports, timestamps, ids, rtt …).
Widget, plot and time-dependent cells are marked ``# NBVAL_IGNORE_OUTPUT``.
The kernels get a private data directory, no config file and no auth key.

The static checks below keep the notebooks reviewable: stored outputs for the
checked cells, no errors, no ``sleep``, no widget state, stable cell ids.

After changing a notebook or what it prints, re-execute it in place (outputs
saved) and commit the result::

    jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.record_timing=False \\
        --ExecutePreprocessor.store_widget_state=False notebooks/*.ipynb
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
RUN_TIMEOUT = 150.0  # one notebook, kernel start-up included (they take a few seconds)

EXPECTED = ("01_quickstart.ipynb", "02_manual_connection.ipynb", "03_live_event_analysis.ipynb")


def _ids(path: Path) -> str:
    return path.stem


def _sources(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    return [(i, cell.source) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def test_the_three_demo_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == list(EXPECTED)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_is_committed_with_checked_outputs(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata, "strip the widget state (it holds timestamps and images)"
    assert all(re.fullmatch(r"nb\d\d-\d\d", cell.id) for cell in nb.cells), "stable cell ids"
    checked = 0
    for index, source in _sources(nb):
        cell = nb.cells[index]
        where = f"{notebook.name} cell {index}"
        assert not re.search(r"\bsleep\s*\(", source), f"{where}: wait with %cometchat_wait, not sleep"
        assert cell.execution_count is not None, f"{where}: not executed before commit"
        assert all(o.output_type != "error" for o in cell.outputs), f"{where}: stored an error"
        if "NBVAL_CHECK_OUTPUT" in source:
            checked += 1
            assert cell.outputs, f"{where}: NBVAL_CHECK_OUTPUT needs stored outputs to compare with"
            streams = {o.name for o in cell.outputs if o.output_type == "stream"}
            assert "stderr" not in streams, f"{where}: a checked cell must not write to stderr"
    assert checked >= 4, f"{notebook.name}: only {checked} checked cells"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_runs_and_checked_outputs_match(notebook: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COMETCHAT_AUTH_KEY", "PYTEST_ADDOPTS")}
    env.update(
        COMETCHAT_NB_DATA_DIR=str(tmp_path / "data"),
        COMETCHAT_NB_CONFIG=str(tmp_path / "no-config.ini"),
        IPYTHONDIR=str(tmp_path / "ipython"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        MPLCONFIGDIR=str(tmp_path / "matplotlib"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONDONTWRITEBYTECODE="1",
    )
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval-lax",
        "--nbval-current-env",
        f"--nbval-sanitize-with={SANITIZE}",
        "--nbval-cell-timeout=60",
        "--nbval-kernel-startup-timeout=60",
        "-q",
        "--no-header",
        f"--rootdir={ROOT}",
        str(notebook),
    ]
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{notebook.name} did not finish within {RUN_TIMEOUT:g} s:\n{exc.stdout!r}")
    assert proc.returncode == 0, (
        f"nbval failed on {notebook.name} (exit {proc.returncode}):\n"
        f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    )
    assert re.search(r"\b\d+ passed\b", proc.stdout), proc.stdout[-2000:]
