"""Candidate sentences: the retrieved passages cut into sentences, scored against the question and numbered
1..n. Every citation is one of them, so a quote is a whole sentence of the article, verbatim."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answering.scoring import Scored, SentenceScorer
from qa.types import Citation, Passage


@dataclass(frozen=True)
class Candidate:
    id: int  # the number the selector sees (1-based)
    sentence: str
    passage: Passage
    score: float  # what candidates are ranked by, 0..1 (qa.answering.scoring)
    stating: float | None = None  # the answer-sentence model's P(states the answer); None without the model

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
    """The `limit` best sentences, best first."""
    return ranked(scorer.score(question, passages), limit)


def ranked(scored: list[Scored], limit: int) -> list[Candidate]:
    """The `limit` best of `scored`, best first; a sentence repeated in two passages (overlap, wire copies)
    is listed once."""
    scored = sorted(scored, key=lambda s: (-s.score, s.passage.n, s.position))
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
    return [Candidate(i, s.sentence, s.passage, s.score, s.stating) for i, s in enumerate(chosen, start=1)]
