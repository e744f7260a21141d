"""The package as its users meet it: the wheel's files and metadata, the distribution name in
every install hint, the extras."""

from __future__ import annotations

import re
import zipfile
from email.parser import Parser

import pytest

import mlkit
from tests._packaging import ROOT, build_wheel

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    with zipfile.ZipFile(build_wheel(tmp_path_factory)) as whl:
        names = set(whl.namelist())
        (dist_info,) = {n.split("/", 1)[0] for n in names if ".dist-info/" in n}
        metadata = Parser().parsestr(whl.read(f"{dist_info}/METADATA").decode())
        entry_points = whl.read(f"{dist_info}/entry_points.txt").decode()
        license_text = whl.read(f"{dist_info}/licenses/LICENSE").decode()
    return names, dist_info, metadata, entry_points, license_text


def test_wheel_carries_the_license(wheel):
    names, dist_info, metadata, _, license_text = wheel
    # PEP 639 (core metadata 2.4): the file under .dist-info/licenses/, named in License-File
    assert f"{dist_info}/licenses/LICENSE" in names
    assert metadata["License-File"] == "LICENSE"
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert license_text == (ROOT / "LICENSE").read_text()
    assert "BSD 3-Clause License" in license_text and "The mlkit developers" in license_text


def test_wheel_carries_every_package_and_the_bundled_data(wheel):
    names = wheel[0]
    for init in ROOT.glob("mlkit/**/__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names
    for csv in sorted((ROOT / "datasets").glob("*.csv")):
        assert f"mlkit/_data/{csv.name}" in names
    assert "mlkit/_data/README.md" in names  # the data sets' sources and licences
    assert "mlkit/py.typed" in names  # PEP 561: type checkers read the package's hints
    assert not any(n.startswith(("tests/", "benchmarks/", "notebooks/", "docs/")) for n in names)


def test_wheel_metadata(wheel):
    _, dist_info, metadata, entry_points, _ = wheel
    assert metadata["Name"] == "mlkit-textbook" == mlkit._DISTRIBUTION
    assert dist_info == f"mlkit_textbook-{mlkit.__version__}.dist-info"
    assert metadata["Version"] == mlkit.__version__
    assert metadata["Author"] == "The mlkit developers"
    assert metadata["Requires-Python"] == ">=3.10"
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Changelog"}
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    classifiers = set(metadata.get_all("Classifier"))
    assert {
        "Intended Audience :: Science/Research",
        "Intended Audience :: Education",
        "Operating System :: OS Independent",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Programming Language :: Python :: 3.10",
    } <= classifiers
    assert "machine learning" in metadata["Keywords"]
    assert set(metadata.get_all("Provides-Extra")) >= {"plot", "pretty", "dask", "gpu",
                                                       "notebooks", "docs", "test"}
    assert not any(r.startswith("rich") for r in metadata.get_all("Requires-Dist")
                   if "extra ==" not in r)
    assert re.search(r"^mlkit = mlkit\.cli:main$", entry_points, re.M)


def test_project_urls_share_one_repository():
    urls = PROJECT["urls"]
    assert urls["Source"] == urls["Homepage"]
    assert urls["Changelog"].startswith(urls["Source"] + "/")


def test_the_distribution_name_is_in_every_install_hint():
    assert PROJECT["name"] == mlkit._DISTRIBUTION
    # "pip install mlkit", "pip install 'mlkit[plot]'": the index's "mlkit" is another project
    wrong = re.compile(r"""pip install (-e )?["']?mlkit(\[|["'\s]|$)""", re.M)
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", *ROOT.glob("mlkit/**/*.py"),
             *ROOT.glob("docs/**/*.md"), *ROOT.glob("docs/**/*.rst"), *ROOT.glob("docs/conf.py"),
             *ROOT.glob("notebooks/*.ipynb")]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files if p.is_file()
             for m in wrong.finditer(p.read_text())]
    assert not found
    assert 'pip install "mlkit-textbook[notebooks]"' in (ROOT / "README.md").read_text()


def test_the_extras():
    extras = PROJECT["optional-dependencies"]
    names = {e: {re.split(r"[<>=\[; ]", r, maxsplit=1)[0] for r in reqs}
             for e, reqs in extras.items()}
    assert {"jupyterlab", "matplotlib"} <= names["notebooks"]
    assert {"sphinx", "numpydoc", "myst-nb"} <= names["docs"]
    # the test suite builds the docs: the test extra brings the docs extra's exact pins
    assert set(extras["docs"]) <= set(extras["test"])
    assert "setuptools" in names["test"]  # the wheel is built here without build isolation
    # rich prints the demo's table when installed (the `pretty` extra), not a core dependency
    core = {re.split(r"[<>=\[; ]", r, maxsplit=1)[0] for r in PROJECT["dependencies"]}
    assert "rich" not in core
    assert "rich" in names["pretty"] and "rich" in names["test"]
