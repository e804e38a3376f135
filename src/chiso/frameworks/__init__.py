"""Versioned methodology: one data file per index and year, validated on load."""

from chiso.frameworks.crosswalk import Crosswalk, embedded_crosswalk, load_crosswalk
from chiso.frameworks.load import embedded, embedded_years, load
from chiso.frameworks.schema import Framework, Node

__all__ = [
    "Crosswalk",
    "Framework",
    "Node",
    "embedded",
    "embedded_crosswalk",
    "embedded_years",
    "load",
    "load_crosswalk",
]
