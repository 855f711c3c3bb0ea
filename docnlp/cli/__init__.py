"""The `docnlp` command line: a thin typer app over the library's functions."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="docnlp",
    help="Check radiology reports against CPT documentation checklists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Check radiology reports against CPT documentation checklists."""
    # A callback keeps `docnlp` a group of commands even while it has only one, so
    # that `docnlp check PATH` never reads "check" as a path.


def main() -> None:
    """Entry point of the `docnlp` console script."""
    _register()
    app()


def _register() -> None:
    # Each command module adds itself to `app`; imported here so that start-up only
    # pays for what the commands import lazily.
    from . import check  # noqa: F401
    from .bench import bench  # noqa: F401
    from .evaluate import evaluate  # noqa: F401
    from .spark import spark  # noqa: F401
    from .train import train  # noqa: F401
