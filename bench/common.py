"""Shared by the bench scripts: a synthetic corpus made from the seed articles, percentiles, results files."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from qa.text import sentences  # noqa: E402

CHUNKS_PER_ARTICLE = 6  # a synthetic article of 40 seed sentences makes about six 180-token chunks


def seed_sentences() -> list[str]:
    found = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        found += [s for s in sentences(path.read_text(encoding="utf-8")) if len(s.split()) >= 6]
    return found


def synthetic_articles(n_chunks: int, seed: int = 0) -> list[str]:
    """Articles of shuffled seed sentences, each stamped with its number so no two are duplicates."""
    rng = random.Random(seed)
    pool = seed_sentences()
    articles = []
    for i in range(max(1, n_chunks // CHUNKS_PER_ARTICLE)):
        body = " ".join(rng.sample(pool, min(40, len(pool))))
        articles.append(f"Synthetic dispatch number {i}\n\nDispatch {i}. {body}\n")
    return articles


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1))
    print(json.dumps(data), flush=True)
    return path


def serve_new_store(backend: str, max_waiting: int, queue_timeout: int, prefix: str):
    """`qa serve` on a free local port over a new store (seeded as it starts): (the server process, its URL).
    Stop it with tests.conftest.stop_server."""
    from tests.conftest import free_port, start_server

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "QA_STORE_PATH": str(tmp / "store"),
        "QA_BACKEND": backend,
        "QA_QUEUE_MAX_WAITING": str(max_waiting),
        "QA_QUEUE_TIMEOUT": str(queue_timeout),
    }
    command = [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)]
    return start_server(command, f"{url}/readyz", tmp / "server.log", env=env, timeout=300), url


def eval_questions(kinds: tuple[str, ...] = ("single",)) -> list[str]:
    from qa.eval.dataset import load

    return [q.question for q in load(ROOT / "eval" / "questions.jsonl") if q.type in kinds]
