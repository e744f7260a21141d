"""The README's promises and every docstring example."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mlkit
from mlkit._discovery import readme_with_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_capability_table_is_current():
    text = (ROOT / "README.md").read_text()
    assert readme_with_table(text) == text, (
        "README.md's capability table is stale: run `mlkit capabilities --update-readme`"
    )


def _modules():
    for info in pkgutil.walk_packages(mlkit.__path__, prefix="mlkit."):
        if info.name.endswith("__main__"):
            continue
        yield info.name


@pytest.mark.parametrize("name", list(_modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in ci
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- test-command -->", 1)[1].split("```")[1]
    assert "pytest" in block


def test_ruff_passes():
    pytest.importorskip("ruff")
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(ROOT)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_readme_quick_start_runs():
    text = (ROOT / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(block, "README.md quick start", "exec"), namespace)
    assert 0.5 < namespace["auc"] <= 1.0 and namespace["lo"] <= namespace["auc"] <= namespace["hi"]


def test_pyproject_lists_every_package():
    line = re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    listed = set(re.findall(r'"([^"]+)"', line.group(1)))
    on_disk = {"mlkit"} | {
        "mlkit." + p.parent.name for p in (ROOT / "mlkit").glob("*/__init__.py")
    }
    assert on_disk <= listed, f"add to pyproject's packages: {sorted(on_disk - listed)}"


def test_the_api_reference_lists_every_public_module():
    listed = set(re.findall(r"^   (mlkit\.\w+)$", (ROOT / "docs" / "api" / "index.rst").read_text(),
                            re.M))
    public = {info.name for info in pkgutil.iter_modules(mlkit.__path__, prefix="mlkit.")
              if not info.name.split(".")[1].startswith("_")} - {"mlkit.cli"}
    assert listed == public, f"docs/api/index.rst: add {sorted(public - listed)}"


def test_the_documentation_builds_without_warnings(tmp_path):
    # the user guide, the API reference (autodoc + numpydoc), the notebooks (myst-nb, from their
    # stored outputs) and the architecture; every warning is an error
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = tmp_path / "html"
    assert (html / "api" / "generated" / "mlkit.linear_model.LogisticRegression.html").is_file()
    # each notebook is rendered with its stored figures
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (html / "notebooks" / f"{notebook.stem}.html").read_text()
        stored = notebook.read_text().count('"image/png"')
        assert page.count("<img ") >= stored > 0, notebook.name
