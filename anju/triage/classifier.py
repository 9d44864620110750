"""Classify an owner's message: type, category and urgency, with the cues that decided.

Urgency combines explicit danger cues (rules.py), a learned emergency detector and the
learned field model:
1. any danger cue that is not negated, past or hypothetical → `emergency` (source rule);
2. otherwise the emergency detector (a binary linear model on character n-grams and
   danger signals, with a recall-first threshold chosen on out-of-fold scores) →
   `emergency` when its margin is above the threshold and at least one danger word
   (cue or signal) is active: none, or only ones that the ignore logic explains away
   ("没有漏气", "上次着火的事", "万一着火", a kite in a tree), is no emergency; nor is
   a message the field model reads as a question, a suggestion or praise, unless it
   calls for help (救命, 报警, 120, 快来);
3. otherwise the field model's level, emergency excluded (the detector decides that);
4. an urgent cue (no water/power, lift out of service, sewage backflow, falling hazard,
   locked out, water unfit to drink …) raises `normal` to `urgent`, unless the message
   is a suggestion or praise, or a question that does not speak of the present
   ("请问明天停水吗" stays normal, "请问是不是停水了" is urgent).
"""

from __future__ import annotations

import math
import threading
from typing import Any

from .codes import EMERGENCY, QUIET_TYPES, URGENCY_RANK, URGENT
from .model import MODEL_PATH, LinearModel
from .rules import HELP, SIGNAL, find_cues
from .text import normalize

_lock = threading.Lock()
_model: LinearModel | None = None

MAX_TEXT_CHARS = 5000


class EmptyText(ValueError):
    """The text is empty or only whitespace."""


def get_model() -> LinearModel:
    """The shipped model, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = LinearModel(MODEL_PATH)
    return _model


def classify(text: str, *, model: LinearModel | None = None) -> dict[str, Any]:
    """The triage answer for one text (raises EmptyText for an empty one)."""
    return classify_many([text], model=model)[0]


def classify_many(
    texts: list[str], *, model: LinearModel | None = None
) -> list[dict[str, Any]]:
    """The answers for many texts, scored as one batch (same answers as `classify`).

    Raises EmptyText if any text is empty; callers that must answer per line check first.
    """
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            raise EmptyText("text is empty")
    model = model or get_model()
    items = []
    for text in texts:
        normalized = normalize(text[:MAX_TEXT_CHARS])
        items.append((normalized, find_cues(normalized)))
    scored = model.scores_many(items)
    return [
        _answer(model, normalized, cues, scores, feats, margin)
        for (normalized, cues), (scores, feats, margin) in zip(
            items, scored, strict=True
        )
    ]


def detector_fires(  # type: ignore[no-untyped-def]
    cues, margin: float, threshold: float, ticket_type: str = "", normalized: str = ""
) -> bool:
    """The detector's emergency vote: above the threshold, with at least one danger
    word (cue or signal) that the ignore logic does not explain away as negated, past,
    hypothetical, a drill, a sign, figurative, a habit or harmless — and not for a
    question, a suggestion or praise (燃气费在哪交, 摔了太疼 so pad the playground, thanks
    for mopping up the water) unless the owner calls for help (救命, 报警, 120, 快来)."""
    if margin <= threshold:
        return False
    if ticket_type in QUIET_TYPES and HELP.search(normalized) is None:
        return False
    return any(c.level in (EMERGENCY, SIGNAL) and not c.negated for c in cues)


def _answer(
    model: LinearModel, normalized, cues, scores, feats, margin
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Combine the models' scores with the cues into the answer."""

    best: dict[str, tuple[str, float]] = {}
    for field, (classes, probs) in scores.items():
        i = int(probs.argmax())
        best[field] = (classes[i], float(probs[i]))
    ticket_type = best["type"][0]
    category = best["category"][0]

    active = [c for c in cues if not c.negated]
    danger = [c for c in active if c.level == EMERGENCY]
    urgent = [c for c in active if c.level == URGENT]
    signals = [c for c in active if c.level == SIGNAL]

    classes, probs = scores["urgency"]
    ranked = [
        (str(c), float(p))
        for c, p in sorted(zip(classes, probs, strict=True), key=lambda cp: -cp[1])
        if c != EMERGENCY
    ]
    model_level, model_conf = ranked[0]

    detected = False
    if danger:
        urgency, source, deciding = EMERGENCY, "rule", danger
        confidence = 1.0
    elif detector_fires(cues, margin, model.det_threshold, ticket_type, normalized):
        urgency, source, deciding = EMERGENCY, "model", signals[:3]
        # 0.5 at the threshold, towards 1 above it
        gap = margin - model.det_threshold
        confidence = 1.0 / (1.0 + math.exp(-model.temperature * gap))
        detected = True
    else:
        urgency, source, deciding, confidence = model_level, "model", [], model_conf
        if ticket_type in QUIET_TYPES:
            # a suggestion or praise tells, it does not report trouble now; a question
            # does only when it speaks of the present ("是不是停水了", not "明天停水吗")
            urgent = [c for c in urgent if ticket_type == "consult" and c.present]
        if urgent and URGENCY_RANK[urgency] < URGENCY_RANK[URGENT]:
            urgency, source, deciding, confidence = URGENT, "rule", urgent, 1.0

    cue_list = [c.as_dict() for c in deciding]
    if detected:
        # the danger signals in the message, each with the level it led to
        cue_list = [{**c, "level": EMERGENCY} for c in cue_list] or [
            {"cue": tok, "kind": "model", "level": EMERGENCY}
            for tok in model.detector_top_tokens(normalized, cues)
        ]
    elif source == "model":
        cue_list = [
            {"cue": tok, "kind": "model", "level": str(urgency)}
            for tok in model.top_tokens(feats, "urgency", str(urgency))
        ]
    return {
        "type": str(ticket_type),
        "category": str(category),
        "urgency": str(urgency),
        "confidence": {
            "type": round(best["type"][1], 3),
            "category": round(best["category"][1], 3),
            "urgency": round(confidence, 3),
        },
        "urgency_source": source,
        "cues": cue_list,
        "ignored_cues": [c.as_dict() for c in cues if c.negated and c.level != SIGNAL],
    }
