"""Decision trees: ID3, C4.5 (release 8, as Weka's J48), CART; text, rules, DOT and plots."""

from ._c45 import C45Classifier
from ._cart import DecisionTreeClassifier
from ._export import export_graphviz, export_rules, export_text
from ._id3 import ID3Classifier
from ._plot import plot_tree

__all__ = [
    "C45Classifier",
    "DecisionTreeClassifier",
    "ID3Classifier",
    "export_graphviz",
    "export_rules",
    "export_text",
    "plot_tree",
]
