"""Element extractors: each reads a processed report and returns one element."""

from .comparison import extract_comparison
from .config import ExtractionConfig, extraction_config
from .history import extract_history
from .interpretation import extract_interpretation
from .reason import extract_reason
from .region import extract_region

__all__ = [
    "ExtractionConfig",
    "extract_comparison",
    "extract_history",
    "extract_interpretation",
    "extract_reason",
    "extract_region",
    "extraction_config",
]
