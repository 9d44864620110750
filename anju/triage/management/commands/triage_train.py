"""`manage.py triage_train`: rebuild the shipped model file from the corpus."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from anju.triage.model import MODEL_PATH
from anju.triage.training import (
    CORPUS_PATH,
    FALSE_ALARM_BUDGET,
    choose_threshold,
    cross_validate,
    dev_rows,
    load_rows,
    train,
)


class Command(BaseCommand):
    help = "Train the triage model on the corpus train split (needs scikit-learn)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--corpus", default=str(CORPUS_PATH))
        parser.add_argument("--out", default=str(MODEL_PATH))
        parser.add_argument(
            "--split", default="train", help="train (default) or all (incl. test)"
        )
        parser.add_argument(
            "--cv",
            action="store_true",
            help="also print 5-fold CV accuracy on it (development sets in every "
            "fold's training)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        summary = train(
            Path(options["corpus"]), Path(options["out"]), split=options["split"]
        )
        self.stdout.write(
            f"trained on {summary['rows']} rows, {summary['features']} features → "
            f"{summary['path']} ({summary['bytes']} bytes)"
        )
        chosen = summary["threshold"]
        self.stdout.write(
            f"emergency detector: {summary['detector_rows']} rows, "
            f"{summary['detector_features']} features; threshold "
            f"{chosen['threshold']:.4f} chosen out of fold on {summary['pool_rows']} "
            f"messages ({summary['pool_emergencies']} emergencies), budget "
            f"{FALSE_ALARM_BUDGET:.1%}"
        )
        self.stdout.write(
            "out of fold: budget  threshold  detector recall / false alarms  "
            "rules+detector recall / false alarms  missed"
        )
        for budget in (0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05):
            p = choose_threshold(summary["curve"], budget)
            self.stdout.write(
                f"  {budget:5.1%}  {p['threshold']:8.4f}  {p['detector_recall']:.3f} / "
                f"{p['detector_false_alarms']:.3f}  {p['recall']:.3f} / "
                f"{p['false_alarms']:.3f}  {p['missed']}"
            )
        if options["cv"]:
            rows = load_rows(Path(options["corpus"]), split=options["split"])
            for field, acc in cross_validate(rows, extra=dev_rows()).items():
                self.stdout.write(f"cv {field} {acc:.3f}")
