"""`manage.py triage`: JSON Lines in, one JSON answer per line out; or `--text "…"`."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from anju.triage.classifier import EmptyText, classify, get_model


def answer_line(line: str) -> dict:
    """The answer for one input line: the triage result, or an error object."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, ValueError) as exc:
        return {
            "error": {
                "code": "triage_invalid_json",
                "message": f"不是有效的 JSON：{exc.msg if hasattr(exc, 'msg') else exc}",
            }
        }
    if not isinstance(obj, dict) or "text" not in obj:
        return {"error": {"code": "triage_text_missing", "message": "缺少 text 字段"}}
    text = obj["text"]
    if not isinstance(text, str):
        return {
            "error": {"code": "triage_text_invalid", "message": "text 必须是字符串"}
        }
    try:
        result = classify(text)
    except EmptyText:
        return {"error": {"code": "triage_text_required", "message": "text 为空"}}
    if "id" in obj:
        result = {"id": obj["id"], **result}
    return result


class Command(BaseCommand):
    stealth_options = ("stdin",)  # tests pass a file object
    help = "Classify owners' messages: JSON Lines on stdin ({'text': …}) → JSON Lines."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--text", help="classify this one text instead of stdin")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        get_model()
        out = self.stdout
        if options.get("text") is not None:
            out.write(
                json.dumps(
                    answer_line(json.dumps({"text": options["text"]})),
                    ensure_ascii=False,
                )
            )
            return
        stdin = options.get("stdin") or sys.stdin
        for n, raw in enumerate(stdin, start=1):
            line = raw.strip()
            if not line:
                continue
            answer = answer_line(line)
            if "error" in answer:
                answer["error"]["line"] = n
            out.write(json.dumps(answer, ensure_ascii=False))
