"""The model's input tokens: character n-grams, keyword-list hits and rule cues."""

from __future__ import annotations

from .lexicon import lexicon_tokens
from .rules import Cue
from .text import ngrams


def tokens(normalized: str, cues: list[Cue]) -> list[str]:
    out = ngrams(normalized)
    out.extend(lexicon_tokens(normalized))
    for cue in cues:
        out.append(f"#{'neg' if cue.negated else 'cue'}:{cue.kind}")
    return out
