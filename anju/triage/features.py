"""The models' input tokens: character n-grams, keyword-list hits, rule cues and
danger signals."""

from __future__ import annotations

from .lexicon import lexicon_tokens
from .rules import HELP, NOBODY, NOW, PEOPLE, SIGNAL, Cue
from .text import ngrams


def tokens(normalized: str, cues: list[Cue]) -> list[str]:
    out = ngrams(normalized)
    out.extend(lexicon_tokens(normalized))
    signals: set[str] = set()
    for cue in cues:
        if cue.level == SIGNAL:
            signals.add(cue.kind if not cue.negated else f"x:{cue.kind}")
        else:
            out.append(f"#{'neg' if cue.negated else 'cue'}:{cue.kind}")
    if HELP.search(normalized):
        out.append("#sig:help")
    if signals:
        # a danger word together with "now" (正在, 刚, 还在, 快来, !) or with people
        # around (小孩, 人来人往, 下面) — one token per pair, in a fixed order
        now = NOW.search(normalized) is not None
        nobody = NOBODY.search(normalized) is not None
        people = not nobody and PEOPLE.search(normalized) is not None
        if nobody:
            out.append("#sig:nobody")
        for kind in sorted(signals):
            out.append(f"#sig:{kind}")
            if not kind.startswith("x:"):
                if now:
                    out.append(f"#sig:{kind}+now")
                if people:
                    out.append(f"#sig:{kind}+people")
    return out
