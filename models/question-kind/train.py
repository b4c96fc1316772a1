"""Train the question-kind model: multinomial logistic regression on the packaged MiniLM's question vectors
(all-MiniLM-L6-v2-int8, the default embedder: no new network, ~5 ms a question), classes balanced, fixed seed.

Validation on the held-out weeks of build_data.py's output (never trained on); then trained again on all of it
for the shipped weights. Writes weights.json (classes, coefficients, intercepts), manifest.json (sha256 of the
weights, the embedder, the data's provenance and counts, the validation figures, the training time).

    python models/question-kind/train.py --data /work/runs/s14/kind-data/data.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.answering.kind_model import EMBEDDER, FOLDER  # noqa: E402
from qa.answering.kinds import KINDS  # noqa: E402
from qa.embeddings import get_embeddings  # noqa: E402

SEED = 0
C = 1.0  # sklearn's default regularisation; not tuned (nothing to tune it on but the validation weeks)


def fit(vectors: np.ndarray, kinds: list[str]):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=SEED).fit(vectors, kinds)


def figures(model, vectors: np.ndarray, kinds: list[str]) -> dict:
    predicted = model.predict(vectors)
    per_kind = {k: round(float(np.mean(predicted[np.array(kinds) == k] == k)), 4) for k in KINDS if k in kinds}
    facts = np.array(kinds) == "fact"
    return {
        "examples": len(kinds),
        "accuracy": round(float(np.mean(predicted == np.array(kinds))), 4),
        "recall_per_kind": per_kind,
        "facts_kept_fact": round(float(np.mean(predicted[facts] == "fact")), 4),
        "broad_routed_broad": round(float(np.mean(predicted[~facts] != "fact")), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    vectors = np.asarray(get_embeddings(EMBEDDER).embed_documents([r["question"] for r in rows]), dtype=np.float32)
    kinds = [r["kind"] for r in rows]
    train = np.array([r["split"] == "train" for r in rows])
    held = fit(vectors[train], [k for k, t in zip(kinds, train) if t])
    validation = figures(held, vectors[~train], [k for k, t in zip(kinds, train) if not t])
    model = fit(vectors, kinds)
    weights = {
        "classes": [str(c) for c in model.classes_],
        "coef": np.round(model.coef_, 6).tolist(),
        "intercept": np.round(model.intercept_, 6).tolist(),
    }
    path = FOLDER / "weights.json"
    path.write_text(json.dumps(weights))
    manifest = {
        "weights": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "embedder": EMBEDDER,
        "data": {
            "source": "../shared/corpora/realtimeqa-train (weeks 2022-06 to 2023-12): real quiz questions as facts; "
            "questions the packaged Qwen2.5 1.5B wrote for one article lead a week, one per kind (build_data.py)",
            "examples": dict(sorted(Counter(f"{r['split']}:{r['kind']}:{r['origin']}" for r in rows).items())),
        },
        "training": {"C": C, "class_weight": "balanced", "seed": SEED, "seconds": round(time.perf_counter() - started, 1)},
        "validation_held_out_weeks": validation,
    }
    (FOLDER / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
