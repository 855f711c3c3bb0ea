"""`docnlp train`: train the element model on a gold corpus and write its card."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app


@app.command("train")
def train(
    corpus: Annotated[
        Path,
        typer.Option(help="Folder with gold.jsonl / gold.part-*.jsonl and reports/."),
    ] = Path("corpora/synthetic"),
    output: Annotated[
        Path | None,
        typer.Option(
            help="Model folder to write. Default: the shipped model, "
            "docnlp/models/element-sentences, in a source checkout only.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 0,
) -> None:
    """Train the element-sentence model, cross-validate it, and write its card.

    The same corpus and seed give the same model file, byte for byte.
    """
    from ..errors import DocnlpError, Errors
    from ..model.card import CARD_MARKDOWN, DEFAULT_MODEL, model_dir
    from ..model.training import train as train_model

    folder = output or model_dir(DEFAULT_MODEL)
    if output is None and _installed(folder):
        typer.echo(Errors.E047.format(path=folder.parent.parent), err=True)
        raise typer.Exit(2)
    try:
        card = train_model(corpus, output, seed=seed)
    except DocnlpError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None

    data = card["training_data"]
    typer.echo(f"Trained on {data['reports']} reports, {data['sentences']} sentences.")
    typer.echo(
        "Cross-validated, per element (sentence F1, report agreement "
        "rules / model / both):"
    )
    cv = card["cross_validation"]
    for name, m in cv["sentence"].items():
        r = cv["report"][name]
        typer.echo(
            f"  {name:<20} F1 {m['f1']:.3f}  AP {m['average_precision']:.3f}  "
            f"{r['rules']:.3f} / {r['model_only']:.3f} / "
            f"{r['rules_and_model']:.3f}"
        )
    typer.echo(f"sha256 {card['sha256']}; card in {folder / CARD_MARKDOWN}")


def _installed(folder: Path) -> bool:
    """True when a folder lies in an installed package, not a source checkout."""
    return any(
        part in ("site-packages", "dist-packages") for part in folder.resolve().parts
    )
