"""Plotting helpers of the collection, one module per analysis plus ``style``.

Every plotting function accepts ``ax=`` (draws into it, or makes its own figure when
None), uses the palette and caption of :mod:`wbcti_analysis.plots.style`, and imports
matplotlib / seaborn inside the function, never at import time.
"""
