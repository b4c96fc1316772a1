"""The Chroma collection: embedded on disk or a Chroma server, guarded against mixed embedders."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from qa.config import Settings
from qa.embeddings import EMBEDDERS, Embedder
from qa.errors import QAError
from qa.types import Chunk

READ_PAGE = 5000  # chunks read at once when reading them all (measured to work at 100k; one get of all failed)


def source_id(source: str) -> str:
    """A short stable id for an article, safe in URLs."""
    return hashlib.sha1(source.encode()).hexdigest()[:12]


class StoreError(QAError, RuntimeError):
    """The store cannot be used as configured; the message says what to do."""


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]


def rows(found: Any) -> list[StoredChunk]:
    """A Chroma get() result as chunks (fields not asked for come back empty)."""
    ids = found["ids"]
    documents = found.get("documents") or [""] * len(ids)
    metadatas = found.get("metadatas") or [{}] * len(ids)
    return [StoredChunk(i, d or "", dict(m or {})) for i, d, m in zip(ids, documents, metadatas)]


def _client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for an unreachable server
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
    settings.store_path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.store_path), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(
            f"the store at {settings.store_path} cannot be opened ({exc}); "
            "run `qa ingest --rebuild` to build it again from your articles"
        ) from exc


def with_store_embedder(settings: Settings) -> Settings:
    """The settings with the embedder that built the existing collection, unless QA_EMBEDDER names one:
    a store keeps working when the default embedder changes (a rebuild under the new one is a choice)."""
    if "embedder" in settings.model_fields_set:
        return settings
    try:
        found = (_client(settings).get_collection(settings.collection).metadata or {}).get("embedder")
    except Exception:  # no collection yet, or one that cannot be read: opening the Store says what to do
        return settings
    return settings.model_copy(update={"embedder": found}) if found in EMBEDDERS else settings


def set_aside(settings: Settings) -> Path:
    """Move an on-disk store that cannot be opened out of the way (kept, not deleted: nothing is lost)."""
    target = settings.store_path.with_name(f"{settings.store_path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    settings.store_path.rename(target)
    # Chroma caches one client per path in the process, and the failed open left a broken one there.
    chromadb.api.client.SharedSystemClient.clear_system_cache()
    return target


def _setting_for(embedder: str) -> str:
    """The settings that choose `embedder` again ("openai:<model>" is the server's model)."""
    if embedder.startswith("openai:"):
        return f"QA_EMBEDDER=openai and QA_EMBEDDINGS_MODEL={embedder.removeprefix('openai:')}"
    return f"QA_EMBEDDER={embedder}"


def _entry(meta: dict) -> dict:
    fields = ("source", "title", "publisher", "published", "author", "example")
    return {"id": source_id(str(meta["source"])), **{k: meta.get(k) for k in fields}, "chunks": int(meta["chunks"])}


class Store:
    def __init__(self, settings: Settings, embeddings: Embedder):
        self.settings = settings
        self.client = _client(settings)
        metadata = {
            "embedder": embeddings.name,
            "dimension": embeddings.dimension,
            "hnsw:space": "cosine",
            # Defaults lose recall as the collection grows: at 100k chunks search_ef 100 gave recall@10 0.94
            # against exact search, 256 gave 0.98 at 2.5 ms (bench/retrieval.py, docs/benchmarks.md).
            "hnsw:construction_ef": 200,
            "hnsw:search_ef": 256,
        }
        try:
            self.vectors = Chroma(
                client=self.client,
                collection_name=settings.collection,
                embedding_function=embeddings,
                collection_metadata=metadata,
            )
        except Exception as exc:
            raise StoreError(
                f"the collection {settings.collection!r} cannot be opened ({exc}); run `qa ingest --rebuild`"
            ) from exc
        self.collection = self.client.get_collection(settings.collection, embedding_function=None)
        self._guard(metadata)

    def _guard(self, wanted: dict) -> None:
        found = self.collection.metadata or {}
        if found.get("embedder") not in (None, wanted["embedder"]) or found.get("dimension") not in (
            None,
            wanted["dimension"],
        ):
            raise StoreError(
                f"the store was built with {found.get('embedder')} ({found.get('dimension')} dims) but "
                f"the embedder is {wanted['embedder']} ({wanted['dimension']} dims): vectors from two models "
                f"cannot be mixed. Set {_setting_for(str(found.get('embedder')))} or run `qa ingest --rebuild`."
            )

    def count(self) -> int:
        return self.collection.count()

    def ids_for(self, source: str) -> set[str]:
        return set(self.collection.get(where={"source": source}, include=[])["ids"])

    def sources_with_hash(self, doc_hash: str) -> set[str]:
        found = self.collection.get(where={"doc_hash": doc_hash}, include=["metadatas"])
        return {str(c.metadata["source"]) for c in rows(found)}

    def add(self, chunks: list[Chunk]) -> None:
        if chunks:
            self.vectors.add_texts([c.text for c in chunks], [c.metadata for c in chunks], ids=[c.id for c in chunks])

    def delete(self, ids: list[str] | set[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def chunks(self, ids: list[str]) -> list[StoredChunk]:
        pages = (ids[i : i + READ_PAGE] for i in range(0, len(ids), READ_PAGE))
        return [c for page in pages for c in rows(self.collection.get(ids=page, include=["documents", "metadatas"]))]

    def all_ids(self) -> set[str]:
        return {c.id for c in self._every([])}

    def all_chunks(self) -> list[StoredChunk]:
        return self._every(["documents", "metadatas"])

    def _every(self, include: list) -> list[StoredChunk]:
        """Every chunk, a page at a time: one get() of 100k chunks fails in Chroma ("too many SQL variables")."""
        found: list[StoredChunk] = []
        while page := rows(self.collection.get(include=include, limit=READ_PAGE, offset=len(found))):
            found += page
        return found

    def sources(self) -> list[dict]:
        """One entry per article: its metadata, chunk count and example question, sorted by source.

        Reads each article's first chunk only (0.07 s for 800 articles against 0.8–2 s for all 12k chunks).
        A store written before first chunks carried their article's count is read in full once, and the
        counts are written then."""
        firsts = rows(self.collection.get(where={"chunk": 0}, include=["metadatas"]))
        if any("chunks" not in c.metadata for c in firsts):
            firsts = self._count_chunks(firsts)
        by_source = {str(c.metadata["source"]): c for c in firsts}  # a killed edit can leave two first chunks
        return [_entry(by_source[s].metadata) for s in sorted(by_source)]

    def _count_chunks(self, firsts: list[StoredChunk]) -> list[StoredChunk]:
        counts = Counter(str(c.metadata["source"]) for c in self._every(["metadatas"]))
        firsts = [
            StoredChunk(c.id, c.text, {**c.metadata, "chunks": counts[str(c.metadata["source"])]}) for c in firsts
        ]
        self.relabel(firsts)
        return firsts

    def relabel(self, chunks: list[Chunk] | list[StoredChunk]) -> None:
        """Rewrite the metadata of chunks already stored (an edited article's kept chunks: new index, count)."""
        if chunks:
            self.collection.update(ids=[c.id for c in chunks], metadatas=[c.metadata for c in chunks])

    def set_example(self, source: str, question: str) -> None:
        """Store an example question with its article (on its first chunk's metadata)."""
        first = rows(self.collection.get(where={"$and": [{"source": source}, {"chunk": 0}]}, include=["metadatas"]))
        if first:
            self.collection.update(ids=[first[0].id], metadatas=[{**first[0].metadata, "example": question}])

    def article_text(self, source: str) -> str:
        """The cleaned article, reassembled from its chunks' offsets."""
        found = self.collection.get(where={"source": source}, include=["documents", "metadatas"])
        text = ""
        for chunk in sorted(rows(found), key=lambda c: int(c.metadata["start"])):
            # chunks overlap; whitespace stripped between them is restored as spaces
            start = int(chunk.metadata["start"])
            text = text[:start].ljust(start) + chunk.text
        return text

    def reset(self) -> None:
        self.client.delete_collection(self.settings.collection)
