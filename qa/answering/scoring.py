"""Sentence relevance within passages: ranks the candidate sentences the evidence is chosen from.

Relevance mixes meaning (MiniLM cosine, sentence vectors cached per chunk) with idf-weighted word overlap,
which catches names and numbers that embeddings blur. With the answer-sentence model (a cross-encoder trained on
real news questions, qa/answering/answer_model.py), each sentence also gets P(it states the answer), and the
score fuses the two (AnswerPolicy.answer_weight). Sentences addressed to a model are never candidates.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from collections import OrderedDict

import numpy as np
from langchain_core.embeddings import Embeddings

from qa.answering.answer_model import AnswerModel
from qa.text import sentences, terms
from qa.types import Passage

_CACHE_SIZE = 4096
_QUERY_CACHE_SIZE = 64


@dataclasses.dataclass(frozen=True)
class Scored:
    passage: Passage
    sentence: str
    position: int  # index of the sentence in its passage
    score: float  # what candidates are ranked by: relevance, fused with `stating` when the model is used
    relevance: float = 0.0  # meaning and words
    stating: float | None = None  # the answer-sentence model's P(states the answer); None without the model


class SentenceScorer:
    def __init__(
        self,
        embeddings: Embeddings,
        semantic_weight: float = 0.6,
        answer_model: AnswerModel | None = None,
        answer_weight: float = 0.0,
    ):
        self.embeddings, self.semantic_weight = embeddings, semantic_weight
        self.answer_model, self.answer_weight = answer_model, answer_weight
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def score(self, question: str, passages: list[Passage]) -> list[Scored]:
        items = [
            (p, i, s)
            for p in passages
            for i, s in enumerate(sentences(p.text))
            if _is_prose(s) and not addressed_to_model(s)
        ]
        if not items:
            return []
        lexical = _lexical(question, [s for _, _, s in items])
        query = self._query(question)
        vectors = self._vectors(passages)
        semantic = np.array([float(vectors[p.id][i] @ query) for p, i, _ in items])
        relevance = self.semantic_weight * semantic + (1 - self.semantic_weight) * lexical
        if self.answer_model is None:
            return [Scored(p, s, i, float(x), float(x)) for (p, i, s), x in zip(items, relevance)]
        stating = self.answer_model.probabilities(question, [s for _, _, s in items])
        return [
            Scored(p, s, i, fused(float(r), float(x), self.answer_weight), float(r), float(x))
            for (p, i, s), r, x in zip(items, relevance, stating)
        ]

    def vectors_of(self, sentences_of: list[tuple[Passage, str]]) -> np.ndarray:
        """Unit vectors of sentences of these passages (cached with their passage: no new embedding)."""
        vectors = self._vectors(list({p.id: p for p, _ in sentences_of}.values()))
        rows = []
        for passage, sentence in sentences_of:
            rows.append(vectors[passage.id][sentences(passage.text).index(sentence)])
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)

    def _query(self, question: str) -> np.ndarray:
        """Questions repeat (chat retries, evaluation runs): their vectors are cached."""
        with self._lock:
            if question in self._queries:
                return self._queries[question]
        vector = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        with self._lock:
            self._queries[question] = vector
            while len(self._queries) > _QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector

    def _vectors(self, passages: list[Passage]) -> dict[str, np.ndarray]:
        """Sentence vectors per passage id. The passages not cached are embedded in one call, so the embedder
        spreads all their sentences over its cores at once (one call per passage left a core idle at each
        passage's end); a sentence's vector does not depend on what is embedded with it."""
        with self._lock:
            found = {p.id: self._cache[p.id] for p in passages if p.id in self._cache}
            for key in found:
                self._cache.move_to_end(key)
        missing = list({p.id: p for p in passages if p.id not in found}.values())
        split = [sentences(p.text) for p in missing]
        flat = self.embeddings.embed_documents([s for group in split for s in group]) if missing else []
        start = 0
        with self._lock:
            for passage, group in zip(missing, split):
                found[passage.id] = np.asarray(flat[start : start + len(group)], dtype=np.float32)
                self._cache[passage.id] = found[passage.id]
                start += len(group)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return found


def fused(relevance: float, stating: float, weight: float) -> float:
    """The ranking score: `weight` of the model's P(states the answer), the rest relevance."""
    return (1 - weight) * relevance + weight * stating


_TO_MODEL = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompts?|guidelines)\b|"
    r"\b(system prompt|AI assistants?|language models?|chatbots?)\b|\banswer (every|all|any) questions?\b",
    re.IGNORECASE,
)


def addressed_to_model(sentence: str) -> bool:
    """Text planted in an article to steer a model. It is kept in the store (it is what the page says)
    but never shown to the generator nor picked as an answer: passages are data, not instructions."""
    return bool(_TO_MODEL.search(sentence))


def _is_prose(sentence: str) -> bool:
    """A statement, not a heading or a question: neither states a fact that could be evidence (a page often
    repeats the reader's question as its title)."""
    return len(sentence.split()) >= 4 and sentence.rstrip('"”’)')[-1:] in ".!"


def _lexical(question: str, texts: list[str]) -> np.ndarray:
    wanted = terms(question)
    if not wanted:
        return np.zeros(len(texts))
    documents = [terms(t) for t in texts]
    n = len(documents)
    idf = {w: math.log(1 + (n + 1) / (1 + sum(w in d for d in documents))) for w in wanted}
    total = sum(idf.values())
    return np.array([sum(idf[w] for w in wanted & d) / total for d in documents])
