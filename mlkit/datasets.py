"""The small real data sets bundled with mlkit (``datasets/`` in the source tree).

Nothing is downloaded: the CSV files ship inside the package. Each loader returns ``(X, y)``
as NumPy arrays, or with ``as_frame=True`` one pandas DataFrame holding the features and the
class column. The sources and licences are in ``datasets/README.md``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

__all__ = ["load", "load_breast_cancer", "load_iris", "load_play_tennis", "load_wine", "NAMES"]

#: The names of the bundled data sets, as ``load(name)`` takes them.
NAMES = ("iris", "wine", "breast_cancer", "play_tennis")
_TARGET = {"iris": "class", "wine": "class", "breast_cancer": "class", "play_tennis": "play"}


def _csv(name):
    """The CSV file: ``datasets/`` beside the package in a source checkout, else the copy
    installed inside the package as ``mlkit._data``."""
    checkout = Path(__file__).resolve().parents[1] / "datasets" / f"{name}.csv"
    if checkout.is_file():
        return checkout
    return resources.files("mlkit._data").joinpath(f"{name}.csv")


def _frame(name):
    with _csv(name).open("r") as f:
        df = pd.read_csv(f)
    target = _TARGET[name]
    if name == "play_tennis":
        return df.astype("category")
    df[target] = df[target].astype("category")
    return df


@overload
def load(name: str, *, as_frame: Literal[False] = ...) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load(name: str, *, as_frame: Literal[True]) -> Any: ...  # a pandas.DataFrame
@overload
def load(name: str, *, as_frame: bool) -> Any: ...
def load(name: str, *, as_frame: bool = False) -> Any:
    """Load a bundled data set by name (one of ``NAMES``).

    Returns
    -------
    (X, y) : ndarray of shape (n_samples, n_features), ndarray of shape (n_samples,)
        Features (float64; strings for the categorical play-tennis table) and class labels
        (strings), when ``as_frame`` is False.
    frame : pandas.DataFrame
        Features and the class column (the last), when ``as_frame`` is True; categorical
        columns have the pandas 'category' dtype.
    """
    if name not in NAMES:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(NAMES)}")
    df = _frame(name)
    if as_frame:
        return df
    target = _TARGET[name]
    X = df.drop(columns=target)
    X = X.to_numpy(dtype=object if name == "play_tennis" else np.float64)
    return X, df[target].to_numpy(dtype=object).astype(str)


@overload
def load_iris(*, as_frame: Literal[False] = ...) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load_iris(*, as_frame: Literal[True]) -> Any: ...
def load_iris(*, as_frame: bool = False) -> Any:
    """Fisher's Iris: 150 flowers, 4 measurements (cm), 3 species."""
    return load("iris", as_frame=as_frame)


@overload
def load_wine(*, as_frame: Literal[False] = ...) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load_wine(*, as_frame: Literal[True]) -> Any: ...
def load_wine(*, as_frame: bool = False) -> Any:
    """UCI Wine: 178 wines, 13 chemical measurements, 3 cultivars."""
    return load("wine", as_frame=as_frame)


@overload
def load_breast_cancer(*, as_frame: Literal[False] = ...) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load_breast_cancer(*, as_frame: Literal[True]) -> Any: ...
def load_breast_cancer(*, as_frame: bool = False) -> Any:
    """Breast Cancer Wisconsin (diagnostic): 569 tumours, 30 features, malignant or benign."""
    return load("breast_cancer", as_frame=as_frame)


@overload
def load_play_tennis(*, as_frame: Literal[False] = ...) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load_play_tennis(*, as_frame: Literal[True]) -> Any: ...
def load_play_tennis(*, as_frame: bool = False) -> Any:
    """Quinlan's (1986) 14 Saturday mornings: outlook, temperature, humidity, windy -> play."""
    return load("play_tennis", as_frame=as_frame)
