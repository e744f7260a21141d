"""Decision trees."""

from ._cart import DecisionTreeClassifier

__all__ = ["DecisionTreeClassifier"]
