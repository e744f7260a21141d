"""The code stays readable next to the textbook: no file over 600 lines, no function over 60.

Lines are counted as a reader meets them: a file by its line count, a function from its
``def`` line to its last line, docstring included. The exception is a topic's tuned kernel
module (``_kernels.py``, ``_fast_numpy.py`` or ``_<name>_numpy.py``), which may be longer when
its docstring says which textbook function it speeds up and where it is tested against it
("Speeds up ... tested against ...").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mlkit"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60
KERNEL_NAME = re.compile(r"^_(kernels|fast_numpy|\w+_numpy)\.py$")


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def _is_declared_kernel(path, tree):
    doc = (ast.get_docstring(tree) or "").lower()
    return bool(KERNEL_NAME.match(path.name)) and "speeds up" in doc and "tested against" in doc


def _long_functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield f"{node.name} ({length} lines, line {node.lineno})"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_files_and_functions_are_short(path):
    text = path.read_text()
    tree = ast.parse(text)
    if _is_declared_kernel(path, tree):
        return
    n_lines = len(text.splitlines())
    assert n_lines <= MAX_FILE_LINES, f"{path.name} has {n_lines} lines"
    long = list(_long_functions(tree))
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_counting_sees_a_long_function():
    source = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    assert list(_long_functions(ast.parse(source))) == [
        f"f ({MAX_FUNCTION_LINES + 1} lines, line 1)"]
    assert list(_long_functions(ast.parse("def g():\n    return 1\n"))) == []


def test_a_kernel_module_is_exempt_only_when_it_says_what_it_speeds_up():
    said = ast.parse('"""Speeds up ``assign``; tested against it in tests/test_x.py."""')
    silent = ast.parse('"""Fast code."""')
    assert _is_declared_kernel(Path("_lloyd_numpy.py"), said)
    assert not _is_declared_kernel(Path("_lloyd_numpy.py"), silent)
    assert not _is_declared_kernel(Path("cluster.py"), said)


# --- one dispatch module: only mlkit/_array.py imports the array libraries ---------------------

ARRAY_LIBRARIES = frozenset({"dask", "cupy", "torch", "array_api_compat"})
DISPATCH_MODULE = PACKAGE / "_array.py"


def _imported_libraries(tree):
    """(line, top-level name) of every absolute import in ``tree``, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def _array_library_imports(paths):
    return [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
            for path in paths if path != DISPATCH_MODULE
            for line, name in _imported_libraries(ast.parse(path.read_text()))
            if name in ARRAY_LIBRARIES]


def test_only_the_dispatch_module_imports_array_libraries():
    offenders = _array_library_imports(_sources())
    assert not offenders, ("import these through mlkit/_array.py instead:\n"
                           + "\n".join(offenders))


def test_the_import_scan_sees_imports_inside_functions():
    tree = ast.parse("import numpy as np\n"
                     "def f():\n    import dask.array as da\n"
                     "def g():\n    from array_api_compat import device\n"
                     "from . import _array\n")
    found = [name for _, name in _imported_libraries(tree) if name in ARRAY_LIBRARIES]
    assert found == ["dask", "array_api_compat"]


FIGURE = re.compile(r"\b\d+(\.\d+)?\s*(x|times)\s+(faster|slower)\b|\bmeasured\s+\d", re.I)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_source_holds_no_benchmark_figures(path):
    # speed figures live in benchmarks/RESULTS.md, measured in one run, not in the code
    hits = [f"line {i}: {line.strip()}" for i, line in enumerate(path.read_text().splitlines(), 1)
            if FIGURE.search(line)]
    assert not hits, hits


def test_the_figure_pattern_sees_a_figure():
    assert FIGURE.search("# measured 8x faster than libsvm")
    assert FIGURE.search("about 2.5 times slower")
    assert not FIGURE.search("faster than a boolean index")
