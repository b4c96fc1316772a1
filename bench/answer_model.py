"""What does the answer-sentence model cost? One question against ~60 sentences (about ten passages' worth), all
scored in one batched call, as the answer path does: p50/p90 over repeated calls after a warm-up, and the cold load
(sha256 check, tokenizer, onnxruntime session).

    python bench/answer_model.py [--sentences 60] [--repeats 40]

The sentences are the seed articles' own (their lengths are real news sentences); the question is written here.
Target (issue 30): p50 ≤ 80 ms for ~60 sentences on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import percentile, save, seed_sentences

from qa.answering.answer_model import FOLDER, AnswerModel

QUESTION = "What did the two delegations discuss at the meeting?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=FOLDER, help="another build of the model to compare")
    parser.add_argument("--name", default="answer_model")
    args = parser.parse_args()
    pool = seed_sentences()
    batch = (pool * (args.sentences // len(pool) + 1))[: args.sentences]
    started = time.perf_counter()
    model = AnswerModel(args.folder, threads=args.threads)
    model.probabilities(QUESTION, batch[:1])
    load_seconds = time.perf_counter() - started
    for _ in range(3):
        model.probabilities(QUESTION, batch)
    seconds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        model.probabilities(QUESTION, batch)
        seconds.append(time.perf_counter() - started)
    words = sum(len(s.split()) for s in batch) / len(batch)
    save(
        args.name,
        {
            "sentences": len(batch),
            "mean_words_per_sentence": round(words, 1),
            "threads": args.threads,
            "repeats": args.repeats,
            "cold_load_s": round(load_seconds, 3),
            "p50_ms": round(1000 * percentile(seconds, 0.5), 1),
            "p90_ms": round(1000 * percentile(seconds, 0.9), 1),
            "weights_sha256": model.sha256,
        },
    )


if __name__ == "__main__":
    main()
