"""The type aliases of mlkit's public signatures (private: import them from here in mlkit only).

mlkit takes more than NumPy's ``ArrayLike`` describes: CuPy, Dask and torch arrays, any
array-API array (array-api-strict), and scipy.sparse matrices and arrays, none of which ships
type hints that NumPy's alias would admit. So ``ArrayLike`` is ``Any``-based: the union of
``numpy.typing.ArrayLike`` (what a type checker can say something about) and ``Any`` (the
others), which a checker treats as accepting everything -- it documents the parameter, it does
not restrict it. ``Array`` is what the methods return: an array of the input's namespace
(NumPy, CuPy, torch, Dask or array-api-strict), hence ``Any`` too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

#: Array input: anything ``numpy.asarray`` takes, or a CuPy / Dask / torch / array-API array, or
#: a scipy.sparse matrix or array (where the estimator takes sparse input). ``Any``-based.
ArrayLike = npt.ArrayLike | Any

#: An array returned in the input's namespace (NumPy, CuPy, torch, Dask, array-api-strict).
Array = Any

#: What ``random_state`` takes, as in scikit-learn: None, a seed, or a NumPy generator.
RandomState = int | np.random.RandomState | np.random.Generator | None

__all__ = ["Array", "ArrayLike", "RandomState"]
