"""Does the answer reach the generator? Retrieval and candidate sentences alone (no answering) over a
question set, per half: hit@k (a gold article among the k passages), recall@k, MRR, retrieval latency, and
`in_candidates@n`: an accepted answer string occurs in one of the n best candidate sentences (the ceiling
of what the selector can choose, for each candidate count n).

    QA_STORE_PATH=/work/stores/rtqa python bench/retrieval_quality.py \
        ../shared/corpora/realtimeqa-2024/questions.jsonl --as-of-from-id

`--as-of-from-id` gives each row the quiz date in its id (x20240105_… → 2024-01-05), as the realtimeqa
runs in docs/evaluation.md do. Rows with a date also count `gold_in_week`: a gold article is published within 7
days of it, the ceiling of `qa eval`'s cited_in_week for answers that are right. Settings (QA_TOP_K,
QA_FETCH_K, …) come from the environment as usual.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from common import percentile, save

from qa.answering.candidates import candidates
from qa.config import get_settings
from qa.eval.dataset import load, split_of
from qa.eval.metrics import contains_any, file_name, in_week_of
from qa.retrieval import Filters
from qa.service import Service


def quiz_date(question_id: str) -> str | None:
    found = re.match(r"x(\d{4})(\d{2})(\d{2})", question_id)
    return "-".join(found.groups()) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--as-of-from-id", action="store_true")
    parser.add_argument("--name", default="retrieval_quality")
    parser.add_argument("--candidates", type=int, nargs="+", default=[6, 8, 10, 12])
    args = parser.parse_args()
    service = Service(get_settings())
    questions = [q for q in load(args.questions) if q.sources]
    halves = split_of(load(args.questions))
    dated = {file_name(e["source"]): str(e["published"]) for e in service.store.sources() if e.get("published")}
    per_half: dict[str, dict[str, list[float]]] = {}
    for q in questions:
        as_of = q.as_of or (quiz_date(q.id) if args.as_of_from_id else None)
        started = time.perf_counter()
        passages = service.retriever.retrieve(q.question, filters=Filters(as_of=as_of))
        seconds = time.perf_counter() - started
        ranked = candidates(q.question, passages, service.scorer, max(args.candidates))  # best first
        found = {n: float(contains_any(" ".join(c.sentence for c in ranked[:n]), q.accept)) for n in args.candidates}
        gold = {file_name(s) for s in q.sources}
        got = [file_name(p.source) for p in passages]
        first = next((i for i, s in enumerate(got, start=1) if s in gold), None)
        for half in (halves[q.id], "all"):
            m = per_half.setdefault(half, {"hit": [], "recall": [], "rr": [], "seconds": []})
            for n, value in found.items():
                m.setdefault(f"in_candidates@{n}", []).append(value)
            m["hit"].append(float(first is not None))
            m["recall"].append(len(gold & set(got)) / len(gold))
            m["rr"].append(1 / first if first else 0.0)
            m["seconds"].append(seconds)
            if as_of:
                week = any(in_week_of(dated[g], as_of) for g in gold if g in dated)
                m.setdefault("gold_in_week", []).append(float(week))
    result = {
        half: {
            "questions": len(m["hit"]),
            "hit_at_k": round(statistics.fmean(m["hit"]), 3),
            "recall_at_k": round(statistics.fmean(m["recall"]), 3),
            "mrr": round(statistics.fmean(m["rr"]), 3),
            "p50_ms": round(1000 * percentile(m["seconds"], 0.5), 1),
            **{name: round(statistics.fmean(v), 3) for name, v in m.items() if name.startswith("in_candidates")},
            **({"gold_in_week": round(statistics.fmean(m["gold_in_week"]), 3)} if "gold_in_week" in m else {}),
        }
        for half, m in sorted(per_half.items())
    }
    s = service.settings
    save(args.name, {"chunks": service.store.count(), "top_k": s.top_k, "fetch_k": s.fetch_k, **result})


if __name__ == "__main__":
    main()
