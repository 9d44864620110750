"""`manage.py triage_evaluate`: accuracy, per-category precision/recall, confusion matrix."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from anju.triage.evaluation import evaluate, format_report
from anju.triage.training import CORPUS_PATH, FRESH_PATH, load_rows


class Command(BaseCommand):
    help = "Evaluate the shipped model on the held-out split (or --fresh / --file)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--split", default="test", help="corpus split (default test)"
        )
        parser.add_argument("--fresh", action="store_true", help="use data/fresh.jsonl")
        parser.add_argument("--file", help="another labelled JSONL file (all rows)")
        parser.add_argument(
            "--json", action="store_true", help="print the figures as JSON"
        )
        parser.add_argument(
            "--errors", action="store_true", help="list misclassified texts"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["file"]:
            rows, name = load_rows(Path(options["file"])), options["file"]
        elif options["fresh"]:
            rows, name = load_rows(FRESH_PATH), "fresh.jsonl"
        else:
            rows = load_rows(CORPUS_PATH, split=options["split"])
            name = f"corpus.jsonl split={options['split']}"
        report = evaluate(rows)
        if options["json"]:
            report = {k: v for k, v in report.items() if k != "errors"}
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(format_report(report, name=name, errors=options["errors"]))
