"""`mlkit demo`: every mlkit model next to its scikit-learn twin, and the report of the run.

``_data`` loads and splits the data set, ``_cases`` holds the table's rows (a model, its
scikit-learn twin, how to compare them), ``_run`` fits them and prints the table, ``_report``
writes the Markdown page and ``_figures`` draws its figures (matplotlib, the `plot` extra).
"""

from ._data import DemoInputError, load_data
from ._run import run

__all__ = ["DemoInputError", "load_data", "run"]
