"""Shared statistics of the analyses, one module per family.

Modules (each imports numpy / pandas only inside its functions where it can):

- ``permutation``: permutation-test p-values (mid-p) and Monte Carlo helpers
- ``bootstrap``: percentile bootstrap intervals with a seed
- ``ei``: E-I index (Krackhardt & Stern)
- ``concentration``: Herfindahl-Hirschman index (HHI) and shares

Import from the module, e.g. ``from wbcti_analysis.stats.permutation import mid_p_value``.
"""
