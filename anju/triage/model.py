"""The shipped linear models: load the weights file and score texts with numpy only.

The file (model/triage_model.npz) holds, exported by `manage.py triage_train`:
* the field model: the sorted token vocabulary, its IDF weights and, for each field, a
  weight matrix (features × classes) and intercepts;
* the emergency detector (`det_*`): its own vocabulary, IDF weights, one weight vector,
  an intercept and the decision threshold chosen on out-of-fold scores.
Scoring is TF-IDF (sublinear tf, l2 norm) · W + b — the same arithmetic as
scikit-learn's TfidfVectorizer + LinearSVC, without it — and a softmax of the margins as
confidence. Both models read the same token list (features.tokens); each keeps the
tokens it was trained on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .codes import FIELDS
from .features import tokens
from .rules import Cue

MODEL_PATH = Path(__file__).resolve().parent / "model" / "triage_model.npz"
FORMAT_VERSION = 2

# per text: {field: (classes, confidences)}, (feature indices, values), detector margin
Scored = tuple[
    dict[str, tuple[tuple[str, ...], np.ndarray]],
    tuple[np.ndarray, np.ndarray],
    float,
]


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
                det_vocab = data["det_vocab"].tobytes().decode("utf-8").split("\n")
                self.det_idf = data["det_idf"].astype(np.float64)
                self.det_boost = data["det_boost"].astype(np.float64)
                self.det_weights = data["det_weights"].astype(np.float64)
                self.det_intercept = float(data["det_intercept"])
                self.det_threshold = float(data["det_threshold"])
                self.det_trained_on = str(data["det_trained_on"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load triage model {path}: {exc}") from exc
        self.index = {gram: i for i, gram in enumerate(vocab)}
        self.det_index = {gram: i for i, gram in enumerate(det_vocab)}
        if self.det_weights.shape != (len(det_vocab),):
            raise ModelError("detector weights do not match its vocabulary")
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
        """Feature indices (sorted) and their l2-normalised TF-IDF values."""
        return _tfidf(tokens(normalized, cues), self.index, self.idf, self.boost)

    def emergency_score(self, toks: list[str]) -> float:
        """The detector's margin (emergency when above `det_threshold`)."""
        idx, values = _tfidf(toks, self.det_index, self.det_idf, self.det_boost)
        return float(values @ self.det_weights[idx]) + self.det_intercept

    def _softmax(self, logits: np.ndarray) -> dict[str, np.ndarray]:
        """Per field, the softmax of the margins along the last axis."""
        out = {}
        for field in FIELDS:
            z = logits[..., self.slices[field]] * self.temperature
            z = np.exp(z - z.max(axis=-1, keepdims=True))
            out[field] = z / z.sum(axis=-1, keepdims=True)
        return out

    def scores(self, normalized: str, cues: list[Cue]) -> Scored:
        """For each field: the classes and their confidences (softmax of the margins);
        the features, to explain the result with `top_tokens` without recomputing; and
        the emergency detector's margin."""
        return self.scores_many([(normalized, cues)])[0]

    def scores_many(self, items: list[tuple[str, list[Cue]]]) -> list[Scored]:
        """`scores` for many texts with one gather and one product for the batch."""
        feats = []
        emergency = []
        for normalized, cues in items:
            toks = tokens(normalized, cues)  # once, for both models
            feats.append(_tfidf(toks, self.index, self.idf, self.boost))
            emergency.append(self.emergency_score(toks))
        if not feats:
            return []
        if len(feats) == 1:  # one text: the same row-by-row sum, less bookkeeping
            idx, values = feats[0]
            logits = (values[:, None] * self.weights[idx]).sum(axis=0) + self.intercepts
            probs = self._softmax(logits)
            return [
                (
                    {f: (self.classes[f], probs[f]) for f in FIELDS},
                    feats[0],
                    emergency[0],
                )
            ]
        logits = np.tile(self.intercepts, (len(feats), 1))
        lengths = np.array([len(idx) for idx, _ in feats], dtype=np.intp)
        rows = np.flatnonzero(lengths)
        if len(rows):
            idx = np.concatenate([feats[n][0] for n in rows])
            values = np.concatenate([feats[n][1] for n in rows])
            starts = np.concatenate(([0], np.cumsum(lengths[rows])[:-1]))
            # the margins of the whole batch: one gather, one product, one sum per row
            # (the same arithmetic for one text as for many: identical answers)
            logits[rows] += np.add.reduceat(
                values[:, None] * self.weights[idx], starts, axis=0
            )
        probs = self._softmax(logits)
        return [
            (
                {f: (self.classes[f], probs[f][n]) for f in FIELDS},
                feats[n],
                emergency[n],
            )
            for n in range(len(feats))
        ]

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

    def detector_top_tokens(
        self, normalized: str, cues: list[Cue], k: int = 3
    ) -> list[str]:
        """The n-grams (2+ characters) that pushed the detector towards emergency most."""
        idx, values = _tfidf(
            tokens(normalized, cues), self.det_index, self.det_idf, self.det_boost
        )
        if not hasattr(self, "_det_vocab"):
            self._det_vocab = [""] * len(self.det_index)
            for gram, i in self.det_index.items():
                self._det_vocab[i] = gram
        contrib = values * self.det_weights[idx]
        out: list[str] = []
        for i in np.argsort(-contrib, kind="stable"):
            if contrib[i] <= 0 or len(out) == k:
                break
            token = self._det_vocab[idx[i]]
            if len(token) > 1 and not token.startswith("#"):
                out.append(token)
        return out

    def _vocab_list(self) -> list[str]:
        if not hasattr(self, "_vocab"):
            self._vocab = [""] * len(self.index)
            for gram, i in self.index.items():
                self._vocab[i] = gram
        return self._vocab


def _tfidf(
    toks: list[str], index: dict[str, int], idf: np.ndarray, boost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (sorted) of the known tokens and their l2-normalised TF-IDF values."""
    get = index.get
    ids = [i for i in map(get, toks) if i is not None]
    if not ids:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    idx, counts = np.unique(np.array(ids, dtype=np.intp), return_counts=True)
    values = (1.0 + np.log(counts)) * idf[idx]
    norm = float(np.sqrt(values @ values))
    if norm > 0:
        values /= norm
    return idx, values * boost[idx]
