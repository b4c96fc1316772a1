"""Hybrid retrieval: dense (Chroma + MiniLM) ∪ keyword (BM25) → RRF → near-duplicate collapse → MMR."""

from __future__ import annotations

import math
import re
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterable

import bm25s
import numpy as np
import Stemmer
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field

from qa.store import Store, StoredChunk, rows
from qa.types import Passage

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
SYNC_SECONDS = 5.0  # how stale the keyword index may be to another process's writes; a check is one count
RRF_K = 60  # the constant from Cormack et al.; dampens the weight of the very top ranks


class Filters(BaseModel):
    """What a question may be answered from; one model from the API's request body to the retriever."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: tuple[str, ...] = Field((), max_length=50, description="only these articles (file names)")
    publishers: tuple[str, ...] = Field((), max_length=50, description="only these publishers")
    date_from: str | None = Field(None, pattern=ISO_DATE, description="published on or after (inclusive)")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="published on or before (inclusive)")
    as_of: str | None = Field(
        None, pattern=ISO_DATE, description="answer as on this date: nothing published after it, and it is 'now'"
    )

    @classmethod
    def from_dict(cls, data: dict | None) -> Filters:
        """From the chat's and the CLI's loose form: singular keys, a string for a list, blanks for none."""
        data = data or {}
        as_tuple = lambda v: tuple([v] if isinstance(v, str) else (v or ()))  # noqa: E731
        return cls(
            sources=as_tuple(data.get("sources") or data.get("source")),
            publishers=as_tuple(data.get("publishers") or data.get("publisher")),
            date_from=data.get("date_from") or None,
            date_to=data.get("date_to") or None,
            as_of=data.get("as_of") or None,
        )

    def __bool__(self) -> bool:
        return bool(self.sources or self.publishers or self.date_from or self.date_to or self.as_of)

    def accepts(self, metadata: dict) -> bool:
        if self.sources and not any(metadata.get("source", "").endswith(s) for s in self.sources):
            return False
        if self.publishers and metadata.get("publisher", "").lower() not in {p.lower() for p in self.publishers}:
            return False
        published = str(metadata.get("published") or "")
        if (self.date_from or self.date_to) and not published:
            return False
        if self.as_of and published > self.as_of:  # undated articles stay: nothing says they are later
            return False
        return not ((self.date_from and published < self.date_from) or (self.date_to and published > self.date_to))


def newest_first(candidates: list[tuple[StoredChunk, float]]) -> list[tuple[StoredChunk, float]]:
    """The candidates (each once) by published date, newest first; undated ones are left out of this ranking."""
    unique = {c.id: (c, s) for c, s in candidates if c.metadata.get("published")}
    return sorted(unique.values(), key=lambda p: str(p[0].metadata["published"]), reverse=True)


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _keyword_text(chunk: StoredChunk) -> str:
    """Chunk text plus its article's metadata, so "according to BNN" finds BNN's article."""
    m = chunk.metadata
    return " ".join(str(m.get(k, "")) for k in ("publisher", "author", "published")) + " " + chunk.text


class KeywordIndex:
    """BM25 over every stored chunk (Lucene's variant with bm25s's defaults, k1 1.5 and b 0.75), kept up to date
    chunk by chunk: an ingest adds its new chunks' postings and marks removed ones dead, reading only what it
    changed, instead of reading and indexing every stored chunk again (bench/keyword_index.py)."""

    K1, B = 1.5, 0.75
    DEAD_SHARE = 0.25  # past this share of removed chunks the postings are rebuilt: dead ones cost every query

    def __init__(self, chunks: list[StoredChunk]):
        self.tokenizer = bm25s.tokenization.Tokenizer(stopwords="en", stemmer=Stemmer.Stemmer("english"))
        self._lock = threading.Lock()  # a search reads the postings' buffers, which an add may grow
        self._reset()
        self.add(chunks)

    def _reset(self) -> None:
        self.chunks: list[StoredChunk | None] = []  # by position; None once removed
        self.position: dict[str, int] = {}  # chunk id → position
        self.lengths = array("i")  # tokens per chunk, by position
        self.alive = bytearray()  # 1 per live position
        self.postings: dict[int, tuple[array, array]] = {}  # token → (positions, counts)
        self.tokens = 0  # in the live chunks

    def __len__(self) -> int:
        return len(self.position)

    def add(self, chunks: list[StoredChunk]) -> None:
        """Index these chunks; one already indexed (an edited article's kept chunk) is replaced."""
        self.remove([c.id for c in chunks if c.id in self.position])
        if not chunks:
            return
        texts = [_keyword_text(c) for c in chunks]
        with self._lock:  # the tokenizer's vocabulary grows here, and a search reads it
            ids = self.tokenizer.tokenize(texts, update_vocab=True, return_as="ids", show_progress=False)
            for chunk, tokens in zip(chunks, ids):
                at = len(self.chunks)
                self.chunks.append(chunk)
                self.position[chunk.id] = at
                self.lengths.append(len(tokens))
                self.alive.append(1)
                self.tokens += len(tokens)
                for token, count in Counter(tokens).items():
                    positions, counts = self.postings.setdefault(token, (array("i"), array("i")))
                    positions.append(at)
                    counts.append(count)

    def remove(self, ids) -> None:
        with self._lock:
            for chunk_id in ids:
                at = self.position.pop(chunk_id, None)
                if at is not None:
                    self.chunks[at], self.alive[at] = None, 0
                    self.tokens -= self.lengths[at]
        if len(self.chunks) - len(self.position) > self.DEAD_SHARE * len(self.chunks):
            live = [c for c in self.chunks if c is not None]
            with self._lock:
                self._reset()
            self.add(live)

    def search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        with self._lock:
            tokens = self.tokenizer.tokenize([query], update_vocab=False, return_as="ids", show_progress=False)[0]
            if not self.position or not tokens:
                return []
            scores = self._scores(tokens)
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(c, float(scores[i])) for i in top if scores[i] > 0 and (c := self.chunks[i]) is not None]

    def _scores(self, tokens: list[int]) -> np.ndarray:
        n = len(self.position)
        alive = np.frombuffer(self.alive, dtype=np.uint8).astype(bool)
        lengths = np.frombuffer(self.lengths, dtype=np.int32)
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        for token in tokens:  # a word said twice counts twice, as in bm25s
            if token not in self.postings:
                continue
            positions, counts = (np.frombuffer(a, dtype=np.int32) for a in self.postings[token])
            live = alive[positions]
            positions, counts = positions[live], counts[live].astype(np.float32)
            if not len(positions):
                continue
            idf = math.log(1 + (n - len(positions) + 0.5) / (len(positions) + 0.5))
            norm = self.K1 * (1 - self.B + self.B * lengths[positions] / (self.tokens / n))
            scores[positions] += idf * counts / (counts + norm)
        return scores


class Retriever:
    def __init__(
        self,
        store: Store,
        embeddings: Embeddings,
        top_k: int,
        fetch_k: int,
        recency_weight: float = 0.0,
        mmr_lambda: float = 0.75,
        duplicate_jaccard: float = 0.6,
    ):
        self.store, self.embeddings = store, embeddings
        self.top_k, self.fetch_k = top_k, fetch_k
        self.recency_weight, self.mmr_lambda, self.duplicate_jaccard = recency_weight, mmr_lambda, duplicate_jaccard
        self._keyword: KeywordIndex | None = None
        self._synced = 0.0  # when the keyword index was last compared with the store
        self._lock = threading.Lock()

    def refresh(self, added: list[str] | None = None, removed: Iterable[str] = ()) -> None:
        """Call after the store changes. Given the ids an ingest wrote and removed, the keyword index is updated
        in place (only the written chunks are read); without them it is rebuilt on next use."""
        with self._lock:
            if self._keyword is None:
                return  # built from the store on first use, changes included
            if added is None:
                self._keyword = None
                return
            self._keyword.remove(removed)
            self._keyword.add(self.store.chunks(added))

    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                self._keyword = KeywordIndex(self.store.all_chunks())
                self._synced = time.monotonic()
            elif time.monotonic() - self._synced > SYNC_SECONDS:
                self._sync(self._keyword)
            return self._keyword

    def _sync(self, index: KeywordIndex) -> None:
        """Catch up with what another process wrote (a replica on the same Chroma server, `qa watch`): when the
        count differs, the ids are compared and only the chunks added are read (0.27 s for 100k ids)."""
        self._synced = time.monotonic()
        if self.store.count() == len(index):
            return  # an edit that kept the count is caught at the next change of count
        stored, known = self.store.all_ids(), set(index.position)
        index.remove(known - stored)
        index.add(self.store.chunks(sorted(stored - known)))

    def _dense(self, query_vector: list[float], filters: Filters) -> list[tuple[StoredChunk, float]]:
        n = min(self.fetch_k * (3 if filters else 1), max(1, self.store.count()))
        found = self.store.collection.query(
            query_embeddings=np.asarray([query_vector], dtype=np.float32),
            n_results=n,
            include=["documents", "metadatas", "distances"],
        )
        chunks = rows({k: (found[k] or [[]])[0] for k in ("ids", "documents", "metadatas")})
        return [(chunk, 1.0 - distance) for chunk, distance in zip(chunks, (found["distances"] or [[]])[0])]

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        k, filters = k or self.top_k, filters or Filters()
        if self.store.count() == 0:
            return []
        query_vector = self.embeddings.embed_query(query)
        dense = [(c, s) for c, s in self._dense(query_vector, filters) if filters.accepts(c.metadata)]
        keyword = [(c, s) for c, s in self.keyword.search(query, self.fetch_k * 3) if filters.accepts(c.metadata)]
        rankings = [dense[: self.fetch_k], keyword[: self.fetch_k]]
        weights = [1.0, 1.0]
        if self.recency_weight and filters.as_of:
            rankings.append(newest_first(rankings[0] + rankings[1]))
            weights.append(self.recency_weight)
        fused = self._collapse(self._fuse(rankings, weights))
        vectors, found = self._vectors([c.id for c, _ in fused])
        fused = [pair for pair in fused if pair[0].id in found]  # a chunk another process removed since
        if not fused:
            return []
        similarity = vectors @ np.asarray(query_vector, dtype=np.float32)
        keyword_ids = {c.id for c, _ in keyword}
        return [
            Passage(n, c.id, c.text, c.metadata, score, float(similarity[i]), c.id in keyword_ids)
            for n, (i, (c, score)) in enumerate(self._mmr(fused, vectors, k), start=1)
        ]

    @staticmethod
    def _fuse(rankings: list[list[tuple[StoredChunk, float]]], weights: list[float]) -> list[tuple[StoredChunk, float]]:
        scores: dict[str, float] = {}
        chunks: dict[str, StoredChunk] = {}
        for ranking, weight in zip(rankings, weights):
            for rank, (chunk, _) in enumerate(ranking):
                scores[chunk.id] = scores.get(chunk.id, 0.0) + weight / (RRF_K + rank + 1)
                chunks[chunk.id] = chunk
        return [(chunks[i], s) for i, s in sorted(scores.items(), key=lambda p: -p[1])]

    def _collapse(self, ranked: list[tuple[StoredChunk, float]]) -> list[tuple[StoredChunk, float]]:
        """Drop a chunk that repeats a better-ranked one (wire copy, overlapping chunks)."""
        kept: list[tuple[StoredChunk, float, set]] = []
        for chunk, score in ranked:
            shingles = _shingles(chunk.text)
            if all(_jaccard(shingles, other) < self.duplicate_jaccard for _, _, other in kept):
                kept.append((chunk, score, shingles))
        return [(c, s) for c, s, _ in kept]

    def _mmr(self, ranked: list[tuple[StoredChunk, float]], vectors: np.ndarray, k: int):
        """(index, item) pairs of the k chosen, in order of choice."""
        if len(ranked) <= k:
            return list(enumerate(ranked))
        relevance = np.array([s for _, s in ranked])
        relevance = relevance / relevance.max()
        chosen: list[int] = [0]
        while len(chosen) < k:
            similarity = vectors @ vectors[chosen].T
            penalty = similarity.max(axis=1)
            score = self.mmr_lambda * relevance - (1 - self.mmr_lambda) * penalty
            score[chosen] = -np.inf
            chosen.append(int(score.argmax()))
        return [(i, ranked[i]) for i in chosen]

    def _vectors(self, ids: list[str]) -> tuple[np.ndarray, set[str]]:
        """The stored vectors of those of `ids` still stored, in order, and which those are."""
        if not ids:
            return np.zeros((0, 0), dtype=np.float32), set()
        found = self.store.collection.get(ids=ids, include=["embeddings"])
        vectors = found["embeddings"]
        by_id = dict(zip(found["ids"], vectors if vectors is not None else []))
        return np.array([by_id[i] for i in ids if i in by_id], dtype=np.float32), set(by_id)
