"""Train the shipped model from the corpus (needs scikit-learn; run time does not).

`manage.py triage_train` calls `train()`: same corpus → byte-identical model file
(sorted vocabulary, fixed random_state, fixed zip timestamps).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from .codes import FIELDS
from .features import tokens
from .model import FORMAT_VERSION, MODEL_PATH
from .rules import find_cues
from .text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_PATH = DATA_DIR / "corpus.jsonl"
FRESH_PATH = DATA_DIR / "fresh.jsonl"

# Chosen by 5-fold cross-validation on the train split only (see docs/triage.md).
C = 1.0
MIN_DF = 2
TEMPERATURE = 4.0
# Keyword-list and rule-cue tokens ("#…") weigh this much more than one n-gram.
TOKEN_BOOST = 3.0


def load_rows(path: Path = CORPUS_PATH, split: str | None = None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if split is None or row.get("split") == split:
                    rows.append(row)
    return rows


def featurize(text: str) -> list[str]:
    normalized = normalize(text)
    return tokens(normalized, find_cues(normalized))


def _identity(doc: list[str]) -> list[str]:
    return doc


def boost_vector(vectorizer, boost: float) -> np.ndarray:
    names = vectorizer.get_feature_names_out()
    return np.where([n.startswith("#") for n in names], boost, 1.0)


def transform(vectorizer, docs: list[list[str]], boost: float):
    from scipy.sparse import diags

    return vectorizer.transform(docs) @ diags(boost_vector(vectorizer, boost))


def fit(
    rows: list[dict], *, c: float = C, min_df: int = MIN_DF, boost: float = TOKEN_BOOST
):
    """Fit the vectorizer and one LinearSVC per field; return (vectorizer, models)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    docs = [featurize(r["text"]) for r in rows]
    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=min_df, dtype=np.float64
    )
    vectorizer.fit(docs)
    matrix = transform(vectorizer, docs, boost)
    models = {}
    for field in FIELDS:
        clf = LinearSVC(C=c, random_state=0, max_iter=20000)
        clf.fit(matrix, [r[field] for r in rows])
        models[field] = clf
    return vectorizer, models


def export(vectorizer, models, *, path: Path, trained_on: str) -> None:
    """Write the numpy-only model file with fixed zip metadata (reproducible bytes)."""
    vocab = vectorizer.get_feature_names_out()
    weights = np.hstack([models[f].coef_.T for f in FIELDS]).astype(np.float32)
    intercepts = np.concatenate([models[f].intercept_ for f in FIELDS]).astype(
        np.float32
    )
    arrays = {
        "format_version": np.array(FORMAT_VERSION),
        "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        "idf": vectorizer.idf_.astype(np.float32),
        "weights": weights,
        "intercepts": intercepts,
        "temperature": np.array(TEMPERATURE),
        "boost": boost_vector(vectorizer, TOKEN_BOOST).astype(np.float32),
        "trained_on": np.array(trained_on),
    }
    for field in FIELDS:
        arrays[f"classes_{field}"] = np.array("\n".join(models[field].classes_))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0))
            zf.writestr(info, buf.getvalue())


def corpus_digest(rows: list[dict]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(
            json.dumps(
                [r["text"], *(r[f] for f in FIELDS)], ensure_ascii=False
            ).encode()
        )
    return h.hexdigest()[:16]


def train(
    corpus: Path = CORPUS_PATH, out: Path = MODEL_PATH, *, split: str = "train"
) -> dict:
    """Train on `split` of the corpus and write the model file; return a summary."""
    rows = load_rows(corpus, split=split if split != "all" else None)
    vectorizer, models = fit(rows)
    export(vectorizer, models, path=out, trained_on=f"{split}:{corpus_digest(rows)}")
    return {
        "rows": len(rows),
        "features": len(vectorizer.get_feature_names_out()),
        "path": str(out),
        "bytes": out.stat().st_size,
    }


def cross_validate(
    rows: list[dict], *, c: float = C, boost: float = TOKEN_BOOST, folds: int = 5
) -> dict[str, float]:
    """Mean per-field accuracy of the plain model over k folds of `rows` (for tuning)."""
    from sklearn.model_selection import KFold

    correct = dict.fromkeys(FIELDS, 0)
    kf = KFold(folds, shuffle=True, random_state=0)
    for train_idx, test_idx in kf.split(rows):
        vectorizer, models = fit([rows[i] for i in train_idx], c=c, boost=boost)
        test = [rows[i] for i in test_idx]
        matrix = transform(vectorizer, [featurize(r["text"]) for r in test], boost)
        for field in FIELDS:
            pred = models[field].predict(matrix)
            correct[field] += sum(
                p == r[field] for p, r in zip(pred, test, strict=True)
            )
    return {f: correct[f] / len(rows) for f in FIELDS}
