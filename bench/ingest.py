"""How fast does ingest go, against the raw sentence-transformers encode of the same chunk texts?

    python bench/ingest.py --sizes 1000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import save, synthetic_articles

from qa.config import Settings
from qa.service import Service


def measure(size: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-ingest-"))
    (folder / "articles").mkdir()
    for i, text in enumerate(synthetic_articles(size)):
        (folder / "articles" / f"{i:06d}.txt").write_text(text)
    service = Service(Settings(store_path=folder / "store", collection="bench", backend="extractive"))
    started = time.perf_counter()
    report = service.ingest([folder / "articles"], show_progress=False)
    pipeline_s = time.perf_counter() - started
    texts = [c.text for c in service.store.all_chunks()]
    model = service.embeddings._client  # noqa: SLF001 (the SentenceTransformer inside the LangChain wrapper)
    started = time.perf_counter()
    model.encode(texts, batch_size=32, normalize_embeddings=True)
    raw_s = time.perf_counter() - started
    return {"chunks": report.added, "pipeline_s": round(pipeline_s, 1), "raw_encode_s": round(raw_s, 1),
            "pipeline_chunks_per_s": round(report.added / pipeline_s, 1),
            "raw_chunks_per_s": round(len(texts) / raw_s, 1), "ratio": round(raw_s / pipeline_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    args = parser.parse_args()
    save("ingest", {"rows": [measure(size) for size in args.sizes]})


if __name__ == "__main__":
    main()
