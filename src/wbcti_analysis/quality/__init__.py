"""Data quality: candidate duplicates, evidence checks and the ``wbcti quality`` report.

Submodules are imported on use so that ``import wbcti_analysis`` stays light:

``candidates``
    :func:`~wbcti_analysis.quality.candidates.find_candidates` and the reviewed
    decisions file ``data/coding/entity_candidates.csv``.
``report``
    :func:`~wbcti_analysis.quality.report.quality_report` and its text rendering.
"""
from __future__ import annotations

__all__ = ["find_candidates", "undecided", "quality_report", "evidence_problems"]


def __getattr__(name: str):
    if name in {"find_candidates", "undecided"}:
        from . import candidates

        return getattr(candidates, name)
    if name in {"quality_report", "evidence_problems"}:
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module 'wbcti_analysis.quality' has no attribute {name!r}")
