"""mlkit: the classical machine-learning algorithms as short, vectorized array code."""

__version__ = "0.1.0"
