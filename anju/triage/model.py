"""The shipped linear model: load the weights file and score texts with numpy only.

The file (model/triage_model.npz) holds the sorted n-gram vocabulary, its IDF weights and,
for each field, a weight matrix (features × classes) and intercepts, exported by
`manage.py triage_train`. Scoring is TF-IDF (sublinear tf, l2 norm) · W + b — the same arithmetic as scikit-learn's
TfidfVectorizer + LinearSVC, without it — and a softmax of the margins as confidence.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from .codes import FIELDS
from .features import tokens
from .rules import Cue

MODEL_PATH = Path(__file__).resolve().parent / "model" / "triage_model.npz"
FORMAT_VERSION = 1


class ModelError(Exception):
    """The model file is missing or not of this format."""


class LinearModel:
    """TF-IDF over character 1–3-grams and one linear softmax layer per field."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["format_version"])
                if version != FORMAT_VERSION:
                    raise ModelError(
                        f"model format {version}, expected {FORMAT_VERSION}"
                    )
                vocab = data["vocab"].tobytes().decode("utf-8").split("\n")
                self.idf = data["idf"].astype(np.float64)
                self.boost = data["boost"].astype(np.float64)
                self.weights = data["weights"].astype(np.float64)
                self.intercepts = data["intercepts"].astype(np.float64)
                self.classes = {
                    f: tuple(str(data[f"classes_{f}"]).split("\n")) for f in FIELDS
                }
                self.trained_on = str(data["trained_on"])
                self.temperature = float(data["temperature"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load triage model {path}: {exc}") from exc
        self.index = {gram: i for i, gram in enumerate(vocab)}
        # each field's columns inside the one weight matrix
        self.slices: dict[str, slice] = {}
        start = 0
        for field in FIELDS:
            n = len(self.classes[field])
            self.slices[field] = slice(start, start + n)
            start += n
        if self.weights.shape != (len(vocab), start):
            raise ModelError("weights do not match the vocabulary and classes")

    def features(
        self, normalized: str, cues: list[Cue]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and their l2-normalised TF-IDF values."""
        index = self.index
        found = [
            (index[gram], n)
            for gram, n in Counter(tokens(normalized, cues)).items()
            if gram in index
        ]
        if not found:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        idx = np.fromiter((i for i, _ in found), dtype=np.intp, count=len(found))
        counts = np.fromiter((n for _, n in found), dtype=np.float64, count=len(found))
        tf = 1.0 + np.log(counts)
        values = tf * self.idf[idx]
        norm = float(np.sqrt(values @ values))
        if norm > 0:
            values /= norm
        return idx, values * self.boost[idx]

    def scores(
        self, normalized: str, cues: list[Cue]
    ) -> tuple[
        dict[str, tuple[tuple[str, ...], np.ndarray]], tuple[np.ndarray, np.ndarray]
    ]:
        """For each field: the classes and their confidences (softmax of the margins);
        and the features, to explain the result with `top_tokens` without recomputing."""
        idx, values = self.features(normalized, cues)
        logits = values @ self.weights[idx] + self.intercepts
        out = {}
        for field in FIELDS:
            z = logits[self.slices[field]] * self.temperature
            z = np.exp(z - z.max())
            out[field] = (self.classes[field], z / z.sum())
        return out, (idx, values)

    def top_tokens(
        self, feats: tuple[np.ndarray, np.ndarray], field: str, label: str, k: int = 3
    ) -> list[str]:
        """The tokens (2+ characters) that pushed `field` towards `label` most."""
        idx, values = feats
        if not len(idx):
            return []
        vocab = self._vocab_list()
        col = self.slices[field].start + self.classes[field].index(label)
        contrib = values * self.weights[idx, col]
        order = np.argsort(-contrib, kind="stable")
        out: list[str] = []
        for i in order:
            if contrib[i] <= 0 or len(out) == k:
                break
            token = vocab[idx[i]]
            if len(token) > 1:
                out.append(token)
        return out

    def _vocab_list(self) -> list[str]:
        if not hasattr(self, "_vocab"):
            self._vocab = [""] * len(self.index)
            for gram, i in self.index.items():
                self._vocab[i] = gram
        return self._vocab
