"""mlkit: the classical machine-learning algorithms as short, vectorized array code."""

__version__ = "0.1.0"

# the name to install it by (pyproject's [project] name; "mlkit" on the package index is another
# project): every install hint says `pip install mlkit-textbook[...]`
_DISTRIBUTION = "mlkit-textbook"
