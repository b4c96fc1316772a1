"""The answer-sentence model: P(this sentence states the answer to this question), for a question's candidates.

A MiniLM-L6 cross-encoder trained on real news-quiz questions (../shared/corpora/realtimeqa-train), shipped in
models/answer-sentence/ with the scripts that rebuild it and its model card (README.md there). It reads the question
and one sentence together and returns one logit; a Platt mapping fitted on held-out training weeks turns the logit
into a probability. The ONNX file runs in onnxruntime on the CPU (no torch), its word pieces come from the
`tokenizers` library reading the folder's tokenizer.json, and its sha256 is checked against the folder's
manifest.json when it is loaded (once per process: `answer_model()`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import PROJECT_ROOT
from qa.errors import QAError

FOLDER = PROJECT_ROOT / "models" / "answer-sentence"
MANIFEST = "manifest.json"
_REBUILD = "models/answer-sentence/README.md says how to rebuild it"


class AnswerModelError(QAError, RuntimeError):
    """The answer-sentence model's files are missing or damaged; the message says what to do."""


@dataclass(frozen=True)
class Calibration:
    """Platt scaling: P = 1 / (1 + exp(-(slope * logit + intercept)))."""

    slope: float = 1.0
    intercept: float = 0.0

    def __call__(self, logits: np.ndarray) -> np.ndarray:
        z = np.clip(self.slope * logits.astype(np.float64) + self.intercept, -40.0, 40.0)
        return 1.0 / (1.0 + np.exp(-z))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise AnswerModelError(f"{path} is missing: restore models/answer-sentence/ from the repository ({_REBUILD})")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AnswerModelError(f"{path} is not valid JSON ({exc}): restore it from the repository") from exc
    if not isinstance(manifest, dict) or not {"weights", "sha256"} <= manifest.keys():
        raise AnswerModelError(f"{path} does not name the weights and their sha256: restore it from the repository")
    return manifest


class AnswerModel:
    """onnxruntime sessions over the folder's weights, checked against the manifest's sha256 at load."""

    def __init__(self, folder: Path = FOLDER, threads: int = 2):
        """`threads`: lanes (single-thread onnxruntime sessions) scoring pairs in parallel; one per core."""
        self.folder = Path(folder)
        manifest = read_manifest(self.folder)
        self.weights = self.folder / manifest["weights"]
        if not self.weights.exists():
            raise AnswerModelError(
                f"{self.weights} is missing: restore it from the repository (git checkout -- {self.weights.name}, "
                f"or git lfs pull where the repository keeps it there); {_REBUILD}"
            )
        found = sha256_of(self.weights)
        if found != manifest["sha256"]:
            raise AnswerModelError(
                f"{self.weights} has sha256 {found[:16]}…, expected {manifest['sha256'][:16]}… (manifest.json): "
                f"the file is damaged or not the model the manifest describes. Restore both from the repository "
                f"(git checkout -- models/answer-sentence/); {_REBUILD}"
            )
        self.max_length = int(manifest.get("max_length", 128))
        calibration = manifest.get("calibration") or {}
        self.calibration = Calibration(float(calibration.get("slope", 1.0)), float(calibration.get("intercept", 0.0)))
        self.threads = threads
        self.sha256 = found

    @cached_property
    def tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        path = self.folder / "tokenizer.json"
        if not path.exists():
            raise AnswerModelError(f"{path} is missing: restore it from the repository ({_REBUILD})")
        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        tokenizer.no_padding()  # one pair per call needs none
        return tokenizer

    @cached_property
    def sessions(self) -> list[Any]:
        """One single-thread session per lane: pairs are scored one per call, the lanes in parallel."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        path = str(self.weights)
        return [
            onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"]) for _ in range(self.threads)
        ]

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="answer-model")

    def logits(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        """The model's raw scores, one per sentence. All pairs are tokenized in one call, then each pair runs
        alone (no padding) on one of the single-thread lanes: a sentence's score never depends on the sentences
        scored with it (int8 activations are scaled per call: batched, a score moved by up to 0.075 with its
        batchmates), and on 2 cores this ran faster than one padded batch (models/answer-sentence/README.md)."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(question, s) for s in sentences])
        inputs = {i.name for i in self.sessions[0].get_inputs()}
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        lanes = [order[lane :: len(self.sessions)] for lane in range(len(self.sessions))]  # balanced by length
        logits = np.zeros(len(encodings), dtype=np.float32)

        def run(lane: int) -> None:
            session = self.sessions[lane]
            for i in lanes[lane]:
                e = encodings[i]
                feed = {
                    "input_ids": np.array([e.ids], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask], dtype=np.int64),
                    "token_type_ids": np.array([e.type_ids], dtype=np.int64),
                }
                (out,) = session.run(["logits"], {k: v for k, v in feed.items() if k in inputs})
                logits[i] = float(np.asarray(out).reshape(-1)[0])

        list(self.pool.map(run, range(len(self.sessions))))
        return logits

    def probabilities(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        """Calibrated P(the sentence states the answer to the question), in [0, 1], one per sentence."""
        return self.calibration(self.logits(question, sentences))


@lru_cache(maxsize=4)
def answer_model(folder: Path = FOLDER) -> AnswerModel:
    """The model of `folder`, loaded once per process."""
    return AnswerModel(folder)
