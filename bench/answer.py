"""How long does an answer take? Extractive warm p50/p95, hybrid retrieval alone, the local LLM's time
to first token and total (p50 over seed questions), cold start of `qa ask` to its answer, peak memory.

    python bench/answer.py --llm-questions 8
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, eval_questions, percentile, save

from qa.config import Settings
from qa.service import Service


def cold_start(store: Path, backend: str, question: str) -> dict:
    """A new process from start to printed answer; ru_maxrss of the child is its peak memory."""
    env = {**os.environ, "QA_STORE_PATH": str(store), "QA_COLLECTION": "bench", "QA_BACKEND": backend}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "qa.cli", "ask", question, "--json"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert result.returncode == 0, result.stderr[-2000:]
    return {"backend": backend, "cold_start_s": round(wall, 1), "peak_rss_mb": round(max(peak, before) / 1024)}


def timed(service: Service, questions: list[str], backend: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"first_token": [], "total": []}
    for question in questions:
        timings = service.answer(question, backend=backend).timings
        out["total"].append(timings["total"])
        out["first_token"].append(timings.get("first_token", timings["total"]))
    return out


def summary(values: list[float]) -> dict:
    return {"p50_s": round(percentile(values, 0.5), 3), "p95_s": round(percentile(values, 0.95), 3), "n": len(values)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-questions", type=int, default=8)
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="qa-bench-answer-"))
    settings = Settings(store_path=store, collection="bench", backend="extractive")
    service = Service(settings)
    service.ensure_seeded(show_progress=False)
    questions = eval_questions()
    cold = [cold_start(store, "extractive", questions[0]), cold_start(store, "llamacpp", questions[0])]
    timed(service, questions, "extractive")  # warm caches
    extractive = timed(service, questions, "extractive")["total"]
    retrieval = []
    for question in questions:
        started = time.perf_counter()
        service.retriever.retrieve(question)
        retrieval.append(time.perf_counter() - started)
    service.answer(questions[-1], backend="llamacpp")  # loads the model; not counted
    llm = timed(service, questions[: args.llm_questions], "llamacpp")
    save("answer", {"extractive": summary(extractive), "hybrid_retrieval": summary(retrieval),
                    "llm_first_token": summary(llm["first_token"]), "llm_total": summary(llm["total"]),
                    "cold_start": cold, "n_threads": settings.n_threads or os.cpu_count()})


if __name__ == "__main__":
    main()
