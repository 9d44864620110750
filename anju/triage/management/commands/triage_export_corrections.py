"""`manage.py triage_export_corrections`: agents' corrections as corpus-shaped JSONL."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from anju.triage.models import TriageCorrection


class Command(BaseCommand):
    help = "Export triage corrections as JSON Lines (text,type,category,urgency,…)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--since", help="only corrections at or after this ISO time"
        )
        parser.add_argument(
            "--changed-only", action="store_true", help="only where the agent changed"
        )
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        qs = TriageCorrection.objects.order_by("id")
        if options["since"]:
            qs = qs.filter(created_at__gte=parse_datetime(options["since"]))
        if options["changed_only"]:
            qs = qs.filter(changed=True)
        lines = []
        for row in qs.iterator():
            lines.append(
                json.dumps(
                    {
                        "text": row.text,
                        "type": row.type,
                        "category": row.category,
                        "urgency": row.urgency,
                        "predicted": row.predicted,
                        "changed": row.changed,
                        "ticket_id": row.ticket_id,
                        "created_at": row.created_at.isoformat(),
                        "source": "correction",
                    },
                    ensure_ascii=False,
                )
            )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write("".join(line + "\n" for line in lines))
            self.stderr.write(f"{len(lines)} corrections → {options['output']}")
        else:
            for line in lines:
                self.stdout.write(line)
