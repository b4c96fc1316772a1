"""The kind of answer a question asks for, decided once per question: one fact, or a broad answer written as
lines (parts, an overview, a comparison, a timeline).

The probabilities come from the question-kind model (models/question-kind/: a classifier of the question's
vector, for every backend), from the generator (the local model reads them from its logits under a one-word reply,
prompts/kind.md), or both (AnswerPolicy.broad.kind_source); a per-kind bias fitted on the dev halves
(bench/kinds.py) corrects a source's lean. With no source to ask, or a kind named by the user, there is no
decision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FACT = "fact"
KINDS = (FACT, "parts", "overview", "comparison", "timeline")
BROAD = KINDS[1:]


@dataclass(frozen=True)
class KindChoice:
    kind: str
    probabilities: dict[str, float]  # the generator's, before the bias; empty when it was not asked
    how: str  # "model", "asked" (named by the user) or "default" (no model to ask)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "how": self.how,
            "probabilities": {k: round(p, 4) for k, p in self.probabilities.items()},
        }


def decide(probabilities: dict[str, float] | None, bias: dict[str, float]) -> KindChoice:
    if not probabilities:
        return KindChoice(FACT, {}, "default")
    scored = {k: math.log(max(p, 1e-9)) + bias.get(k, 0.0) for k, p in probabilities.items() if k in KINDS}
    return KindChoice(max(scored, key=lambda k: scored[k]), probabilities, "model")


def combined(found: Sequence[dict[str, float] | None]) -> dict[str, float] | None:
    """Several sources' probabilities as one: their product, normalised (independent evidence); None if none."""
    given = [p for p in found if p]
    if not given:
        return None
    product = {k: math.prod(max(float(p.get(k, 0.0)), 1e-9) for p in given) for k in KINDS}
    total = sum(product.values())
    return {k: v / total for k, v in product.items()}


def named(kind: str) -> KindChoice:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)} (or auto)")
    return KindChoice(kind, {}, "asked")
