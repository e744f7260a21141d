"""Decision trees: ID3, C4.5 (release 8, as Weka's J48), CART; text, rules, DOT and plots.

Two tree structures stay, on purpose. ID3 and C4.5 grow multiway trees with fractional
cases (missing values go down every branch, weighted): ``_structure.TreeArrays``, grown level
by level by ``_grow`` and pruned by ``_prune``, scored by ``_criteria``. CART grows binary
trees that must be scikit-learn's, node for node: its ``_cart_tree.Tree`` has scikit-learn's
node arrays (``tree_.children_left``, ``value``, ...), which the exporters and users read,
and its grower replays scikit-learn's feature draws and node order so that ties between
equally good cuts go the same way, with the impurities summed in scikit-learn's order (see
``_cart``). One structure for both would either give CART fractional cases and multiway
children it never has, or give C4.5 scikit-learn's binary arrays, which cannot hold its
multiway categorical splits.
"""

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
