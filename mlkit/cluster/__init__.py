"""k-means clustering: Lloyd's algorithm with greedy k-means++ seeding.

Each Lloyd iteration is two array operations over all the rows: the assignment step (every
sample to its nearest center, with the squared distances written as ``‖x‖² − 2 x·c + ‖c‖²``
so that the work is one matrix product), and the update step (per-cluster weighted sums
``Hᵀ(w x)`` and weights ``Hᵀw`` through the one-hot matrix ``H`` of the labels). Those sums
reduce over row blocks, so on a Dask array every iteration is one ``dask.compute`` of a few
``k × d`` numbers; the centers stay small and concrete.

On NumPy arrays the iterations run in ``_lloyd_numpy``: both steps fused in one pass over
cache-sized row blocks, and after the first pass only the samples whose nearest center can
have changed are scanned again (Hamerly's bounds) -- the same labels and centers, cheaper.

scipy.sparse X (CSR or CSC) runs the generic iterations, whose two products ``X (−2C)ᵀ`` and
``Xwᵀ H`` are sparse-times-dense products over the stored entries; the distances of a sample
to its own center (for the inertia and for relocating empty clusters) are
``‖c‖² + Σ_stored x (x − 2c)``. Sparse X is not centred (that would fill in its zeros), as in
scikit-learn, and is never made dense: only the few rows chosen as seeds are.
"""

from ._kmeans import KMeans
from ._lloyd import (  # noqa: F401 (Lloyd's steps, importable from mlkit.cluster as before)
    assign,
    average_centers,
    cluster_sums,
    distances_to_own,
    inertia,
    lloyd,
    relocate_empty_clusters,
    squared_distances,
)
from ._seeding import kmeans_plusplus

__all__ = ["KMeans", "kmeans_plusplus"]
