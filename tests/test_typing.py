"""mypy in the test run: the package type-checks, and user code sees it as a typed package.

(a) ``mypy`` with the ``[tool.mypy]`` section of pyproject.toml on the ``mlkit`` package: no
errors. (b) A user's script, checked from a directory outside the checkout, type-checks
against mlkit.
mypy cannot follow setuptools' editable-install import hook, so the checkout is given as
``mypy_path`` (sources there are read as typed); that ``mlkit/py.typed`` ships in the wheel is
checked by tests/test_packaging.py. (c) The hints catch a wrong call: a script with one wrong
argument per line gets exactly those errors.
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


# each line one wrong call, and the start of the error mypy must report on it
WRONG_CALLS = [
    ('GaussianNB(var_smoothing="tiny")',
     'Argument "var_smoothing" to "GaussianNB" has incompatible type "str"'),
    ('StandardScaler(with_mean="no")',
     'Argument "with_mean" to "StandardScaler" has incompatible type "str"'),
    ('KMeans(n_clusters="8")', 'Argument "n_clusters" to "KMeans" has incompatible type "str"'),
    ('DecisionTreeClassifier(max_depth="deep")',
     'Argument "max_depth" to "DecisionTreeClassifier" has incompatible type "str"'),
    ('GaussianNB().fit(X)', 'Missing positional argument "y" in call to "fit"'),
    ('accuracy_score(y, y, normalize="yes")',
     'Argument "normalize" to "accuracy_score" has incompatible type "str"'),
]


def test_mypy_catches_a_wrong_call(tmp_path):
    head = ("from mlkit.cluster import KMeans\n"
            "from mlkit.datasets import load_iris\n"
            "from mlkit.metrics import accuracy_score\n"
            "from mlkit.naive_bayes import GaussianNB\n"
            "from mlkit.preprocessing import StandardScaler\n"
            "from mlkit.tree import DecisionTreeClassifier\n"
            "X, y = load_iris()\n")
    first = head.count("\n") + 1
    script = tmp_path / "wrong.py"
    script.write_text(head + "".join(call + "\n" for call, _ in WRONG_CALLS))
    config = tmp_path / "mypy.ini"
    untyped = "sklearn.*,scipy.*,pandas.*,cvxpy.*,dask.*,cupy.*,torch.*,threadpoolctl.*"
    config.write_text(f"[mypy]\nmypy_path = {ROOT}\n[mypy-{untyped},array_api_compat.*]\n"
                      "ignore_missing_imports = True\n")
    out, err, status = _mypy(["--config-file", str(config), "--cache-dir",
                              str(tmp_path / "cache"), str(script)], tmp_path)
    assert status == 1, out + err
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == len(WRONG_CALLS), out
    for offset, (_, message) in enumerate(WRONG_CALLS):
        assert any(line.startswith(f"wrong.py:{first + offset}: error: {message}")
                   for line in errors), (message, out)
