"""Candidate sentences: the retrieved passages cut into sentences, scored against the question and numbered
1..n. Every citation is one of them, so a quote is a whole sentence of the article, verbatim.

The best `limit` sentences are numbered article by article (the article with the best sentence first), in
each article in reading order: the model reads one header per article instead of one per sentence (fewer
prompt tokens before the first answer token), and a sentence next to the one before it, as it was written."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answering.scoring import SentenceScorer
from qa.types import Citation, Passage


@dataclass(frozen=True)
class Candidate:
    id: int  # the number the selector sees (1-based)
    sentence: str
    passage: Passage
    score: float  # relevance to the question (meaning and words), 0..1

    @property
    def source(self) -> str:
        return self.passage.source

    def header(self) -> str:
        m = self.passage.metadata
        parts = [str(m[k]) for k in ("publisher", "published") if m.get(k)]
        return f"({', '.join(parts)}) " if parts else ""

    def citation(self, n: int) -> Citation:
        return self.passage.citation(n, self.sentence)


def candidates(question: str, passages: list[Passage], scorer: SentenceScorer, limit: int) -> list[Candidate]:
    """The `limit` best sentences, grouped by article; a sentence repeated in two passages (overlap, wire
    copies) is listed once."""
    scored = sorted(scorer.score(question, passages), key=lambda s: (-s.score, s.passage.n, s.position))
    seen: set[str] = set()
    chosen = []
    for item in scored:
        key = " ".join(item.sentence.lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(item)
        if len(chosen) == limit:
            break
    rank: dict[str, int] = {}
    for item in chosen:
        rank.setdefault(item.passage.source, len(rank))
    order = sorted(chosen, key=lambda s: (rank[s.passage.source], int(s.passage.metadata.get("chunk", 0)), s.position))
    return [Candidate(i, s.sentence, s.passage, s.score) for i, s in enumerate(order, start=1)]


def best_first(found: list[Candidate]) -> list[Candidate]:
    return sorted(found, key=lambda c: -c.score)
