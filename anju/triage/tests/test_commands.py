"""`manage.py triage` JSON Lines contract, evaluation and the corrections export."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from anju.triage.services import triage_correction_record


def run_triage(stdin_text: str) -> list[dict]:
    out = io.StringIO()
    call_command("triage", stdin=io.StringIO(stdin_text), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_in_one_answer_per_line_out_with_errors_per_line():
    # given good lines mixed with bad ones (not JSON, no text, empty text, not a string)
    stdin = "\n".join(
        [
            json.dumps({"id": 7, "text": "电梯困人了，快来"}, ensure_ascii=False),
            "this is not json",
            json.dumps({"message": "hi"}),
            json.dumps({"text": "   "}),
            json.dumps({"text": 42}),
            json.dumps(["text"]),
            json.dumps({"text": "物业费怎么交"}, ensure_ascii=False),
        ]
    )
    # when they go through the command
    answers = run_triage(stdin + "\n")
    # then each line gets exactly one answer, errors as objects, never a crash
    assert len(answers) == 7
    assert answers[0]["id"] == 7
    assert (answers[0]["type"], answers[0]["category"], answers[0]["urgency"]) == (
        "repair",
        "elevator",
        "emergency",
    )
    assert answers[0]["cues"][0]["kind"] == "trapped"
    assert [a.get("error", {}).get("code") for a in answers[1:6]] == [
        "triage_invalid_json",
        "triage_text_missing",
        "triage_text_required",
        "triage_text_invalid",
        "triage_text_missing",
    ]
    assert answers[1]["error"]["line"] == 2
    assert answers[6]["category"] == "fees"


def test_blank_lines_are_skipped():
    answers = run_triage('\n\n{"text": "楼道灯坏了"}\n\n')
    assert len(answers) == 1
    assert answers[0]["category"] == "electrical"


def test_text_option_classifies_one_text():
    # when
    out = io.StringIO()
    call_command("triage", text="楼道里有很浓的煤气味", stdout=out)
    # then
    answer = json.loads(out.getvalue())
    assert answer["urgency"] == "emergency"
    assert answer["cues"][0]["kind"] == "gas"


def test_evaluate_prints_accuracy_per_class_and_confusion():
    # when
    out = io.StringIO()
    call_command("triage_evaluate", stdout=out)
    text = out.getvalue()
    # then
    assert "accuracy category" in text
    assert "emergency recall   1.000" in text
    assert "category confusion (rows = expected, columns = predicted)" in text
    assert "  elevator" in text


@pytest.mark.django_db
def test_export_writes_corrections_as_corpus_shaped_jsonl(agent):
    # given two corrections, one of them changed by the agent
    triage_correction_record(
        text="楼下狗叫",
        predicted={"type": "complaint", "category": "noise", "urgency": "normal"},
        corrected={"type": "complaint", "category": "pets", "urgency": "normal"},
        actor=agent,
    )
    triage_correction_record(
        text="物业费怎么交",
        predicted={"type": "consult", "category": "fees", "urgency": "normal"},
        corrected={"type": "consult", "category": "fees", "urgency": "normal"},
        actor=agent,
        ticket_id=12,
    )
    # when exported, all and changed only
    out_all, out_changed = io.StringIO(), io.StringIO()
    call_command("triage_export_corrections", stdout=out_all)
    call_command("triage_export_corrections", changed_only=True, stdout=out_changed)
    # then each line is a labelled example ready for the corpus
    rows = [json.loads(line) for line in out_all.getvalue().splitlines()]
    assert [(r["text"], r["category"], r["changed"]) for r in rows] == [
        ("楼下狗叫", "pets", True),
        ("物业费怎么交", "fees", False),
    ]
    assert rows[1]["ticket_id"] == 12
    changed = [json.loads(line) for line in out_changed.getvalue().splitlines()]
    assert [r["text"] for r in changed] == ["楼下狗叫"]


def test_more_lines_than_one_batch_keep_their_order_and_line_numbers():
    # given 300 lines (more than one batch of 256) with a bad line in each batch
    lines = [json.dumps({"id": n, "text": "楼道灯坏了"}) for n in range(300)]
    lines[10] = "not json"
    lines[280] = json.dumps({"id": 280, "text": ""})
    # when they go through the command
    answers = run_triage("\n".join(lines) + "\n")
    # then one answer per line, in order, errors with their own line numbers
    assert len(answers) == 300
    assert answers[10]["error"] == {**answers[10]["error"], "line": 11}
    assert answers[280]["error"]["code"] == "triage_text_required"
    assert answers[280]["error"]["line"] == 281
    assert [a["id"] for a in answers if "id" in a] == [
        n for n in range(300) if n not in (10, 280)
    ]
