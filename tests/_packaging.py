"""Build this checkout's wheel once per test session (for tests/test_packaging.py and the
installed-package cases of tests/test_cli.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what a fresh clone does not have: left out of the copy the wheel is built from
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    ".ruff_cache", ".hypothesis", "_build", "generated", "report", ".whl", ".gl",
)
_BUILT = {}


def build_wheel(tmp_path_factory):
    """The path of the wheel built from a copy of this checkout (``pip wheel --no-deps``, no
    build isolation: the test extra brings setuptools, nothing is downloaded)."""
    if "wheel" not in _BUILT:
        work = tmp_path_factory.mktemp("wheel")
        src = work / "src"
        shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
        out = work / "dist"
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
             "--disable-pip-version-check", "--no-cache-dir", "-q", "-w", str(out)],
            capture_output=True, text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        (wheel,) = out.glob("*.whl")
        _BUILT["wheel"] = wheel
    return _BUILT["wheel"]


def installed_copy(tmp_path_factory):
    """A folder holding the wheel unpacked, as pip installs it into site-packages (no
    ``benchmarks/`` or ``datasets/`` beside the package): put it first on PYTHONPATH."""
    if "site" not in _BUILT:
        site = tmp_path_factory.mktemp("site")
        with zipfile.ZipFile(build_wheel(tmp_path_factory)) as whl:
            whl.extractall(site)
        _BUILT["site"] = site
    return _BUILT["site"]
