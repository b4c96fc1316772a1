"""Where the answer-sentence model belongs in the answer path, measured without the LLM: for every question of a
set, the candidate sentences as the chain draws them (the local model's passages, its as_of), each with today's
relevance and the model's P(states the answer). Then, per half (dev: fit; test: report):

- ranking: is a sentence that states the answer among the first 4 / 6 / 10 candidates, and first, as the model's
  share of the ranking (AnswerPolicy.answer_weight) goes from 0 (today) to 1;
- refusal: with a floor on the candidates' best P (AnswerPolicy.min_stating), the stated rows refused and the
  unanswerable rows refused, floor by floor.

A sentence states the answer when it holds the row's evidence (the seed set's `evidence`, realtimeqa's reader
sentence of its `states` rows); rows without evidence (rgb-conflicts) count a candidate holding an accepted string.

    python bench/answer_model_replay.py seeds=eval/questions.jsonl@STORE rtqa=QUESTIONS@STORE rgb=QUESTIONS@STORE \\
        --out bench/results/answer_model_replay.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np
from common import ROOT, save  # noqa: F401  (puts the project on sys.path)

from qa.answering.answer_model import answer_model
from qa.answering.candidates import ranked
from qa.answering.scoring import SentenceScorer, fused
from qa.chain import precheck
from qa.config import Settings
from qa.eval.dataset import Question, load, select
from qa.eval.metrics import contains_any, normalise
from qa.retrieval import Filters
from qa.service import Service

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
LIMITS = (4, 6, 10)
FLOORS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def states(question: Question, sentence: str) -> bool:
    if question.evidence:
        wanted, found = normalise(question.evidence), normalise(sentence)
        return wanted in found or found in wanted
    return contains_any(sentence, question.accept + question.accept_other)


def replay(service: Service, question: Question) -> dict:
    filters = Filters(as_of=question.as_of) if question.as_of else Filters()
    passages = service.retriever.retrieve(question.question, k=service.settings.passages("llamacpp"), filters=filters)
    row: dict = {"id": question.id, "type": question.type, "split": question.split, "reader": question.reader}
    if precheck(question.question, passages, service.settings.policy.min_relevance):
        return row | {"prechecked": True}
    scored = service.scorer.score(question.question, passages)
    row["ranks"], row["best_p"] = {}, {}
    for weight in WEIGHTS:
        reranked = [dataclasses.replace(s, score=fused(s.relevance, s.stating or 0.0, weight)) for s in scored]
        found = ranked(reranked, max(LIMITS))
        rank = next((c.id for c in found if states(question, c.sentence)), None)
        row["ranks"][str(weight)] = rank
        row["best_p"][str(weight)] = max((c.stating or 0.0 for c in found), default=0.0)
    return row


def halves(rows: list[dict]) -> dict[str, list[dict]]:
    return {half: [r for r in rows if r["split"] == half] for half in ("dev", "test")}


def ranking_table(rows: list[dict]) -> dict:
    """Share of the rows with a stating sentence anywhere in the passages that have it in the first N."""
    reachable = [r for r in rows if any(v is not None for v in r.get("ranks", {}).values())]
    table: dict = {"rows": len(reachable)}
    for weight in WEIGHTS:
        ranks = [r["ranks"][str(weight)] for r in reachable]
        table[str(weight)] = {
            f"top{n}": round(float(np.mean([x is not None and x <= n for x in ranks])), 3) if ranks else None
            for n in (1, *LIMITS)
        }
    return table


def refusal_table(rows: list[dict], weight: float) -> dict:
    """Per floor: the answerable rows whose answer is stated (stating sentence among the candidates) refused,
    and the unanswerable rows refused (a precheck refusal counts as a refusal at every floor)."""
    stated = [r for r in rows if r["type"] != "unanswerable" and (r.get("ranks") or {}).get(str(weight))]
    if any(r.get("reader") for r in rows):
        stated = [r for r in stated if r.get("reader") == "states"]
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]

    def refused(r: dict, floor: float) -> bool:
        return bool(r.get("prechecked")) or r["best_p"][str(weight)] < floor

    table: dict = {"stated_rows": len(stated), "unanswerable_rows": len(unanswerable)}
    for floor in FLOORS:
        table[str(floor)] = {
            "stated_refused": round(float(np.mean([refused(r, floor) for r in stated])), 3) if stated else None,
            "unanswerable_refused": (
                round(float(np.mean([refused(r, floor) for r in unanswerable])), 3) if unanswerable else None
            ),
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", metavar="NAME=QUESTIONS@STORE")
    parser.add_argument("--weight", type=float, default=0.5, help="the ranking weight the refusal table assumes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "answer_model_replay.json")
    args = parser.parse_args()
    report: dict = {}
    for item in args.sets:
        name, _, spec = item.partition("=")
        questions_file, _, store = spec.partition("@")
        settings = Settings(store_path=Path(store), backend="extractive")
        service = Service(settings)
        service.scorer = SentenceScorer(service.embeddings, settings.policy.semantic_weight, answer_model(), 0.0)
        rows = [replay(service, q) for q in select(load(Path(questions_file)), None) if q.type != "followup"]
        report[name] = {
            "rows": rows,
            **{
                half: {"ranking": ranking_table(part), "refusal": refusal_table(part, args.weight)}
                for half, part in halves(rows).items()
            },
        }
        print(name, json.dumps({h: report[name][h] for h in ("dev", "test")}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
