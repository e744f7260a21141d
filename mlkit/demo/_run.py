"""`mlkit demo`: every mlkit model next to its scikit-learn twin, on the same data.

The data set is split (stratified, seeded) and standardized; each case fits mlkit's model and
scikit-learn's on the training part and compares them on the test part. A case names how to
measure agreement (largest difference of transforms, share of identical predictions, ...) and
the tolerance it must meet; the demo exits with status 1 when one does not.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ._cases import Result, cases
from ._data import DemoInputError, load_data

if TYPE_CHECKING:
    from rich.console import Console


def _run_case(case, data):
    """``(Result, mlkit seconds, scikit-learn seconds)`` of one row. A model that raises on
    these data does not stop the demo: the row says so, and it is a disagreement only when
    scikit-learn fits where mlkit raises."""
    X = data.frame_train if case.frame else data.raw_train if case.raw else data.X_train
    y = data.y_train
    if case.max_train and len(y) > case.max_train:
        X = X.iloc[:case.max_train] if hasattr(X, "iloc") else X[:case.max_train]
        y = y[:case.max_train]
    try:
        ours, t_ours = _timed_fit(case.ours, X, y)
    except Exception as exc:
        theirs_fits = case.theirs is not None and _fits(case.theirs, X, y)
        verdict = "scikit-learn fits" if theirs_fits else "scikit-learn raises too"
        return (Result(case, None, None, "-", f"mlkit raises: {_first_line(exc)} ({verdict})",
                       not theirs_fits), None, None)
    try:
        theirs, t_theirs = (None, None) if case.theirs is None else _timed_fit(
            case.theirs, X, y)
    except Exception as exc:
        return (Result(case, ours, None, "-", f"scikit-learn raises: {_first_line(exc)}",
                       True), t_ours, None)
    try:
        score, agreement, ok = case.compare(ours, theirs, data)
    except Exception as exc:  # e.g. both models' scores NaN on degenerate data
        return (Result(case, ours, theirs, "-", f"not compared: {_first_line(exc)}", True),
                t_ours, t_theirs)
    return Result(case, ours, theirs, score, agreement, ok), t_ours, t_theirs


def _fits(factory, X, y):
    try:
        factory().fit(X, y)
        return True
    except Exception:
        return False


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:90]


def _check_out(out):
    if out.exists() and not out.is_dir():
        raise DemoInputError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DemoInputError(f"--out {out}: cannot create the folder ({exc.strerror})") from None


def _verdict(case, result):
    """The ok column: 'NO' beyond tolerance; 'n/a' where nothing of scikit-learn's is the same
    algorithm (no twin, or a nearest twin); else 'yes'."""
    if not result.ok:
        return "NO"
    if case.theirs is None or "nearest twin" in result.agreement:
        return "n/a"
    return "yes"


def _timed_fit(factory, X, y):
    est = factory()
    t0 = time.perf_counter()
    est.fit(X, y)
    return est, time.perf_counter() - t0


def run(dataset: str = "iris", target: str | None = None, out: str | Path | None = None,
        console: Console | None = None) -> int:
    """Fit every case; print the table; write the report to ``out``. Returns the exit status."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:  # piped or captured: a table wide enough to read
            console = Console(width=150)
    if out is not None:
        _check_out(Path(out))  # before the fits: a bad path is a one-line error
    data = load_data(dataset, target)
    table = Table(title=f"mlkit vs scikit-learn on {data.name} "
                        f"({len(data.y_train)} train / {len(data.y_test)} test rows)")
    for col in ("model", "score", "agreement", "ok", "mlkit fit", "sklearn fit"):
        table.add_column(col, justify="left" if col in ("model", "agreement") else "right")
    shown = []
    for case in cases(data):
        result, t_ours, t_theirs = _run_case(case, data)
        table.add_row(escape(case.name), escape(str(result.score)), escape(result.agreement),
                      _verdict(case, result),
                      "-" if t_ours is None else f"{t_ours * 1e3:.1f} ms",
                      "-" if t_theirs is None else f"{t_theirs * 1e3:.1f} ms")
        shown.append(result)
    console.print(table)
    if out is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise DemoInputError(
                "--out draws figures with matplotlib: pip install 'mlkit-textbook[plot]'"
            ) from None
        from ._report import write_report

        path = write_report(Path(out), data, shown)
        console.print(f"report written to {path}")
    failed = [r.case.name for r in shown if not r.ok]
    if failed:
        console.print(f"[red]disagreement beyond tolerance: {', '.join(failed)}[/red]")
        return 1
    return 0
