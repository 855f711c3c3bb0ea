"""Checklists as data: loading, validating and scoring reports against them."""

from .model import Checklist, ElementSpec, Reading, available_codes, load_checklist
from .scorer import Score, score

__all__ = [
    "Checklist",
    "ElementSpec",
    "Reading",
    "available_codes",
    "load_checklist",
    "Score",
    "score",
]
