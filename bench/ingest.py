"""How fast does ingest go with each embedder, against the raw encode of the same chunk texts?

python bench/ingest.py --sizes 1000                  # synthetic articles made from the seeds
python bench/ingest.py --folder ../shared/corpora/realtimeqa-2024/articles --limit 100
python bench/ingest.py --server                      # also through infinity-emb on 127.0.0.1 (make embed-server)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from common import save, synthetic_articles

from qa.config import Settings
from qa.embeddings import EMBEDDERS, SERVER
from qa.service import Service
from tests.conftest import free_port, start_infinity, stop_server


@contextmanager
def embeddings_server(wanted: bool):
    """The URL of an infinity-emb server serving the packaged MiniLM (None when not wanted)."""
    if not wanted:
        yield None
        return
    port = free_port()
    process = start_infinity(port, Path(tempfile.mkdtemp(prefix="qa-bench-infinity-")) / "infinity.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(process)


def synthetic_folder(size: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-ingest-"))
    for i, text in enumerate(synthetic_articles(size)):
        (folder / f"{i:06d}.txt").write_text(text)
    return folder


def real_folder(source: Path, limit: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-ingest-"))
    for path in sorted(source.iterdir())[:limit]:
        shutil.copy(path, folder / path.name)
    return folder


def measure(articles: Path, corpus: str, embedder: str, url: str | None = None) -> dict:
    store = Path(tempfile.mkdtemp(prefix="qa-bench-store-"))
    server = {"embeddings_url": url} if embedder == SERVER else {}
    settings = Settings(store_path=store, collection="bench", backend="extractive", embedder=embedder, **server)
    service = Service(settings)
    started = time.perf_counter()
    report = service.ingest([articles], show_progress=False)
    pipeline_s = time.perf_counter() - started
    texts = [c.text for c in service.store.all_chunks()]
    started = time.perf_counter()
    service.embeddings.embed_documents(texts)
    raw_s = time.perf_counter() - started
    shutil.rmtree(store, ignore_errors=True)
    return {
        "corpus": corpus,
        "embedder": embedder,
        "chunks": report.added,
        "pipeline_s": round(pipeline_s, 1),
        "raw_encode_s": round(raw_s, 1),
        "pipeline_chunks_per_s": round(report.added / pipeline_s, 1),
        "raw_chunks_per_s": round(len(texts) / raw_s, 1),
        "ratio": round(raw_s / pipeline_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--folder", type=Path, help="real articles to ingest as well (the first --limit files)")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--embedders", nargs="+", default=list(EMBEDDERS))
    parser.add_argument("--server", action="store_true", help="add rows through an embeddings server on 127.0.0.1")
    args = parser.parse_args()
    embedders = args.embedders + [SERVER] * args.server
    corpora = [(synthetic_folder(size), f"synthetic {size}") for size in args.sizes]
    if args.folder:
        corpora.append(
            (real_folder(args.folder, args.limit), f"{args.folder.resolve().parent.name} ({args.limit} files)")
        )
    # embedders interleaved per corpus, so all meet the same machine load (compare the ratio)
    with embeddings_server(args.server) as url:
        rows = [measure(folder, name, e, url) for folder, name in corpora for e in embedders]
    save("ingest", {"rows": rows})


if __name__ == "__main__":
    main()
