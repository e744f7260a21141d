"""Normalization: z-score and zero-mean (StandardScaler), min-max, decimal scaling, row norms.

Each scaler learns a per-column shift and scale from column statistics -- counts, sums,
extremes -- that reduce over row blocks, so the same code fits NumPy, CuPy, PyTorch and Dask
arrays; on Dask the statistics are computed in one pass and kept concrete, and ``transform``
stays lazy. Missing values (NaN) are ignored in ``fit`` and kept in ``transform``, as
scikit-learn's scalers do. Inputs are never modified: ``copy`` is accepted for scikit-learn
compatibility, and every method returns a new array.
"""

from __future__ import annotations

from .._moments import column_extremes as column_extremes
from .._moments import column_max_abs as column_max_abs
from .._moments import column_moments as column_moments
from .._moments import merge_moments as merge_moments
from ._decimal import DecimalScaler
from ._decimal import decimal_exponent as decimal_exponent
from ._decimal import powers_of_ten as powers_of_ten
from ._minmax import MinMaxScaler
from ._normalizer import Normalizer
from ._normalizer import row_norms as row_norms
from ._standard import StandardScaler
from ._standard import shift_and_scale as shift_and_scale

__all__ = ["DecimalScaler", "MinMaxScaler", "Normalizer", "StandardScaler"]
