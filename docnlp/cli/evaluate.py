"""`docnlp evaluate`: score docnlp against gold records and the Indiana CSV's labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import app

if TYPE_CHECKING:
    from spacy.language import Language


class OutputFormat(str, Enum):
    """How `docnlp evaluate` prints its figures."""

    text = "text"
    json = "json"


class ModelUse(str, Enum):
    """Which pipeline `docnlp evaluate` checks with: the ablation of the model."""

    on = "on"
    off = "off"
    only = "only"
    all = "all"


@app.command("evaluate")
def evaluate(
    gold: Annotated[
        list[str] | None,
        typer.Option("--gold", help="Gold .jsonl file or glob; repeat for more."),
    ] = None,
    corpus: Annotated[
        list[str] | None,
        typer.Option(
            "--corpus",
            metavar="NAME=PATH",
            help="Where a gold corpus's texts are: a .jsonl of records "
            "(id or sample_id) or a folder of <id>.txt; repeatable.",
        ),
    ] = None,
    indiana: Annotated[
        Path | None,
        typer.Option(
            "--indiana",
            help="indiana_reports.csv: measure against the "
            "labels its comparison/indication fields carry.",
        ),
    ] = None,
    results: Annotated[
        Path | None,
        typer.Option(
            "--results",
            help="Score these results (.jsonl, ids "
            "<corpus>/<id>) instead of checking the texts.",
        ),
    ] = None,
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="text for people, json for machines."),
    ] = OutputFormat.text,
    errors: Annotated[
        bool,
        typer.Option("--errors", help="List every disagreement by id and offsets."),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    resamples: Annotated[int, typer.Option(min=1, help="Bootstrap resamples.")] = 1000,
    model: Annotated[
        ModelUse,
        typer.Option(
            "--model",
            help="on: rules and the element model as shipped; off: rules only; "
            "only: the model's statuses alone; all: rules and the model, the model "
            "enabled for every element.",
        ),
    ] = ModelUse.on,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes to check the texts with."
        ),
    ] = 1,
) -> None:
    """Score docnlp's results against gold records and/or the Indiana CSV's labels.

    Every figure comes with a 95% percentile bootstrap interval over reports; gold
    figures are given with and without the elements annotators marked borderline.
    """
    from ..batch import EXIT_USAGE
    from ..errors import DocnlpError, Errors
    from ..evaluate import Bootstrap, evaluate_gold, evaluate_indiana
    from ..evaluate.render import gold_text, indiana_text

    boot = Bootstrap(resamples=resamples, seed=seed)
    out: dict[str, Any] = {}
    try:
        if not gold and indiana is None:
            raise DocnlpError(Errors.E037)
        pipeline = _pipeline(model)
        # One process builds its pipeline once; workers each build their own.
        checking = {"nlp": pipeline()} if jobs == 1 else {"pipeline": pipeline}
        if gold:
            out["gold"] = evaluate_gold(
                gold, corpus or (), results=results, boot=boot, jobs=jobs, **checking
            )
        if indiana is not None:
            out["indiana"] = evaluate_indiana(indiana, boot=boot, jobs=jobs, **checking)
    except DocnlpError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(EXIT_USAGE) from None

    if output is OutputFormat.json:
        if not errors:
            for part in out.values():
                part.pop("errors")
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    texts = []
    if "gold" in out:
        texts.append(gold_text(out["gold"], errors=errors))
    if "indiana" in out:
        texts.append(indiana_text(out["indiana"], errors=errors))
    typer.echo("\n".join(texts), nl=False)


def _pipeline(model: ModelUse) -> Callable[[], Language]:
    """What builds the pipeline for a model setting; picklable, for workers."""
    # "on" is the pipeline as shipped: the model with its card's elements.
    from ..pipeline import build
    from ..result import ELEMENTS

    if model is ModelUse.off:
        return partial(build, model=False)
    if model is ModelUse.only:
        return partial(build, rules={"docnlp_model": {"mode": "only"}})
    if model is ModelUse.all:
        return partial(build, rules={"docnlp_model": {"elements": list(ELEMENTS)}})
    return partial(build, model=True)
