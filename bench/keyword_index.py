"""What a watch round that adds ten articles costs the keyword (BM25) index at 100,000 stored chunks: the
index updated in place (only the new chunks read and tokenized) against the full rebuild every ingest paid
before (every chunk read from the store, tokenized and indexed again by bm25s), and a query on each.

python bench/keyword_index.py --chunks 100000

The 100k chunks are seed sentences stored with random unit vectors (the keyword index reads only text and
metadata; vector search at this size is measured by bench/retrieval.py). The ten articles are ingested for
real: chunked, embedded with the default embedder, written.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from common import percentile, save, seed_sentences

from qa import retrieval
from qa.config import Settings
from qa.retrieval import KeywordIndex, _keyword_text
from qa.service import Service

QUERIES = ["Who led the Russian delegation?", "NATO-Russia Council in Brussels", "troops near the Ukraine border"]
PUBLISHERS = ["Reuters", "AP", "BBC", "NHK", "DW"]


def fill(service: Service, n: int) -> None:
    """n chunks of shuffled seed sentences, 6 to an article, written straight to the collection."""
    rng = random.Random(0)
    pool = seed_sentences()
    batch = 5000
    for start in range(0, n, batch):
        ids, texts, metas = [], [], []
        for i in range(start, min(n, start + batch)):
            article = i // 6
            ids.append(f"bench-{i}")
            texts.append(" ".join(rng.sample(pool, 6)) + f" Dispatch {article}.")
            metas.append(
                {
                    "source": f"bench/{article}.txt",
                    "title": f"Dispatch {article}",
                    "publisher": PUBLISHERS[article % 5],
                    "published": f"2025-{1 + article % 12:02d}-{1 + article % 28:02d}",
                    "chunk": i % 6,
                    "chunks": 6,
                }
            )
        vectors = np.random.default_rng(start).normal(size=(len(ids), service.embeddings.dimension))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        service.store.collection.add(ids=ids, embeddings=vectors.astype(np.float32), documents=texts, metadatas=metas)


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def ten_articles(folder: Path, offset: int) -> list[Path]:
    paths = []
    for i in range(offset, offset + 10):
        path = folder / f"new-{i}.txt"
        body = " ".join(random.Random(i).sample(seed_sentences(), 30))
        path.write_text(
            f"Harbour pilots strike at port {i} of Quellmark\n\nPilots of Quellmark port {i} struck. {body}\n"
        )
        paths.append(path)
    return paths


def query_ms(search) -> float:
    times = []
    for _ in range(5):
        for query in QUERIES:
            _, seconds = timed(lambda q=query: search(q))
            times.append(seconds)
    return round(percentile(times, 0.5) * 1000, 2)


def old_rebuild(service: Service) -> tuple[object, float, float]:
    """What every ingest paid before: all chunks read, tokenized and indexed by bm25s (then one query)."""
    chunks, read_s = timed(service.store.all_chunks)

    def build():
        tokenizer = bm25s.tokenization.Tokenizer(stopwords="en", stemmer=Stemmer.Stemmer("english"))
        bm25 = bm25s.BM25()
        bm25.index(tokenizer.tokenize([_keyword_text(c) for c in chunks], show_progress=False), show_progress=False)
        return tokenizer, bm25

    (tokenizer, bm25), build_s = timed(build)

    def search(query: str):
        tokens = tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        return bm25.retrieve(tokens, k=60, show_progress=False, n_threads=1)

    return search, read_s, build_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="reuse the store of an earlier run (its folder/store)")
    args = parser.parse_args()
    folder = args.store.parent if args.store else Path(tempfile.mkdtemp(prefix="qa-bench-keyword-"))
    settings = Settings(store_path=folder / "store", collection="bench", backend="extractive", example_questions=0)
    service = Service(settings)
    _, fill_s = timed(lambda: 0 if args.store else fill(service, args.chunks))
    old_search, read_s, bm25s_s = old_rebuild(service)
    old_query = query_ms(old_search)
    _, first_build_s = timed(lambda: service.retriever.keyword)  # the first query after start builds it once
    replica = Service(settings)  # another replica on the same store, its index built before the round
    assert len(replica.retriever.keyword) == service.store.count()
    refresh = service.retriever.refresh
    refresh_s: list[float] = []

    def counted(*a, **kw):
        _, seconds = timed(lambda: refresh(*a, **kw))
        refresh_s.append(seconds)

    service.retriever.refresh = counted  # type: ignore[method-assign]
    report, round_s = timed(lambda: service.ingest(ten_articles(folder, service.store.count()), show_progress=False))
    retrieval.SYNC_SECONDS = 0.0  # the replica's next question: it catches up now
    _, replica_s = timed(lambda: replica.retriever.keyword)
    assert len(replica.retriever.keyword) == service.store.count()
    hits = service.retriever.keyword.search("Quellmark pilots strike", 10)
    assert hits and all(c.metadata["source"].endswith(".txt") and "new-" in c.metadata["source"] for c, _ in hits[:5])
    new_query = query_ms(lambda q: service.retriever.keyword.search(q, 60))
    data = {
        "chunks": service.store.count(),
        "fill_s": round(fill_s, 1),
        "round_articles": 10,
        "round_chunks": report.added,
        "round_s": round(round_s, 2),
        "index_update_s": round(sum(refresh_s), 3),
        "replica_catch_up_s": round(replica_s, 3),
        "old_rebuild_read_s": round(read_s, 2),
        "old_rebuild_index_s": round(bm25s_s, 2),
        "old_rebuild_s": round(read_s + bm25s_s, 2),
        "first_build_s": round(first_build_s, 2),
        "old_query_ms": old_query,
        "new_query_ms": new_query,
        "keyword_index_class": KeywordIndex.__name__,
    }
    save("keyword_index", data)


if __name__ == "__main__":
    main()
