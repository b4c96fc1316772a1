"""No generative model: the evidence is the best-scoring candidate sentence (and a nearly as good one from
another article), and the answer is those sentences, verbatim.

Deterministic and fast; used in unit tests and by users who want answers with no model at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.answering.candidates import Candidate
from qa.answering.evidence import Selection
from qa.answering.write import extractive
from qa.config import AnswerPolicy, Settings
from qa.text import fits_answer_type, terms

_FOLLOWUP = re.compile(
    r"\b(he|she|it|they|them|his|her|its|their|that|this|those|these|there|then|the same)\b", re.IGNORECASE
)


class ExtractiveGenerator:
    name = "extractive"
    judges = False
    writes_examples = False

    def __init__(self, policy: AnswerPolicy):
        self.policy = policy

    def select(self, question: str, candidates: list[Candidate]) -> Selection:
        """Candidates come best first; the confidence is the best one's relevance score. With no model to
        judge relations, a sentence merely near the topic, from articles that never mention most of what is
        asked ("which hotel", "the weather"), is not taken as evidence."""
        typed = [c for c in candidates if fits_answer_type(question, c.sentence)]
        if not typed:
            return Selection((), 0.0, {"reason": "no candidate holds the kind of answer asked for"})
        best, ids = typed[0], [typed[0].id]
        for other in typed[1:]:
            if other.score < best.score * self.policy.second_version:
                break
            if other.source != best.source:
                ids.append(other.id)
                break
        covered = coverage(question, " ".join(f"{c.passage.text} {c.passage.about}" for c in typed if c.id in ids))
        if covered < self.policy.min_coverage:
            return Selection((), 0.0, {"reason": f"the evidence's articles hold {covered:.0%} of the question's words"})
        return Selection(tuple(ids), best.score)

    def write(self, question: str, candidates: list[Candidate], selection: Selection) -> Iterator[str]:
        yield extractive(selection.chosen(candidates))

    def kind(self, question: str) -> None:
        return None  # no model to ask: every question is a fact unless the user names another kind

    def line(self, question: str, candidate: Candidate) -> Iterator[str]:
        yield candidate.sentence

    def judge(self, evidence: list[str], claim: str, question: str) -> float:
        raise NotImplementedError("the extractive backend has no model to judge with")

    def condense(self, question: str, history: list[dict]) -> str:
        return cheap_condense(question, history)

    def example_question(self, passage: str) -> None:
        return None  # no model to phrase one: the chat falls back to the headline


def extractive_generator(settings: Settings) -> ExtractiveGenerator:
    return ExtractiveGenerator(settings.policy)


def coverage(question: str, text: str) -> float:
    wanted = terms(question)
    return len(wanted & terms(text)) / len(wanted) if wanted else 1.0


def cheap_condense(question: str, history: list[dict]) -> str:
    """A follow-up that leans on the conversation ("and he?") borrows the previous question."""
    previous = [turn["content"] for turn in history if turn.get("role") == "user"]
    if previous and (_FOLLOWUP.search(question) or len(terms(question)) <= 2):
        return f"{previous[-1]} {question}"
    return question


def needs_context(question: str, history: list[dict]) -> bool:
    return cheap_condense(question, history) != question
