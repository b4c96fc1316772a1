"""Both verification methods from one run: the judge's verdicts as recorded, and what word overlap would
have kept from the same claims (names and numbers are checked first in both). Per half of the question set.

    python bench/verifiers.py eval/runs/llamacpp/report.json eval/questions.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.config import AnswerPolicy
from qa.eval import dataset
from qa.eval.calibrate import at_floor
from qa.eval.metrics import aggregate, contains_any

FIGURES = ("accuracy", "answer_accuracy", "refusal_accuracy", "false_refusal_rate")


def lexical(record: dict, question: dataset.Question, min_overlap: float) -> dict:
    """The record as if each claim were kept on word overlap instead of the judge."""
    if not record.get("verdicts"):
        return record  # refused before verification: the same under both methods
    kept = [
        v["claim"]
        for v in record["verdicts"]
        if not v["reason"].startswith("not in its evidence") and v["overlap"] >= min_overlap
    ]
    answer = " ".join(kept)
    refused = not kept
    correct = refused if not question.answerable else (not refused and contains_any(answer, question.accept))
    return {**record, "refused": refused, "correct": correct, "confidence": 1.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("report", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--floor", type=float, default=None, help="the judge's answer floor (default: the policy's)")
    args = parser.parse_args()
    questions = dataset.load(args.questions)
    by_id, halves = {q.id: q for q in questions}, dataset.split_of(questions)
    records = json.loads(args.report.read_text())["records"]
    policy = AnswerPolicy()
    floor = policy.floor("llamacpp") if args.floor is None else args.floor
    methods = {
        "judge": at_floor(records, floor),
        "lexical": [lexical(r, by_id[r["id"]], policy.min_overlap) for r in records],
    }
    print("| method | half | " + " | ".join(FIGURES) + " |\n|---|---|" + "---|" * len(FIGURES))
    for name, rows in methods.items():
        for half in dataset.SPLITS:
            metrics = aggregate([r for r in rows if halves[r["id"]] == half])
            print(f"| {name} | {half} | " + " | ".join(f"{metrics[f]:.3f}" for f in FIGURES) + " |")


if __name__ == "__main__":
    main()
