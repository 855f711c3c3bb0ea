"""docnlp: checks radiology reports against CPT documentation checklists."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .errors import DocnlpError
from .result import Element, Evidence, Gap, Prior, Result

if TYPE_CHECKING:
    from .pipeline import Record, build, check, check_many, load

try:
    __version__ = version("docnlp")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

# Names served from `docnlp.pipeline`, which imports spaCy: loaded on first use so
# that `import docnlp` (and `docnlp --help`) stays quick.
_LAZY = ("Record", "build", "check", "check_many", "load")

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(".pipeline", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
