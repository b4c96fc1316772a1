"""How long does a broad answer take with the local model, beside a fact answer in the same run? Over a store of the
seed articles, the summary rows of eval/summaries.jsonl (each asked with its own kind) and as many single-fact
rows of eval/questions.jsonl, alternating: time to the first verified line (first token for a fact), the whole
answer, and lines per answer, p50 and p95.

    python bench/broad.py --questions 8
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile, save

from qa.config import Settings
from qa.eval.dataset import load
from qa.service import Service


def timed(service: Service, question: str, kind: str) -> dict:
    started = time.perf_counter()
    answer = service.answer(question, kind=kind)
    total = time.perf_counter() - started
    lines = sum(line.startswith("- ") for line in answer.answer.splitlines())
    return {"kind": kind, "first": answer.timings.get("first_token", total), "total": total, "lines": lines}


def summary(rows: list[dict]) -> dict:
    firsts, totals = [r["first"] for r in rows], [r["total"] for r in rows]
    return {
        "questions": len(rows),
        "first_p50": round(percentile(firsts, 0.5), 2),
        "first_p95": round(percentile(firsts, 0.95), 2),
        "total_p50": round(percentile(totals, 0.5), 2),
        "total_p95": round(percentile(totals, 0.95), 2),
        "lines_p50": percentile([r["lines"] for r in rows], 0.5),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=8, help="broad and fact questions each")
    args = parser.parse_args()
    broad = load(ROOT / "eval" / "summaries.jsonl")[::2][: args.questions]  # every second row: each kind
    facts = [q for q in load(ROOT / "eval" / "questions.jsonl") if q.type == "single"][: args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(Settings(store_path=Path(tmp) / "store", backend="llamacpp", example_questions=0))
        service.ingest([ROOT / "seeds"], show_progress=False)
        service.answer(facts[0].question)  # loads the model: not part of any answer's time
        rows = []
        for b, f in zip(broad, facts):
            rows += [timed(service, b.question, b.kind), timed(service, f.question, "fact")]
    save(
        "broad",
        {
            "broad": summary([r for r in rows if r["kind"] != "fact"]),
            "fact": summary([r for r in rows if r["kind"] == "fact"]),
        },
    )


if __name__ == "__main__":
    main()
