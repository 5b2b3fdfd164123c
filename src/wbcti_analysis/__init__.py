"""wbcti-analysis: data and analyses of CT and P/CVE coordination in the Western Balkans.

``import wbcti_analysis`` is light: pandas, networkx, matplotlib, seaborn and scikit-learn
are imported only inside the functions that need them.

>>> import wbcti_analysis
>>> ds = wbcti_analysis.load()          # the bundled data package, validated   # doctest: +SKIP
>>> ds.actors.head()                                                              # doctest: +SKIP
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load", "validate", "Dataset", "DataValidationError", "Problem", "bundled_data_path", "__version__"]


def __getattr__(name: str):
    # Lazy re-exports keep ``import wbcti_analysis`` free of pandas until data is loaded.
    if name in {"load", "validate", "Dataset", "DataValidationError", "Problem", "bundled_data_path"}:
        from . import datapackage

        return getattr(datapackage, name)
    raise AttributeError(f"module 'wbcti_analysis' has no attribute {name!r}")
