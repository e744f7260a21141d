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
    """Fit every case; print the table; write the report to ``out``. Returns the exit status.

    The table is a rich table when rich (the `pretty` extra) is installed, else aligned plain
    text with the same rows."""
    pretty = _rich()
    printer = console if console is not None else _console(pretty)
    if out is not None:
        _check_out(Path(out))  # before the fits: a bad path is a one-line error
    data = load_data(dataset, target)
    title = (f"mlkit vs scikit-learn on {data.name} "
             f"({len(data.y_train)} train / {len(data.y_test)} test rows)")
    rows: list[tuple[str, ...]] = []
    shown = []
    for case in cases(data):
        result, t_ours, t_theirs = _run_case(case, data)
        rows.append(_row(case, result, t_ours, t_theirs))
        shown.append(result)
    printer.print(_table(pretty, title, rows))
    if out is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise DemoInputError(
                "--out draws figures with matplotlib: pip install 'mlkit-textbook[plot]'"
            ) from None
        from ._report import write_report

        path = write_report(Path(out), data, shown)
        printer.print(f"report written to {path}")
    failed = [r.case.name for r in shown if not r.ok]
    if failed:
        message = f"disagreement beyond tolerance: {', '.join(failed)}"
        printer.print(message if pretty is None else f"[red]{message}[/red]")
        return 1
    return 0


# --- the table: rich's when it is installed, else plain text ------------------------------------

COLUMNS = ("model", "score", "agreement", "ok", "mlkit fit", "sklearn fit")
_LEFT = ("model", "agreement")  # flush left; the other columns flush right


def _rich():
    """rich's ``(Console, Table, escape)``, or None where rich (the `pretty` extra) is not
    installed."""
    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
    except ImportError:
        return None
    return Console, Table, escape


def _console(pretty):
    """Where the demo prints: a rich console (wide enough to read when piped or captured),
    or plain ``print`` without rich."""
    if pretty is None:
        return _PlainConsole()
    Console = pretty[0]
    console = Console()
    if not console.is_terminal:  # piped or captured: a table wide enough to read
        console = Console(width=150)
    return console


class _PlainConsole:
    """The demo's console without rich: each text printed as it is, on stdout."""

    def print(self, text=""):
        print(text)


def _row(case, result, t_ours, t_theirs):
    """One case's cells: model, score, agreement, ok, the two fit times."""
    return (case.name, str(result.score), result.agreement, _verdict(case, result),
            _milliseconds(t_ours), _milliseconds(t_theirs))


def _milliseconds(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.1f} ms"


def _table(pretty, title, rows):
    """The rows under ``title``: a rich Table, or aligned plain text without rich."""
    if pretty is None:
        return plain_table(title, COLUMNS, rows)
    _, Table, escape = pretty
    table = Table(title=title)
    for col in COLUMNS:
        table.add_column(col, justify="left" if col in _LEFT else "right")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def plain_table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]],
                left: tuple[str, ...] = _LEFT) -> str:
    """``rows`` as aligned text: the title, the header, a rule of dashes under each column,
    one line per row; the ``left`` columns flush left, the others flush right."""
    widths = [max([len(col), *(len(row[i]) for row in rows)]) for i, col in enumerate(columns)]

    def line(cells):
        return "  ".join(cell.ljust(w) if col in left else cell.rjust(w)
                         for cell, w, col in zip(cells, widths, columns, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([title, line(columns), rule, *(line(row) for row in rows)])
