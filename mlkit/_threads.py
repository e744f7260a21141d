"""Threads over the row ranges of a NumPy array, each with a single-threaded BLAS.

A performance helper, not an operation the array API standard lacks: NumPy kernels that loop
over cache-sized row blocks (GaussianNB's log-likelihood, KMeans' Lloyd steps, the linear
models' data term) share the blocks out among threads here. NumPy releases the GIL, and a
BLAS limited to one thread per worker avoids oversubscribing the cores.
"""

from __future__ import annotations

import contextlib
import functools

__all__ = ["map_row_ranges", "row_threads"]


def map_row_ranges(fn, n_rows, block_rows, min_blocks_per_thread=4):
    """``[fn(lo, hi) ...]`` over contiguous row ranges that share out the rows among threads.

    For NumPy loops over cache-sized row blocks whose products are too thin to gain from a
    threaded BLAS: each range runs in its own thread (NumPy releases the GIL) with a
    single-threaded BLAS. Ranges start on multiples of ``block_rows``; small inputs run in one
    range on the calling thread. A worker's exception is raised here. A loop that maps many
    times over the same rows holds ``row_threads`` instead and sets up the threads once.
    """
    with row_threads(n_rows, block_rows, min_blocks_per_thread) as run:
        return run(fn)


@contextlib.contextmanager
def row_threads(n_rows, block_rows, min_blocks_per_thread=4):
    """``run(fn)``: ``map_row_ranges(fn, n_rows, ...)`` with the threads and the one-thread BLAS
    limit set up once for the whole ``with`` block (BLAS is single-threaded in the calling
    thread too). Too few rows for two threads: no threads, no limit."""
    import os

    n_threads = max(1, min(os.cpu_count() or 1, n_rows // (min_blocks_per_thread * block_rows)))
    if n_threads == 1:
        yield lambda fn: [fn(0, n_rows)]
        return
    from concurrent.futures import ThreadPoolExecutor

    cuts = [i * n_rows // n_threads // block_rows * block_rows for i in range(n_threads)]
    cuts.append(n_rows)
    with _blas_controller().limit(limits=1, user_api="blas"), \
            ThreadPoolExecutor(n_threads) as pool:
        yield lambda fn: list(pool.map(fn, cuts[:-1], cuts[1:]))


@functools.cache
def _blas_controller():
    """threadpoolctl's view of the loaded thread pools, made once: ``threadpool_limits`` would
    look them all up again on every call."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(fn):
    """``fn`` run with a single-threaded BLAS: for the per-block tasks of a Dask reduction,
    which Dask already runs one per core (a threaded BLAS under each would oversubscribe the
    cores -- Dask's worker processes set one BLAS thread themselves, its threaded scheduler
    does not)."""

    @functools.wraps(fn)
    def run(*args):
        with _blas_controller().limit(limits=1, user_api="blas"):
            return fn(*args)

    return run
