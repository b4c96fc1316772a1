"""How well and how fast does the generator choose evidence? The selection step alone over a question set,
per half: how often a chosen sentence holds an accepted answer (answerable rows), how often nothing is
chosen (unanswerable rows), the prompt tokens read, and the time to the chosen ids.

    QA_STORE_PATH=/work/stores/seeds python bench/selection.py eval/questions.jsonl --split dev

Cheaper than `qa eval` with the local model (no writing, no judging): a proxy for comparing prompts and
candidate counts on the dev half before a full evaluation.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from common import percentile, save

from qa.answering.candidates import candidates
from qa.config import get_settings
from qa.eval.dataset import load, select
from qa.eval.metrics import contains_any
from qa.service import Service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    parser.add_argument("--backend", default="llamacpp")
    parser.add_argument("--name", default="selection")
    args = parser.parse_args()
    service = Service(get_settings())
    generator = service.generator(args.backend)
    chose_answer, chose_none, seconds, rows = [], [], [], []
    for q in select(load(args.questions), args.split):
        if q.history:
            continue  # follow-ups need the condense step; the selection is the same after it
        found = candidates(
            q.question, service.retriever.retrieve(q.question), service.scorer, service.settings.policy.candidates
        )
        started = time.perf_counter()
        selection = generator.select(q.question, found)
        seconds.append(time.perf_counter() - started)
        chosen = " ".join(c.sentence for c in selection.chosen(found))
        if q.answerable:
            chose_answer.append(float(contains_any(chosen, q.accept)))
        else:
            chose_none.append(float(not selection.ids))
        rows.append({"id": q.id, "ids": list(selection.ids), "confidence": selection.confidence})
    save(
        args.name,
        {
            "split": args.split,
            "candidates": service.settings.policy.candidates,
            "answerable": len(chose_answer),
            "chose_answer": round(statistics.fmean(chose_answer), 3) if chose_answer else None,
            "unanswerable": len(chose_none),
            "chose_none": round(statistics.fmean(chose_none), 3) if chose_none else None,
            "select_p50_s": round(percentile(seconds, 0.5), 2),
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
