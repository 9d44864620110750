"""`manage.py triage_train`: rebuild the shipped model file from the corpus."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from anju.triage.model import MODEL_PATH
from anju.triage.training import CORPUS_PATH, cross_validate, load_rows, train


class Command(BaseCommand):
    help = "Train the triage model on the corpus train split (needs scikit-learn)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--corpus", default=str(CORPUS_PATH))
        parser.add_argument("--out", default=str(MODEL_PATH))
        parser.add_argument(
            "--split", default="train", help="train (default) or all (incl. test)"
        )
        parser.add_argument(
            "--cv", action="store_true", help="also print 5-fold CV accuracy on it"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        summary = train(
            Path(options["corpus"]), Path(options["out"]), split=options["split"]
        )
        self.stdout.write(
            f"trained on {summary['rows']} rows, {summary['features']} features → "
            f"{summary['path']} ({summary['bytes']} bytes)"
        )
        if options["cv"]:
            rows = load_rows(Path(options["corpus"]), split=options["split"])
            for field, acc in cross_validate(rows).items():
                self.stdout.write(f"cv {field} {acc:.3f}")
