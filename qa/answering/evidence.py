"""Evidence selection: which candidates state the answer, and how confident the choice is.

The generators choose (the local model under a grammar that only admits existing ids or "none"; the
extractive backend by score); this module holds the shared record and the refusal decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.answering.candidates import Candidate


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...]  # chosen candidate ids, in the selector's order; empty = "none"
    confidence: float  # 0..1: the selector's probability that some candidate states the answer
    detail: dict = field(default_factory=dict)  # what the selector saw and said, for debug

    def chosen(self, candidates: list[Candidate]) -> list[Candidate]:
        by_id = {c.id: c for c in candidates}
        return [by_id[i] for i in dict.fromkeys(self.ids) if i in by_id]


def refusal_reason(selection: Selection) -> str | None:
    if not selection.ids:
        return selection.detail.get("reason", "no candidate sentence states the answer")
    return None


def unstated_reason(candidates: list[Candidate], floor: float) -> str | None:
    """Why no candidate is worth choosing from: the answer-sentence model gives none of them P(states the answer)
    of at least `floor`. None without the model's scores or with no floor set."""
    probabilities = [c.stating for c in candidates if c.stating is not None]
    if floor <= 0 or not probabilities or max(probabilities) >= floor:
        return None
    return f"no candidate states an answer (the answer-sentence model's best P {max(probabilities):.2f} < {floor})"
