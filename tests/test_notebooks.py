"""The demo notebooks (``notebooks/*.ipynb``) run under nbval and their checked outputs match.

Each notebook is run by nbval in a child pytest (one per notebook, bounded), so the
notebook kernels, their embedded servers and nbval's options stay out of this
process::

    python -m pytest --nbval-lax --nbval-current-env \\
        --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/01_quickstart.ipynb

``--nbval-lax``: every cell must run without error; only cells tagged
``nbval-check-output`` (cell metadata, *View → Cell metadata* / the property inspector
in JupyterLab) are compared with the outputs stored in the notebook, after the
substitutions of ``tests/nbval_sanitize.cfg`` (ports, timestamps, ids, rtt …).
Widget, plot and time-dependent cells are tagged ``nbval-ignore-output``. Tags, not
``# NBVAL_…`` comments: the notebooks are tutorials, their cells show only what a
reader types. The kernels get a private data directory, no config file and no auth key.

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

EXPECTED = (
    "01_quickstart.ipynb",
    "02_manual_connection.ipynb",
    "03_live_event_analysis.ipynb",
    "04_conversations.ipynb",
    "05_message_features.ipynb",
    "06_moderation.ipynb",
)


def _ids(path: Path) -> str:
    return path.stem


def _sources(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    return [(i, cell.source) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


CHECK, IGNORE = "nbval-check-output", "nbval-ignore-output"


def _nbval(notebook: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``notebook`` under nbval (lax) in a child pytest with a private environment."""
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
        return subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{notebook.name} did not finish within {RUN_TIMEOUT:g} s:\n{exc.stdout!r}")


def test_the_demo_notebooks_exist() -> None:
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
        assert "NBVAL" not in source, f"{where}: tag the cell ({CHECK} / {IGNORE}), no NBVAL comment"
        assert cell.execution_count is not None, f"{where}: not executed before commit"
        assert all(o.output_type != "error" for o in cell.outputs), f"{where}: stored an error"
        tags = cell.metadata.get("tags", [])
        assert isinstance(tags, list) and not {CHECK, IGNORE} <= set(tags), f"{where}: tags {tags!r}"
        assert not [t for t in tags if t.startswith("nbval") and t not in (CHECK, IGNORE)], where
        if CHECK in tags:
            checked += 1
            assert cell.outputs, f"{where}: {CHECK} needs stored outputs to compare with"
            streams = {o.name for o in cell.outputs if o.output_type == "stream"}
            assert "stderr" not in streams, f"{where}: a checked cell must not write to stderr"
    assert checked >= 4, f"{notebook.name}: only {checked} checked cells"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_runs_and_checked_outputs_match(notebook: Path, tmp_path: Path) -> None:
    proc = _nbval(notebook, tmp_path)
    assert proc.returncode == 0, (
        f"nbval failed on {notebook.name} (exit {proc.returncode}):\n"
        f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    )
    assert re.search(r"\b\d+ passed\b", proc.stdout), proc.stdout[-2000:]


def test_nbval_honours_the_cell_tags_in_lax_mode(tmp_path: Path) -> None:
    """The tags really switch the comparison on and off: a tagged ``nbval-check-output``
    cell whose stored output differs fails, the same difference under
    ``nbval-ignore-output`` (or no tag) passes, and a matching checked cell passes."""

    def cell(cid: str, tags: list[str], code: str, stored: str) -> nbformat.NotebookNode:
        out = nbformat.v4.new_output("stream", name="stdout", text=stored)
        node = nbformat.v4.new_code_cell(code, id=cid, execution_count=1, outputs=[out])
        node.metadata["tags"] = tags
        return node

    nb = nbformat.v4.new_notebook(
        cells=[
            cell("checked-same", [CHECK], "print('same')", "same\n"),
            cell("checked-diff", [CHECK], "print('fresh')", "stored\n"),
            cell("ignored-diff", [IGNORE], "print('fresh')", "stored\n"),
            cell("untagged-diff", [], "print('fresh')", "stored\n"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    path = tmp_path / "tags.ipynb"
    nbformat.write(nb, path)
    proc = _nbval(path, tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert re.search(r"\b1 failed, 3 passed\b", proc.stdout), proc.stdout[-3000:]
    assert "Cell 1" in proc.stdout and "stored" in proc.stdout and "fresh" in proc.stdout, proc.stdout[-3000:]
