"""Linear discriminant analysis (Fisher 1936): Gaussian classes sharing one covariance.

Every solver starts from the same row-block statistics, reduced in one pass (over Dask row
blocks when the data is a Dask array): the class counts and sums (one-hot products ``YᵀX``),
then the within-class scatter ``Σ (x - μ_y)(x - μ_y)ᵀ`` of the rows centred on their class
mean. The rest is a small solve on d×d and K×d matrices:

- 'svd': the within-class scatter, scaled to unit variances, is diagonalized (its
  eigendecomposition gives the singular values and vectors of the centred, scaled data); the
  class means are whitened with it and their SVD gives the discriminant directions.
- 'eigen': the generalized symmetric problem ``S_b v = λ S_w v``, through the Cholesky
  whitening ``L⁻¹ S_b L⁻ᵀ`` of ``S_w = L Lᵀ``.
- 'lsqr': the linear system ``Σ coefᵀ = μᵀ`` by least squares.
"""

from __future__ import annotations

from ._covariance import cholesky_whitening as cholesky_whitening
from ._covariance import generalized_eigh as generalized_eigh
from ._covariance import ledoit_wolf_shrinkage as ledoit_wolf_shrinkage
from ._covariance import lstsq as lstsq
from ._covariance import shrunk_covariance as shrunk_covariance
from ._lda import LinearDiscriminantAnalysis

__all__ = ["LinearDiscriminantAnalysis"]
