"""How long does an answer take? Per embedder: cold start of `qa ask` to its answer (extractive and the
local LLM), query embedding p50, what the ask path imports; then extractive warm p50/p95, hybrid retrieval
alone, the local LLM's time to first token and total (p50 over seed questions), and the peak memory of
`qa serve` after answering with both backends.

    python bench/answer.py --llm-questions 8
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import ROOT, eval_questions, percentile, save

from qa.config import Settings
from qa.embeddings import EMBEDDERS, get_embeddings
from qa.service import Service
from tests.conftest import free_port, start_server, stop_server

HEAVY = ("torch", "sentence_transformers", "transformers", "gradio", "llama_cpp")


def env_for(store: Path, embedder: str, backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "QA_STORE_PATH": str(store),
        "QA_COLLECTION": "bench",
        "QA_BACKEND": backend,
        "QA_EMBEDDER": embedder,
    }


def cold_start(store: Path, embedder: str, backend: str, question: str) -> dict:
    """A new process from start to printed answer, and its peak resident memory: the child's own VmHWM,
    polled (ru_maxrss of children counts the parent's pages a forked child starts with)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ask", question, "--json"],
        env=env_for(store, embedder, backend),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak_kb = 0
    while child.poll() is None:
        peak_kb = max(peak_kb, _hwm_kb(child.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    assert child.returncode == 0, (child.stderr.read() if child.stderr else "")[-2000:]
    return {
        "embedder": embedder,
        "backend": backend,
        "cold_start_s": round(wall, 1),
        "peak_rss_mb": round(peak_kb / 1024),
    }


def _hwm_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # the child has just exited
        return 0
    return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)


def heavy_imports(store: Path, embedder: str, question: str) -> list[str]:
    """The heavy libraries `qa ask --backend extractive` imports (python -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qa.cli", "ask", question, "--json"],
        env=env_for(store, embedder, "extractive"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "import time:" in line}
    return [name for name in HEAVY if name in loaded]


def query_embedding(embedder: str, questions: list[str]) -> dict:
    model = get_embeddings(embedder)
    model.embed_query(questions[0])  # loads the model
    times = []
    for question in questions:
        started = time.perf_counter()
        model.embed_query(question)
        times.append(time.perf_counter() - started)
    return {
        "embedder": embedder,
        "p50_ms": round(1000 * percentile(times, 0.5), 2),
        "p95_ms": round(1000 * percentile(times, 0.95), 2),
        "n": len(times),
    }


def serve_peak_rss(store: Path, embedder: str, questions: list[str]) -> dict:
    """`qa serve` after one extractive and one local-model answer: peak resident memory (VmHWM)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(
        [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)],
        f"{url}/readyz",
        store.parent / f"serve-{embedder}.log",
        env=env_for(store, embedder, "extractive"),
        timeout=300,
    )
    try:
        for backend in ("extractive", "llamacpp"):
            httpx.post(f"{url}/api/answer", json={"question": questions[0], "backend": backend}, timeout=600)
        peak_kb = _hwm_kb(server.pid)
    finally:
        stop_server(server)
    return {"embedder": embedder, "serve_peak_rss_mb": round(peak_kb / 1024)}


def timed(service: Service, questions: list[str], backend: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"sources": [], "first_token": [], "total": []}
    for question in questions:
        timings = service.answer(question, backend=backend).timings
        out["total"].append(timings["total"])
        out["first_token"].append(timings.get("first_token", timings["total"]))
        out["sources"].append(timings.get("evidence", timings["total"]))  # the sources panel fills here
    return out


def summary(values: list[float]) -> dict:
    return {"p50_s": round(percentile(values, 0.5), 3), "p95_s": round(percentile(values, 0.95), 3), "n": len(values)}


def seeded_store(embedder: str) -> Path:
    store = Path(tempfile.mkdtemp(prefix=f"qa-bench-answer-{embedder}-")) / "store"
    Service(Settings(store_path=store, collection="bench", backend="extractive", embedder=embedder)).ensure_seeded(
        show_progress=False
    )
    return store


def per_embedder(questions: list[str]) -> dict:
    stores = {embedder: seeded_store(embedder) for embedder in EMBEDDERS}
    cold = [cold_start(stores[e], e, b, questions[0]) for b in ("extractive", "llamacpp") for e in EMBEDDERS]
    return {
        "cold_start": cold,
        "imports": [{"embedder": e, "heavy": heavy_imports(stores[e], e, questions[0])} for e in EMBEDDERS],
        "query_embedding": [query_embedding(e, questions) for e in EMBEDDERS],
        "serve": [serve_peak_rss(stores[e], e, questions) for e in EMBEDDERS],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-questions", type=int, default=8)
    args = parser.parse_args()
    questions = eval_questions()
    compared = per_embedder(questions)
    settings = Settings(store_path=seeded_store(Settings().embedder), collection="bench", backend="extractive")
    service = Service(settings)
    timed(service, questions, "extractive")  # warm caches
    extractive = timed(service, questions, "extractive")
    retrieval = []
    for question in questions:
        started = time.perf_counter()
        service.retriever.retrieve(question)
        retrieval.append(time.perf_counter() - started)
    service.answer(questions[-1], backend="llamacpp")  # loads the model; not counted
    llm = timed(service, questions[: args.llm_questions], "llamacpp")
    save(
        "answer",
        {
            "embedder": settings.embedder,
            "extractive": summary(extractive["total"]),
            "first_sources": summary(llm["sources"]),
            "hybrid_retrieval": summary(retrieval),
            "llm_first_token": summary(llm["first_token"]),
            "llm_total": summary(llm["total"]),
            "n_threads": settings.n_threads or os.cpu_count(),
            **compared,
        },
    )


if __name__ == "__main__":
    main()
