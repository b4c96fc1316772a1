"""The question-kind model (models/question-kind/): P(each kind of answer) from the question's MiniLM vector by a
multinomial logistic regression trained on realtimeqa-train's quiz questions and on questions the local model
wrote per kind for its articles (the folder's README says how; train.py reproduces the weights).

No generator is needed, so it decides for every backend, in a few milliseconds. The weights' sha256 is checked
against the manifest at load; the model is loaded once per process."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.config import PROJECT_ROOT
from qa.errors import QAError

FOLDER = PROJECT_ROOT / "models" / "question-kind"
EMBEDDER = "all-MiniLM-L6-v2-int8"  # the vectors it was trained on, whatever embedder the store uses


class KindModelError(QAError, RuntimeError):
    """The question-kind model's files are missing or altered; the message says what to do."""


class KindModel:
    def __init__(self, folder: Path = FOLDER):
        manifest_path = folder / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            weights_path = folder / manifest["weights"]
            data = weights_path.read_bytes()
        except (OSError, ValueError, KeyError) as exc:
            raise KindModelError(
                f"the question-kind model in {folder} cannot be read ({exc}): restore the folder from the repository "
                "or retrain it (models/question-kind/README.md)"
            ) from exc
        found = hashlib.sha256(data).hexdigest()
        if found != manifest.get("sha256"):
            raise KindModelError(
                f"{weights_path} has sha256 {found[:16]}…, expected {str(manifest.get('sha256'))[:16]}… "
                "(manifest.json): restore it from the repository or retrain it"
            )
        weights = json.loads(data)
        self.classes = list(weights["classes"])
        self.coef = np.asarray(weights["coef"], dtype=np.float64)
        self.intercept = np.asarray(weights["intercept"], dtype=np.float64)
        self.sha256 = found

    def probabilities(self, question: str) -> dict[str, float]:
        from qa.embeddings import get_embeddings

        vector = np.asarray(get_embeddings(EMBEDDER).embed_query(question), dtype=np.float64)
        logits = self.coef @ vector + self.intercept
        exp = np.exp(logits - logits.max())
        return {kind: float(p) for kind, p in zip(self.classes, exp / exp.sum())}


@lru_cache(maxsize=1)
def kind_model(folder: Path = FOLDER) -> KindModel:
    return KindModel(folder)
