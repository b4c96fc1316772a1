"""Load on the real HTTP API: requests/s and latency of POST /api/answer at several concurrency levels,
and how the generation queue answers when it is full. Only 127.0.0.1 is targeted; loops are bounded.

    python bench/api_load.py --backend extractive --clients 1 4 16 --requests 48
    python bench/api_load.py --backend llamacpp --clients 1 4 --requests 8
    python bench/api_load.py --backend llamacpp --queue-test 8   # 8 at once against a queue of 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from common import eval_questions, percentile, serve_new_store

from tests.conftest import stop_server


def run_level(url: str, clients: int, total: int, pool: list[str]) -> dict:
    def ask(i: int) -> tuple[float, int, bool]:
        question = pool[i % len(pool)]
        started = time.perf_counter()
        r = httpx.post(f"{url}/api/answer", json={"question": question}, timeout=600)
        mixed = r.status_code == 200 and r.json()["debug"]["standalone_question"] != question
        return time.perf_counter() - started, r.status_code, mixed

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as executor:
        results = list(executor.map(ask, range(total)))
    wall = time.perf_counter() - started
    latencies = [t for t, status, _ in results if status == 200]
    return {
        "clients": clients,
        "requests": total,
        "ok": len(latencies),
        "errors": sum(status != 200 for _, status, _ in results),
        "mixed": sum(m for _, _, m in results),
        "rps": round(len(latencies) / wall, 2),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests", type=int, default=48, help="requests per concurrency level")
    parser.add_argument("--queue-test", type=int, default=0, help="send this many at once to a queue of 2")
    args = parser.parse_args()
    server, url = serve_new_store(args.backend, 2 if args.queue_test else 64, 600, "qa-load-")
    try:
        pool = eval_questions()
        httpx.post(f"{url}/api/answer", json={"question": pool[0]}, timeout=600)  # warm: model load
        if args.queue_test:
            with ThreadPoolExecutor(args.queue_test) as executor:
                statuses = list(
                    executor.map(
                        lambda q: httpx.post(f"{url}/api/answer", json={"question": q}, timeout=600).status_code,
                        pool[: args.queue_test],
                    )
                )
            print(
                json.dumps(
                    {
                        "backend": args.backend,
                        "sent_at_once": args.queue_test,
                        "queue_waiting_max": 2,
                        "statuses": {s: statuses.count(s) for s in set(statuses)},
                    }
                )
            )
            return
        for clients in args.clients:
            print(json.dumps({"backend": args.backend, **run_level(url, clients, args.requests, pool)}), flush=True)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
