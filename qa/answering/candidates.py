"""Candidate sentences: the retrieved passages cut into sentences, scored against the question and numbered
1..n. Every citation is one of them, so a quote is a whole sentence of the article, verbatim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class Freshness:
    """For a question about now: sentences of articles published at most `days` before `now` score `bonus` more,
    so the evidence of the moment is ranked ahead of an older article's that matches the words as well."""

    now: str  # ISO date: the as_of date, or today
    days: int
    bonus: float

    def __call__(self, passage: Passage) -> float:
        published = str(passage.metadata.get("published") or "")
        try:
            age = (date.fromisoformat(self.now) - date.fromisoformat(published)).days
        except ValueError:  # undated: nothing says it is fresh
            return 0.0
        return self.bonus if 0 <= age <= self.days else 0.0


def candidates(
    question: str, passages: list[Passage], scorer: SentenceScorer, limit: int, fresh: Freshness | None = None
) -> list[Candidate]:
    """The `limit` best sentences, best first; a sentence repeated in two passages (overlap, wire copies)
    is listed once."""
    bonus = fresh or (lambda _: 0.0)
    scored = [(s, s.score + bonus(s.passage)) for s in scorer.score(question, passages)]
    scored.sort(key=lambda pair: (-pair[1], pair[0].passage.n, pair[0].position))
    seen: set[str] = set()
    chosen = []
    for item, score in scored:
        key = " ".join(item.sentence.lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append((item, score))
        if len(chosen) == limit:
            break
    return [Candidate(i, s.sentence, s.passage, score) for i, (s, score) in enumerate(chosen, start=1)]
