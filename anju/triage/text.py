"""Text normalisation and character n-grams, shared by training and inference."""

from __future__ import annotations

import re
import unicodedata

NGRAM_MIN = 1
NGRAM_MAX = 3
MAX_CHARS = 2000  # longer texts are cut: a rant does not get more signal after that

_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"([!?！？。.~～、，,])\1+")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, one space, repeated punctuation once."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_CHARS].lower()
    text = _SPACES.sub(" ", text).strip()
    return _REPEATS.sub(r"\1", text)


def ngrams(normalized: str) -> list[str]:
    """Character n-grams (1..3) of an already normalised text, in order."""
    out: list[str] = []
    length = len(normalized)
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        out.extend(normalized[i : i + n] for i in range(length - n + 1))
    return out
