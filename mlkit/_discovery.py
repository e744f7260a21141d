"""The registry of estimators and their capability table.

Every public estimator declares, in one class attribute ``_capabilities``, where its ``fit``
and its prediction methods run natively and which steps run on the host. ``all_estimators()``
finds them by walking mlkit's public modules; the common tests, the array-API test matrix and
the README's support table are all driven from it, so a new estimator is tested by being
written, not by copying tests.

Run ``mlkit capabilities`` to print the table, ``mlkit capabilities --update-readme`` to
rewrite the README's copy.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field

NAMESPACES = ("numpy", "array_api_strict", "cupy", "torch", "dask")
ALL = NAMESPACES


@dataclass(frozen=True)
class Capabilities:
    """Where an estimator runs, and how the common tests exercise it.

    Attributes
    ----------
    fit, predict : tuple of str
        Namespaces (from ``NAMESPACES``) on which ``fit`` and the methods after it
        (predict, transform, ...) run natively. Input from any other namespace is moved to
        the host at the entrance.
    host : str
        The steps that run on the host, and why ('' when none).
    data : str
        What the common tests feed it: 'continuous', 'counts', 'binary' or 'categorical'.
    test_params : dict
        Constructor arguments for the common tests (to keep them fast).
    xfail_checks : dict
        scikit-learn estimator checks expected to fail, each with its one-line reason.
    sparse : bool or str
        Whether ``fit`` and the methods after it take scipy.sparse X (CSR and CSC, ``sparray``
        and ``spmatrix``; other formats are converted to CSR): True; False, when they refuse
        it with scikit-learn's error (its twin's, where there is one); or, where it depends on
        the parameters, the condition under which they take it (e.g. ``'with_mean=False'``),
        other parameters getting scikit-learn's error. The sparse path never makes a dense
        copy of X.
    sparse_params : dict
        Constructor arguments (on top of ``test_params``) that meet a conditional ``sparse``:
        what the sparse tests use.
    lazy_params : dict
        Constructor arguments (on top of ``test_params``) under which a fit on a Dask array
        takes the same steps as on NumPy, where a default differs there to scale (KMeans'
        'k-means++' runs as k-means||): what the backend tests compare with.
    """

    fit: tuple = ALL
    predict: tuple = ALL
    host: str = ""
    data: str = "continuous"
    test_params: dict = field(default_factory=dict)
    xfail_checks: dict = field(default_factory=dict)
    sparse: bool | str = False
    sparse_params: dict = field(default_factory=dict)
    lazy_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionCapabilities:
    """Where a function (a metric) runs, and how the backend tests call it: the estimators'
    ``Capabilities`` for a function, whose one call stands for both ``fit`` and ``predict``.

    Attributes
    ----------
    native : tuple of str
        Namespaces (from ``NAMESPACES``) the function runs in natively; input from any other
        namespace is moved to the host at the entrance (``moved``).
    host : str
        The steps that run on the host, and why ('' when none).
    data : str
        What the backend tests feed it (``tests/test_metrics_backends.py``): 'scores' (binary
        labels and scores), 'points' (a curve's x and y), 'paired scores' (labels and two
        scores), 'unpaired scores' (two samples of labels and scores), 'labels' (true and
        predicted labels) or 'probabilities' (labels and class probabilities).
    test_params : dict
        Keyword arguments for the backend tests (which add the test's ``sample_weight`` to
        the functions that take one).
    sparse : bool or str
        As ``Capabilities.sparse``: False when scipy.sparse input is refused with
        scikit-learn's error; otherwise the sparse input it takes, in words.
    """

    native: tuple = ALL
    host: str = ""
    data: str = "scores"
    test_params: dict = field(default_factory=dict)
    sparse: bool | str = False

    @property
    def moved(self) -> tuple:
        """The namespaces whose input is moved to the host."""
        return tuple(ns for ns in NAMESPACES if ns not in self.native)


def _public_modules():
    import mlkit

    for info in pkgutil.walk_packages(mlkit.__path__, prefix="mlkit."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or parts[1] in ("cli",):
            continue
        yield importlib.import_module(info.name)


def all_estimators():
    """``[(name, class), ...]`` of every public mlkit estimator, sorted by name."""
    from sklearn.base import BaseEstimator

    found = {}
    for module in _public_modules():
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseEstimator)
                and obj.__module__.startswith("mlkit.")
                and not name.startswith("_")
                and isinstance(getattr(obj, "_capabilities", None), Capabilities)
            ):
                found[name] = obj
    return sorted(found.items())


def capability_table():
    """The capability table as Markdown, one row per estimator."""
    head = "| estimator | " + " | ".join(NAMESPACES) + " | scipy.sparse | on the host |"
    rule = "|---|" + "---|" * (len(NAMESPACES) + 1) + "---|"
    rows = [head, rule]
    for name, cls in all_estimators():
        caps = cls._capabilities
        cells = []
        for ns in NAMESPACES:
            cells.append(
                "fit, predict" if ns in caps.fit and ns in caps.predict
                else "predict" if ns in caps.predict
                else "fit" if ns in caps.fit
                else "host"
            )
        cells.append(_sparse_cell(caps.sparse))
        where = f"`{cls.__module__.rsplit('._', 1)[0]}.{name}`"
        rows.append(f"| {where} | " + " | ".join(cells) + f" | {caps.host or '-'} |")
    return "\n".join(rows) + "\n"


def _sparse_cell(sparse):
    if sparse is True:
        return "yes"
    if sparse is False:
        return "no (scikit-learn's error)"
    return f"with {sparse}"


def function_table():
    """The capability table of mlkit's functions (``mlkit.metrics.CAPABILITIES``), or ''."""
    import importlib.util

    if importlib.util.find_spec("mlkit.metrics") is None:
        return ""
    from mlkit.metrics import CAPABILITIES

    rows = ["| function | " + " | ".join(NAMESPACES) + " | scipy.sparse | on the host |",
            "|---|" + "---|" * (len(NAMESPACES) + 1) + "---|"]
    for name, entry in sorted(CAPABILITIES.items()):
        cells = ["native" if ns in entry.native else "host" for ns in NAMESPACES]
        sparse = entry.sparse
        cells.append(sparse if isinstance(sparse, str) else _sparse_cell(sparse))
        rows.append(f"| `mlkit.metrics.{name}` | " + " | ".join(cells)
                    + f" | {entry.host or '-'} |")
    return "\n".join(rows) + "\n"


README_START = "<!-- capability-table:start (generated by `mlkit capabilities --update-readme`) -->"
README_END = "<!-- capability-table:end -->"


def readme_with_table(text):
    """``text`` (the README) with its capability-table section replaced by the current one."""
    try:
        start = text.index(README_START) + len(README_START)
        end = text.index(README_END)
    except ValueError as exc:
        raise ValueError(
            f"README.md has no capability-table section: add the lines {README_START!r} and "
            f"{README_END!r}"
        ) from exc
    functions = function_table()
    body = capability_table() + ("\n" + functions if functions else "")
    return text[:start] + "\n" + body + text[end:]
