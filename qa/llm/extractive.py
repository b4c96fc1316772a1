"""No generative model: answer with the passage sentences that best match the question.

Deterministic and fast; quotes are verbatim by construction. Used in unit tests and by users who
want answers with no model at all."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from qa.grounding import REFUSAL
from qa.text import sentences, terms
from qa.types import Passage

MIN_COVERAGE = 0.5  # idf-weighted share of the question's content words a sentence must contain
SECOND_ANSWER = 0.85  # a sentence from another passage scoring this close to the best is shown too
_FOLLOWUP = re.compile(r"\b(he|she|it|they|them|his|her|its|their|that|this|those|these|there|then|the same)\b",
                       re.IGNORECASE)


class ExtractiveGenerator:
    name = "extractive"

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        yield self.answer(question, passages)

    def answer(self, question: str, passages: list[Passage]) -> str:
        wanted = terms(question)
        candidates = [(p, s, terms(s)) for p in passages for s in sentences(p.text)]
        if not wanted or not candidates:
            return REFUSAL
        idf = _idf(wanted, [t for _, _, t in candidates])
        total = sum(idf.values())
        scored = sorted(((sum(idf[w] for w in wanted & t) / total, -p.n, p, s) for p, s, t in candidates),
                        key=lambda item: (item[0], item[1]), reverse=True)
        best_score, _, best_passage, best_sentence = scored[0]
        if best_score < MIN_COVERAGE:
            return REFUSAL
        lines = [f"{best_sentence} [{best_passage.n}]"]
        for score, _, passage, sentence in scored[1:]:
            if score < best_score * SECOND_ANSWER:
                break
            if passage.source != best_passage.source:
                lines.append(f"{sentence} [{passage.n}]")
                break
        return " ".join(lines)

    def condense(self, question: str, history: list[dict]) -> str:
        """Cheap rewrite: a follow-up that leans on the conversation borrows the previous question."""
        previous = [turn["content"] for turn in history if turn.get("role") == "user"]
        if previous and (_FOLLOWUP.search(question) or len(terms(question)) <= 2):
            return f"{previous[-1]} {question}"
        return question


def _idf(wanted: set[str], documents: list[set[str]]) -> dict[str, float]:
    n = len(documents)
    return {w: math.log(1 + (n + 1) / (1 + sum(w in d for d in documents))) for w in wanted}
