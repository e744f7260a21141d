"""The demo's data: a bundled data set or a user's CSV file, split and standardized."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


class DemoInputError(ValueError):
    """A problem with the user's data set: reported in one line, exit status 2."""


@dataclass
class Data:
    name: str
    X_train: np.ndarray | None  # the numeric columns, standardized (None when there are none)
    X_test: np.ndarray | None
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: list  # of the numeric columns
    raw_train: np.ndarray | None  # the numeric columns before standardization (the scalers)
    frame_train: pd.DataFrame  # every feature column, categorical ones as 'category'
    frame_test: pd.DataFrame

    @property
    def has_numeric(self):
        return self.X_train is not None

    @property
    def has_categorical(self):
        return any(not pd.api.types.is_numeric_dtype(t) for t in self.frame_train.dtypes)


def load_data(dataset: str = "iris", target: str | None = None, seed: int = 0) -> Data:
    """The named bundled data set or a CSV file, split and standardized."""
    from sklearn.model_selection import train_test_split

    from ..datasets import NAMES, load
    from ..preprocessing import StandardScaler

    if dataset in NAMES:
        df = load(dataset, as_frame=True)
        target = target or df.columns[-1]
        name = dataset
    else:
        df, name = _read_csv(dataset), Path(dataset).name
        target = target or df.columns[-1]
    if target not in df.columns:
        raise DemoInputError(f"no column {target!r} in {name}; columns: {', '.join(df.columns)}")
    _check_complete(df, name)
    y = df[target].astype(str).to_numpy()
    if np.unique(y).shape[0] < 2:
        raise DemoInputError(f"the target column {target!r} has a single class: nothing to learn")
    frame = df.drop(columns=target)
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]) or frame[col].dtype == bool:
            frame[col] = frame[col].astype(str).astype("category")
    if frame.shape[1] == 0:
        raise DemoInputError(f"{name} has no feature column besides {target!r}")
    counts = pd.Series(y).value_counts()
    if counts.min() < 2:
        raise DemoInputError(
            f"the target column {target!r} has {counts.size} classes, some with a single row "
            f"(e.g. {counts.index[-1]!r}): the demo compares classifiers on a train/test split "
            "and needs two rows per class; is it a class column? (--target COLUMN)")
    if int(np.ceil(0.3 * len(y))) < counts.size:
        raise DemoInputError(f"{name}: {len(y)} rows are too few for {counts.size} classes "
                             "(the test set must hold one row of each)")
    stratify = y
    f_tr, f_te, y_tr, y_te = train_test_split(frame, y, test_size=0.3, random_state=seed,
                                              stratify=stratify)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        return Data(name, None, None, y_tr, y_te, [], None, f_tr, f_te)
    X_tr, X_te = f_tr[numeric].to_numpy(np.float64), f_te[numeric].to_numpy(np.float64)
    scaler = StandardScaler().fit(X_tr)
    return Data(name, scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te,
                [str(c) for c in numeric], X_tr, f_tr, f_te)


def _check_complete(df, name):
    """Missing or infinite values: one line naming the columns (the demo does not impute)."""
    missing = [str(c) for c in df.columns if df[c].isna().any()]
    if missing:
        raise DemoInputError(f"{name} has missing values in columns {', '.join(missing)}: drop "
                             "or fill them first (the demo does not impute)")
    numeric = df.select_dtypes("number")
    infinite = [str(c) for c in numeric.columns
                if np.isinf(numeric[c].to_numpy(np.float64)).any()]
    if infinite:
        raise DemoInputError(f"{name} has infinite values in columns {', '.join(infinite)}")
    huge = [str(c) for c in numeric.columns
            if np.abs(numeric[c].to_numpy(np.float64)).max(initial=0.0) > 1e150]
    if huge:  # their squares overflow float64: no variance, no distance
        raise DemoInputError(f"{name} has values beyond 1e150 in columns {', '.join(huge)}: "
                             "rescale them first")


def _read_csv(path):
    p = Path(path)
    if not p.is_file():
        raise DemoInputError(f"no such data set or file: {path}")
    try:
        df = pd.read_csv(p)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DemoInputError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    if df.shape[0] < 10 or df.shape[1] < 2:
        raise DemoInputError(f"{path} is empty or too small ({df.shape[0]} rows, "
                             f"{df.shape[1]} columns)")
    return df
