"""scikit-learn's order of visiting features and of expanding nodes, replayed exactly.

scikit-learn's tree splitter draws the features of every node it searches from one xorshift
stream (Marsaglia 2003) seeded by ``random_state``, by a partial Fisher-Yates shuffle of one
permutation carried from node to node, and keeps the first strictly better split: that order
decides between equally good splits. Its best-first builder (``max_leaf_nodes``) expands the
frontier node of largest impurity decrease from a C++ binary heap. These small, sequential
pieces live here; ``_cart_split`` calls them on the statistics of its vectorized search.
"""

from __future__ import annotations

import numpy as np


class XorShift32:
    """Marsaglia's (2003) 32-bit xorshift generator with shifts (13, 17, 5).

    ``draw(low, high)`` returns ``low + r % (high - low)`` with ``r`` the state modulo 2**31,
    the integer scikit-learn's tree splitter uses to draw features.
    """

    def __init__(self, seed):
        self.state = int(seed) or 1

    def draw(self, low, high):
        s = self.state
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        self.state = s
        return low + (s & 0x7FFFFFFF) % (high - low)


class Frontier:
    """The priority queue of scikit-learn's best-first builder, tie for tie: a binary max-heap
    on the improvement kept as C++'s ``std::push_heap``/``std::pop_heap`` keep it (the
    libstdc++ algorithms: sift up; on a pop, move the hole to a leaf, then sift up)."""

    def __init__(self):
        self.heap = []  # (improvement, node, is_leaf)

    def __len__(self):
        return len(self.heap)

    def _sift_up(self, hole, top, value):
        heap = self.heap
        parent = (hole - 1) // 2
        while hole > top and heap[parent][0] < value[0]:
            heap[hole] = heap[parent]
            hole = parent
            parent = (hole - 1) // 2
        heap[hole] = value

    def push(self, record):
        self.heap.append(record)
        self._sift_up(len(self.heap) - 1, 0, record)

    def pop(self):
        heap = self.heap
        n = len(heap) - 1  # the heap [0, n) once the last slot holds the popped top
        if n == 0:
            return heap.pop()
        value, heap[n] = heap[n], heap[0]
        hole = child = 0
        while child < (n - 1) // 2:
            child = 2 * (child + 1)
            if heap[child][0] < heap[child - 1][0]:
                child -= 1
            heap[hole] = heap[child]
            hole = child
        if n % 2 == 0 and child == (n - 2) // 2:
            child = 2 * (child + 1)
            heap[hole] = heap[child - 1]
            hole = child - 1
        self._sift_up(hole, 0, value)
        return heap.pop()


def visit(rng, features, constant_features, n_known, max_features, proxy, const):
    """One node of scikit-learn's feature draw (Fisher-Yates without replacement).

    ``features`` is the permutation carried from node to node; its first ``n_known`` entries
    are the features found constant above this node. Returns the chosen feature (-1 when no
    feature has a valid split) and the number of features known constant below this node.
    """
    d = len(features)
    f_i, n_found, n_drawn, n_total, n_visited = d, 0, 0, n_known, 0
    best, best_f = -np.inf, -1
    state = rng.state
    while f_i > n_total and (n_visited < max_features or n_visited <= n_found + n_drawn):
        n_visited += 1
        state ^= (state << 13) & 0xFFFFFFFF  # rng.draw, inlined (the hot loop of the replay)
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        f_j = n_drawn + (state & 0x7FFFFFFF) % (f_i - n_found - n_drawn)
        if f_j < n_known:
            features[n_drawn], features[f_j] = features[f_j], features[n_drawn]
            n_drawn += 1
            continue
        f_j += n_found
        feat = features[f_j]
        if const[feat]:
            features[f_j], features[n_total] = features[n_total], features[f_j]
            n_found += 1
            n_total += 1
            continue
        f_i -= 1
        features[f_i], features[f_j] = features[f_j], features[f_i]
        if proxy[feat] > best:
            best, best_f = proxy[feat], feat
    rng.state = state
    features[:n_known] = constant_features[:n_known]
    constant_features[n_known:n_total] = features[n_known:n_total]
    return best_f, n_total
