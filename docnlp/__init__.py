"""docnlp: checks radiology reports against CPT documentation checklists."""

from importlib.metadata import PackageNotFoundError, version

from .errors import DocnlpError
from .pipeline import Record, build, check, check_many, load
from .result import Element, Evidence, Gap, Prior, Result

try:
    __version__ = version("docnlp")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "DocnlpError",
    "Element",
    "Evidence",
    "Gap",
    "Prior",
    "Record",
    "Result",
    "__version__",
    "build",
    "check",
    "check_many",
    "load",
]
