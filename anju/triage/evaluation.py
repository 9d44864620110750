"""Evaluation of the shipped classifier on labelled rows (held-out split, fresh set)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .choices import FIELD_CHOICES, FIELDS, Urgency
from .classifier import classify


def evaluate(rows: list[dict]) -> dict[str, Any]:
    """Per-field accuracy, per-class precision/recall, confusion matrices, emergencies."""
    preds = [classify(r["text"]) for r in rows]
    n = len(rows)
    report: dict[str, Any] = {
        "rows": n,
        "accuracy": {},
        "per_class": {},
        "confusion": {},
    }
    for field in FIELDS:
        labels = list(FIELD_CHOICES[field].values)
        pairs = [(r[field], p[field]) for r, p in zip(rows, preds, strict=True)]
        report["accuracy"][field] = (
            round(sum(a == b for a, b in pairs) / n, 4) if n else 0.0
        )
        confusion = Counter(pairs)
        report["confusion"][field] = {
            "labels": labels,
            "matrix": [[confusion[(t, p)] for p in labels] for t in labels],
        }
        per = {}
        for label in labels:
            tp = confusion[(label, label)]
            support = sum(1 for t, _ in pairs if t == label)
            predicted = sum(1 for _, p in pairs if p == label)
            per[label] = {
                "precision": round(tp / predicted, 4) if predicted else None,
                "recall": round(tp / support, 4) if support else None,
                "support": support,
            }
        report["per_class"][field] = per
    emergencies = [
        p for r, p in zip(rows, preds, strict=True) if r["urgency"] == Urgency.EMERGENCY
    ]
    others = [
        p for r, p in zip(rows, preds, strict=True) if r["urgency"] != Urgency.EMERGENCY
    ]
    report["emergency"] = {
        "recall": round(
            sum(p["urgency"] == Urgency.EMERGENCY for p in emergencies)
            / len(emergencies),
            4,
        )
        if emergencies
        else None,
        "false_alarm_rate": round(
            sum(p["urgency"] == Urgency.EMERGENCY for p in others) / len(others), 4
        )
        if others
        else None,
        "emergencies": len(emergencies),
        "non_emergencies": len(others),
    }
    report["errors"] = [
        {
            "text": r["text"],
            "expected": {f: r[f] for f in FIELDS},
            "got": {f: p[f] for f in FIELDS},
        }
        for r, p in zip(rows, preds, strict=True)
        if any(r[f] != p[f] for f in FIELDS)
    ]
    return report


def format_report(report: dict[str, Any], *, name: str, errors: bool = False) -> str:
    lines = [f"triage evaluation on {name}: {report['rows']} messages", ""]
    for field in FIELDS:
        lines.append(f"accuracy {field:<9} {report['accuracy'][field]:.3f}")
    em = report["emergency"]
    if em["recall"] is not None:
        lines.append(
            f"emergency recall   {em['recall']:.3f} ({em['emergencies']} emergencies)"
        )
    if em["false_alarm_rate"] is not None:
        lines.append(
            f"false emergencies  {em['false_alarm_rate']:.3f} of {em['non_emergencies']} non-emergencies"
        )
    for field in ("category", "type", "urgency"):
        lines += ["", f"{field}: precision / recall / support"]
        for label, m in report["per_class"][field].items():
            p = "  -  " if m["precision"] is None else f"{m['precision']:.3f}"
            r = "  -  " if m["recall"] is None else f"{m['recall']:.3f}"
            lines.append(f"  {label:<11} {p}  {r}  {m['support']:>4}")
    for field in ("category", "urgency", "type"):
        conf = report["confusion"][field]
        short = [lbl[:5] for lbl in conf["labels"]]
        lines += ["", f"{field} confusion (rows = expected, columns = predicted)"]
        lines.append(" " * 12 + " ".join(f"{s:>5}" for s in short))
        for label, row in zip(conf["labels"], conf["matrix"], strict=True):
            lines.append(f"  {label:<10}" + " ".join(f"{v:>5}" for v in row))
    if errors:
        lines += ["", "misclassified:"]
        for e in report["errors"]:
            diff = ", ".join(
                f"{f} {e['expected'][f]}→{e['got'][f]}"
                for f in FIELDS
                if e["expected"][f] != e["got"][f]
            )
            lines.append(f"  {e['text'][:60]}  [{diff}]")
    return "\n".join(lines) + "\n"
