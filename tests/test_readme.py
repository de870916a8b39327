"""Every Python example of README.md runs as written and prints what the README says.

The conventions (documented in the README, "The README is tested"):

* every fenced ``python`` block runs, in a fresh interpreter with a private data
  directory and a bound; it must exit 0 with nothing on stderr;
* ``<!-- continued -->`` on the line before a block runs it in the same
  interpreter as the Python block before it (one script, in order);
* ``Output:`` then a fenced ``text`` block after a block is what the script
  prints (the outputs of a continued script, concatenated); ``...`` matches
  anything and runs of whitespace compare equal, as doctest's ``ELLIPSIS`` and
  ``NORMALIZE_WHITESPACE``;
* a block with IPython ``%`` magics runs in a real IPython ``InteractiveShell``
  (output without ``Out[n]`` prompts, as a notebook shows it);
* ``<!-- not run: reason -->`` on the line before a block skips it; blocks in
  other languages are never run.
"""

from __future__ import annotations

import dataclasses
import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BOUND = 120.0
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
MARKER = re.compile(r"<!--\s*(continued|not run:.*?)\s*-->\s*\Z", re.S)
OUTPUT = re.compile(r"\A\s*Output:\s*\Z")

IPYTHON_RUNNER = """\
import sys
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(cache_size=0)  # cache_size=0: no Out[n] prompt
result = shell.run_cell(sys.stdin.read())
sys.exit(0 if result.success else 1)
"""


@dataclasses.dataclass
class Example:
    """One script: consecutive README blocks joined by ``<!-- continued -->``."""

    line: int
    code: str
    output: str | None = None
    ipython: bool = False

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"


def examples(text: str) -> tuple[list[Example], list[str]]:
    """The scripts to run, and the reasons of the blocks that are not run."""
    blocks = list(FENCE.finditer(text))
    found: list[Example] = []
    skipped: list[str] = []
    for i, block in enumerate(blocks):
        lang, code = block.group(1), block.group(2)
        if lang != "python":
            continue
        before = text[blocks[i - 1].end() if i else 0 : block.start()]
        marker = MARKER.search(before)
        line = text.count("\n", 0, block.start()) + 1
        if marker and marker.group(1).startswith("not run"):
            skipped.append(f"README.md:{line}: {marker.group(1)}")
            continue
        output = None
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if after is not None and after.group(1) == "text" and OUTPUT.match(text[block.end() : after.start()]):
            output = after.group(2)
        if marker and marker.group(1) == "continued":
            assert found, f"README.md:{line}: <!-- continued --> before the first Python block"
            script = found[-1]
            script.code += "\n" + code
            if output is not None:
                script.output = (script.output or "") + output
            continue
        ipython = any(row.lstrip().startswith("%") for row in code.splitlines())
        found.append(Example(line, code, output, ipython))
    return found, skipped


EXAMPLES, SKIPPED = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_and_says_why_others_do_not_run() -> None:
    assert len(EXAMPLES) >= 5
    for skipped in SKIPPED:
        assert skipped.split("not run:", 1)[1].strip(), f"{skipped}: say why it is not run"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_readme_example(example: Example, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COMETCHAT_NB_DATA_DIR": str(tmp_path / "data"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    if example.ipython:
        cmd, stdin = [sys.executable, "-c", IPYTHON_RUNNER], example.code
    else:
        script = tmp_path / "example.py"
        script.write_text(example.code, encoding="utf-8")
        cmd, stdin = [sys.executable, str(script)], None
    proc = subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=BOUND
    )
    assert proc.stderr == "", f"{example.name} wrote to stderr:\n{proc.stderr}"
    assert proc.returncode == 0, f"{example.name} exited with {proc.returncode}; stdout:\n{proc.stdout}"
    if example.output is not None:
        checker = doctest.OutputChecker()
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        assert checker.check_output(example.output, proc.stdout, flags), (
            f"{example.name} printed:\n{proc.stdout}\nthe README says:\n{example.output}"
        )
