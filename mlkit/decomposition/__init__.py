"""Principal component analysis: exact (SVD or covariance eigh), randomized, ARPACK, streamed.

PCA finds the orthonormal directions of largest variance of centred data. The routes give the
same answer: the SVD of the centred data ``Xc = U S Vᵀ`` ('full'); the eigendecomposition of
the covariance ``C = XcᵀXc / (n - 1) = V diag(S²/(n-1)) Vᵀ`` ('covariance_eigh', one pass of
row-block sums and one d×d ``eigh`` -- the fastest route for tall data and the one that scales
over Dask row blocks); and, for a few components of a large matrix, Halko, Martinsson &
Tropp's randomized range finder ('randomized') or ARPACK's Lanczos iterations ('arpack', on
the host, as in scikit-learn). ``partial_fit`` streams row blocks into the mean and the
scatter matrix and gives exactly the covariance route's model.
"""

from __future__ import annotations

from ._pca import PCA
from ._solvers import arpack_svd as arpack_svd
from ._solvers import covariance_eigh as covariance_eigh
from ._solvers import gram as gram
from ._solvers import implicitly_centred as implicitly_centred
from ._solvers import minka_dimension as minka_dimension
from ._solvers import minka_log_evidence as minka_log_evidence
from ._solvers import randomized_range_finder as randomized_range_finder
from ._solvers import randomized_svd as randomized_svd
from ._solvers import svd_flip as svd_flip

__all__ = ["PCA"]
