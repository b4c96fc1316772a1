"""How fast and how exact is vector search as the collection grows (1k, 10k, 100k chunks)?

Chroma's HNSW index (with the collection's ef settings) against an exact NumPy dot product over the
same vectors. 1k are real MiniLM embeddings of synthetic chunks; larger sizes add blends of real
vectors (embedding 100k chunks takes an hour on 2 cores); queries are the eval questions.

    python bench/retrieval.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from common import eval_questions, percentile, save, synthetic_articles

from qa.config import Settings
from qa.embeddings import get_embeddings
from qa.ingestion.chunker import chunk_article
from qa.types import Article

TUNED = {"hnsw:space": "cosine", "hnsw:construction_ef": 200, "hnsw:search_ef": 256}  # as qa/store.py
DEFAULT = {"hnsw:space": "cosine"}
K = 10


def real_vectors(n: int) -> np.ndarray:
    texts = [c.text for i, a in enumerate(synthetic_articles(n)) for c in chunk_article(Article(f"{i}", a), 180, 40)]
    return np.asarray(get_embeddings(Settings().embedder).embed_documents(texts[:n]), dtype=np.float32)


def grown(base: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """The real vectors, then blends of three random real vectors (Dirichlet weights) plus a little noise:
    spread like a larger collection on the same topics. (Noisy copies of each real vector instead make
    100 near-ties per vector at 100k, which no approximate index ranks the way exact search does.)"""
    extra = size - min(size, len(base))
    picks = rng.integers(0, len(base), (extra, 3))
    weights = rng.dirichlet([1.0, 1.0, 1.0], extra).astype(np.float32)
    blends = np.einsum("nk,nkd->nd", weights, base[picks]) + rng.normal(0, 0.01, (extra, base.shape[1]))
    vectors = np.vstack([base[:size], blends.astype(np.float32)])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def measure(vectors: np.ndarray, queries: np.ndarray, metadata: dict, label: str) -> dict:
    client = chromadb.PersistentClient(
        path=tempfile.mkdtemp(prefix="qa-bench-hnsw-"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.create_collection("bench", metadata=metadata, embedding_function=None)
    started = time.perf_counter()
    for start in range(0, len(vectors), 5000):
        batch = vectors[start : start + 5000]
        collection.add(ids=[str(i) for i in range(start, start + len(batch))], embeddings=batch)
    insert_s = time.perf_counter() - started
    store_ms, exact_ms, recalls = [], [], []
    for q in queries:
        started = time.perf_counter()
        found = collection.query(query_embeddings=[q], n_results=K)["ids"][0]
        store_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        scores = vectors @ q
        exact = np.argpartition(-scores, K)[:K]
        exact_ms.append((time.perf_counter() - started) * 1000)
        recalls.append(len({int(i) for i in found} & {int(i) for i in exact}) / K)
    return {
        "size": len(vectors),
        "index": label,
        "insert_per_s": round(len(vectors) / insert_s),
        "store_p50_ms": round(percentile(store_ms, 0.5), 2),
        "store_p95_ms": round(percentile(store_ms, 0.95), 2),
        "exact_p50_ms": round(percentile(exact_ms, 0.5), 2),
        "exact_p95_ms": round(percentile(exact_ms, 0.95), 2),
        "recall_at_10": round(float(np.mean(recalls)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    base = real_vectors(1000)
    queries = np.asarray(
        get_embeddings(Settings().embedder).embed_documents(
            eval_questions(("single", "multi", "unanswerable", "conflict"))
        ),
        dtype=np.float32,
    )
    rows = []
    for size in args.sizes:
        vectors = grown(base, size, rng)
        rows.append(measure(vectors, queries, TUNED, "tuned (ef 200/256)"))
        if size <= 10000:  # the default index, for comparison (inserting 100k twice costs minutes)
            rows.append(measure(vectors, queries, DEFAULT, "chroma default"))
    save("retrieval", {"rows": rows, "queries": len(queries)})


if __name__ == "__main__":
    main()
