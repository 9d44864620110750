"""`manage.py triage`: JSON Lines in, one JSON answer per line out; or `--text "…"`."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from anju.triage.classifier import EmptyText, classify, classify_many, get_model

BATCH = 256  # lines scored together: one matrix product per batch


def parse_line(line: str) -> tuple[dict | None, dict | None]:
    """(the input object with a usable text, None) or (None, the error object)."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, ValueError) as exc:
        return None, {
            "error": {
                "code": "triage_invalid_json",
                "message": f"不是有效的 JSON：{exc.msg if hasattr(exc, 'msg') else exc}",
            }
        }
    if not isinstance(obj, dict) or "text" not in obj:
        return None, {
            "error": {"code": "triage_text_missing", "message": "缺少 text 字段"}
        }
    text = obj["text"]
    if not isinstance(text, str):
        return None, {
            "error": {"code": "triage_text_invalid", "message": "text 必须是字符串"}
        }
    if not text.strip():
        return None, {"error": {"code": "triage_text_required", "message": "text 为空"}}
    return obj, None


def _with_id(obj: dict, result: dict) -> dict:
    return {"id": obj["id"], **result} if "id" in obj else result


def answer_line(line: str) -> dict:
    """The answer for one input line: the triage result, or an error object."""
    obj, error = parse_line(line)
    if error is not None:
        return error
    try:
        return _with_id(obj, classify(obj["text"]))
    except EmptyText:  # pragma: no cover - parse_line refuses empty texts
        return {"error": {"code": "triage_text_required", "message": "text 为空"}}


def answer_lines(lines: list[str]) -> list[dict]:
    """The answers for several lines, the valid texts scored as one batch."""
    parsed = [parse_line(line) for line in lines]
    good = [obj for obj, error in parsed if error is None]
    results = iter(classify_many([obj["text"] for obj in good]))
    return [
        error if error is not None else _with_id(obj, next(results))
        for obj, error in parsed
    ]


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
        batch: list[tuple[int, str]] = []
        for n, raw in enumerate(stdin, start=1):
            line = raw.strip()
            if line:
                batch.append((n, line))
            if len(batch) == BATCH:
                self._write(batch)
                batch = []
        self._write(batch)

    def _write(self, batch: list[tuple[int, str]]) -> None:
        if not batch:
            return
        answers = answer_lines([line for _n, line in batch])
        for (n, _line), answer in zip(batch, answers, strict=True):
            if "error" in answer:
                answer["error"]["line"] = n
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
