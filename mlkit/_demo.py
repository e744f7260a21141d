"""`mlkit demo`: every mlkit model next to its scikit-learn twin, on the same data.

The data set is split (stratified, seeded) and standardized; each case fits mlkit's model and
scikit-learn's on the training part and compares them on the test part. A case names how to
measure agreement (largest difference of transforms, share of identical predictions, ...) and
the tolerance it must meet; the demo exits with status 1 when one does not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


class DemoInputError(ValueError):
    """A problem with the user's data set: reported in one line, exit status 2."""


@dataclass
class Data:
    name: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list
    raw_train: np.ndarray  # before standardization, for the scalers


@dataclass
class Case:
    """One row of the table: a model of mlkit's and its scikit-learn twin."""

    name: str
    ours: object  # a factory: () -> unfitted estimator
    theirs: object
    compare: object  # (ours_fitted, theirs_fitted, data) -> (score, agreement, ok)
    raw: bool = False  # fit on the unstandardized data (the scalers)


# --- data ---------------------------------------------------------------------------------------


def load_data(dataset="iris", target=None, seed=0):
    """The named bundled data set or a CSV file, split and standardized."""
    from sklearn.model_selection import train_test_split

    from .datasets import NAMES, load
    from .preprocessing import StandardScaler

    if dataset in NAMES:
        df = load(dataset, as_frame=True)
        target = target or df.columns[-1]
        name = dataset
    else:
        df, name = _read_csv(dataset), Path(dataset).name
        target = target or df.columns[-1]
    if target not in df.columns:
        raise DemoInputError(f"no column {target!r} in {name}; columns: {', '.join(df.columns)}")
    y = df[target].astype(str).to_numpy()
    if np.unique(y).shape[0] < 2:
        raise DemoInputError(f"the target column {target!r} has a single class: nothing to learn")
    X = df.drop(columns=target).select_dtypes("number")
    if X.shape[1] == 0:
        raise DemoInputError(f"{name} has no numeric feature column besides {target!r}")
    counts = pd.Series(y).value_counts()
    stratify = y if counts.min() >= 2 else None
    X_tr, X_te, y_tr, y_te = train_test_split(
        X.to_numpy(np.float64), y, test_size=0.3, random_state=seed, stratify=stratify
    )
    scaler = StandardScaler().fit(X_tr)
    return Data(name, scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te,
                list(X.columns), X_tr)


def _read_csv(path):
    p = Path(path)
    if not p.is_file():
        raise DemoInputError(f"no such data set or file: {path}")
    try:
        df = pd.read_csv(p)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DemoInputError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    if df.shape[0] < 4 or df.shape[1] < 2:
        raise DemoInputError(f"{path} is empty or too small ({df.shape[0]} rows, "
                             f"{df.shape[1]} columns)")
    return df


# --- comparisons --------------------------------------------------------------------------------


def compare_transform(tol):
    def compare(ours, theirs, data):
        X = data.raw_train
        diff = float(np.max(np.abs(np.asarray(ours.transform(X)) - theirs.transform(X))))
        return "-", f"max |diff| {diff:.1e}", diff <= tol

    return compare


def cases():
    """The demo's rows, in the order of the toolkit's topics."""
    from sklearn import preprocessing as skp

    from . import preprocessing as mkp

    rows = [
        Case("StandardScaler (z-score)", mkp.StandardScaler, skp.StandardScaler,
             compare_transform(1e-12), raw=True),
        Case("StandardScaler (zero-mean)", lambda: mkp.StandardScaler(with_std=False),
             lambda: skp.StandardScaler(with_std=False), compare_transform(1e-12), raw=True),
        Case("MinMaxScaler", mkp.MinMaxScaler, skp.MinMaxScaler, compare_transform(1e-12),
             raw=True),
        Case("DecimalScaler (vs x / 10**j by hand)", mkp.DecimalScaler, _DecimalByHand,
             compare_transform(0.0), raw=True),
        Case("Normalizer (l2)", mkp.Normalizer, skp.Normalizer, compare_transform(1e-12),
             raw=True),
    ]
    return rows


class _DecimalByHand:
    """Decimal scaling written out with NumPy, the reference for mlkit's DecimalScaler."""

    def fit(self, X, y=None):
        m = np.abs(X).max(axis=0)
        j = np.zeros_like(m)
        for col, value in enumerate(m):  # a loop over columns, counting digits by hand
            while value / 10.0 ** j[col] >= 1:
                j[col] += 1
            while value > 0 and value / 10.0 ** (j[col] - 1) < 1:
                j[col] -= 1
        self.scale_ = 10.0**j
        return self

    def transform(self, X):
        return X / self.scale_


# --- running ------------------------------------------------------------------------------------


def _timed_fit(factory, X, y):
    est = factory()
    t0 = time.perf_counter()
    est.fit(X, y)
    return est, time.perf_counter() - t0


def run(dataset="iris", target=None, out=None, console=None):
    """Fit every case; print the table; write the report to ``out``. Returns the exit status."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    data = load_data(dataset, target)
    table = Table(title=f"mlkit vs scikit-learn on {data.name} "
                        f"({data.X_train.shape[0]} train / {data.X_test.shape[0]} test rows)")
    for col in ("model", "score", "agreement", "ok", "mlkit fit", "sklearn fit"):
        table.add_column(col, justify="left" if col in ("model", "agreement") else "right")
    results = []
    for case in cases():
        X = data.raw_train if case.raw else data.X_train
        ours, t_ours = _timed_fit(case.ours, X, data.y_train)
        theirs, t_theirs = _timed_fit(case.theirs, X, data.y_train)
        score, agreement, ok = case.compare(ours, theirs, data)
        results.append((case, ours, theirs, ok))
        table.add_row(case.name, str(score), agreement, "yes" if ok else "NO",
                      f"{t_ours * 1e3:.1f} ms", f"{t_theirs * 1e3:.1f} ms")
    console.print(table)
    if out is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise DemoInputError(
                "--out draws figures with matplotlib: pip install 'mlkit[plot]'"
            ) from None
        from ._report import write_report

        path = write_report(Path(out), data, results)
        console.print(f"report written to {path}")
    failed = [case.name for case, _, _, ok in results if not ok]
    if failed:
        console.print(f"[red]disagreement beyond tolerance: {', '.join(failed)}[/red]")
        return 1
    return 0
