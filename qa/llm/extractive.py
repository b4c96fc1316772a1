"""No generative model: answer with the passage sentences that best match the question.

Deterministic and fast; quotes are verbatim by construction. Used in unit tests and by users who
want answers with no model at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.focus import SentenceScorer
from qa.grounding import REFUSAL
from qa.text import fits_answer_type, terms
from qa.types import Passage

MIN_SCORE = 0.42  # below this no sentence answers the question: refuse (calibrated on eval/questions.jsonl)
SECOND_ANSWER = 0.9  # a sentence from another article scoring this close to the best is shown too
_FOLLOWUP = re.compile(r"\b(he|she|it|they|them|his|her|its|their|that|this|those|these|there|then|the same)\b",
                       re.IGNORECASE)


class ExtractiveGenerator:
    name = "extractive"
    reads_prompt = False

    def __init__(self, scorer: SentenceScorer):
        self.scorer = scorer

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        yield self.answer(question, passages)

    def answer(self, question: str, passages: list[Passage]) -> str:
        scored = [s for s in self.scorer.score(question, passages)
                  if len(s.sentence.split()) >= 4 and fits_answer_type(question, s.sentence)]
        scored.sort(key=lambda s: (-s.score, s.passage.n))
        if not scored or scored[0].score < MIN_SCORE:
            return REFUSAL
        best = scored[0]
        lines = [f"{best.sentence} [{best.passage.n}]"]
        for other in scored[1:]:
            if other.score < best.score * SECOND_ANSWER:
                break
            if other.passage.source != best.passage.source:
                lines.append(f"{other.sentence} [{other.passage.n}]")
                break
        return " ".join(lines)

    def condense(self, question: str, history: list[dict]) -> str:
        return cheap_condense(question, history)


def cheap_condense(question: str, history: list[dict]) -> str:
    """A follow-up that leans on the conversation ("and he?") borrows the previous question."""
    previous = [turn["content"] for turn in history if turn.get("role") == "user"]
    if previous and (_FOLLOWUP.search(question) or len(terms(question)) <= 2):
        return f"{previous[-1]} {question}"
    return question


def needs_context(question: str, history: list[dict]) -> bool:
    return cheap_condense(question, history) != question
