"""mypy in the test run: the package type-checks, and user code sees it as a typed package.

(a) ``mypy`` with the ``[tool.mypy]`` section of pyproject.toml on the ``mlkit`` package: no
errors. (b) A user's script, checked from a directory outside the checkout, type-checks
against mlkit.
mypy cannot follow setuptools' editable-install import hook, so the checkout is given as
``mypy_path`` (sources there are read as typed); that ``mlkit/py.typed`` ships in the wheel is
checked by tests/test_packaging.py. The public API's hints are not complete yet.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[1]

USER_SCRIPT = """
from sklearn.pipeline import make_pipeline

from mlkit.datasets import load_iris
from mlkit.metrics import accuracy_score
from mlkit.naive_bayes import GaussianNB
from mlkit.preprocessing import StandardScaler

X, y = load_iris()
model = make_pipeline(StandardScaler(), GaussianNB()).fit(X, y)
score = accuracy_score(y, model.predict(X))
print(round(float(score), 3))
"""


def _mypy(args, cwd):
    here = os.getcwd()
    try:
        os.chdir(cwd)
        return api.run(args)
    finally:
        os.chdir(here)


def test_the_package_type_checks(tmp_path):
    out, err, status = _mypy(["--config-file", str(ROOT / "pyproject.toml"),
                              "--cache-dir", str(tmp_path / "cache")], ROOT)
    assert status == 0, out + err
    assert "no issues found" in out


def test_user_code_sees_mlkit_as_a_typed_package(tmp_path):
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    config = tmp_path / "mypy.ini"  # untyped third-party modules by name, never mlkit
    untyped = "sklearn.*,scipy.*,pandas.*,cvxpy.*,dask.*,cupy.*,torch.*,threadpoolctl.*"
    config.write_text(f"[mypy]\nmypy_path = {ROOT}\n[mypy-{untyped},array_api_compat.*]\n"
                      "ignore_missing_imports = True\n")
    out, err, status = _mypy(["--config-file", str(config), "--cache-dir",
                              str(tmp_path / "cache"), str(script)], tmp_path)
    assert status == 0, out + err
