"""Soak: many concurrent clients asking, each checking it got its own answer, while the server's
memory is sampled. Only 127.0.0.1 is targeted; loops are bounded.

    python bench/soak.py --backend extractive --clients 20 --questions 10
    python bench/soak.py --backend llamacpp --clients 4 --questions 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, or imported by the tests

from bench.common import eval_questions, serve_new_store
from tests.conftest import stop_server


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def soak(url: str, pid: int, clients: int, per_client: int, questions: list[str]) -> dict:
    """clients × per_client questions; memory sampled after each half. A reply counts as mixed when
    the question it answers (debug.standalone_question) is not the one this client sent."""
    samples: list[float] = []
    stop = threading.Event()

    def sample():
        while not stop.wait(0.25):
            samples.append(rss_mb(pid))

    def client(c: int, rounds: range) -> list[tuple[int, bool, float]]:
        out = []
        with httpx.Client(timeout=900) as http:
            for i in rounds:
                question = questions[(c * per_client + i) % len(questions)]
                started = time.perf_counter()
                r = http.post(f"{url}/api/answer", json={"question": question})
                mixed = r.status_code == 200 and r.json()["debug"]["standalone_question"] != question
                out.append((r.status_code, mixed, time.perf_counter() - started))
        return out

    def half(rounds: range) -> list[tuple[int, bool, float]]:
        with ThreadPoolExecutor(clients) as executor:
            return [x for part in executor.map(lambda c: client(c, rounds), range(clients)) for x in part]

    threading.Thread(target=sample, daemon=True).start()
    started, before = time.perf_counter(), rss_mb(pid)
    first = half(range(per_client // 2))
    middle = rss_mb(pid)
    second = half(range(per_client // 2, per_client))
    end, wall = rss_mb(pid), time.perf_counter() - started
    stop.set()
    results = first + second
    latencies = sorted(t for status, _, t in results if status == 200)
    return {
        "clients": clients,
        "questions_each": per_client,
        "requests": len(results),
        "errors": sum(status != 200 for status, _, _ in results),
        "mixed": sum(m for _, m, _ in results),
        "rps": round(len(latencies) / wall, 2),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "rss_mb": {
            "before": round(before),
            "after_first_half": round(middle),
            "end": round(end),
            "peak": round(max(samples + [end])),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="per client")
    args = parser.parse_args()
    server, url = serve_new_store(args.backend, 64, 900, "qa-soak-")
    try:
        questions = eval_questions(("single", "multi"))
        for question in questions[:3]:  # warm: model load, caches
            httpx.post(f"{url}/api/answer", json={"question": question}, timeout=900)
        print(json.dumps({"backend": args.backend, **soak(url, server.pid, args.clients, args.questions, questions)}))
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
