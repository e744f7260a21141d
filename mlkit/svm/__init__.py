"""Support vector machines: SVC (dual QP in cvxpy, or SMO) and LinearSVC (primal QP / LP)."""

from ._classes import SVC
from ._linear import LinearSVC

__all__ = ["LinearSVC", "SVC"]
