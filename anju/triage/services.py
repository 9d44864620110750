"""Triage services: classify a text, record an agent's correction."""

from __future__ import annotations

from typing import Any

from anju.core.errors import ValidationFailed

from .choices import FIELD_CHOICES, FIELDS
from .classifier import EmptyText, classify, get_model
from .models import TriageCorrection


class TriageTextRequired(ValidationFailed):
    """请输入要分类的文字。"""

    code = "triage_text_required"


class TriageInvalidCode(ValidationFailed):
    """分类代码无效。"""

    code = "triage_invalid_code"


def triage_text(*, text: Any) -> dict[str, Any]:
    """The triage proposal for one text; an empty text is refused."""
    try:
        return classify(text)
    except EmptyText as exc:
        raise TriageTextRequired(
            "请输入要分类的文字。", fields={"text": ["不能为空"]}
        ) from exc


def _clean_codes(value: Any, *, name: str, required: bool) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TriageInvalidCode(f"{name} 必须是对象", fields={name: ["必须是对象"]})
    out: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field in FIELDS:
        code = value.get(field)
        if code in (None, "") and not required:
            continue
        if code not in FIELD_CHOICES[field].values:
            errors[f"{name}.{field}"] = [f"无效的代码：{code!r}"]
        else:
            out[field] = code
    if errors:
        raise TriageInvalidCode("分类代码无效。", fields=errors)
    return out


def triage_correction_record(
    *,
    text: str,
    predicted: dict,
    corrected: dict,
    actor: Any,
    ticket_id: int | None = None,
) -> TriageCorrection:
    """Store what the model proposed and what the agent confirmed, for retraining."""
    if not isinstance(text, str) or not text.strip():
        raise TriageTextRequired("请输入要分类的文字。", fields={"text": ["不能为空"]})
    wanted = _clean_codes(corrected, name="corrected", required=True)
    proposed = _clean_codes(predicted, name="predicted", required=False)
    return TriageCorrection.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        ticket_id=ticket_id,
        text=text.strip(),
        predicted={k: predicted[k] for k in sorted(predicted) if k in FIELDS},
        changed=any(proposed.get(f) != wanted[f] for f in FIELDS),
        model_version=get_model().trained_on[:60],
        **wanted,
    )
