"""Verification: a written sentence is kept only when its evidence supports it.

Two checks sit side by side (QA_POLICY__VERIFIER): `judge` asks the generator whether the evidence
states the claim and reads P(yes) from its token probabilities (it sees who did what); `lexical` counts
the claim's content words found in the evidence (it sees only words). Both first require that every
name and number in the claim occurs in the evidence or its articles' metadata: a cheap, explicit check
that no model judgement may override."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.answering.candidates import Candidate
from qa.answering.write import Claim
from qa.config import AnswerPolicy
from qa.text import fits_answer_type, missing_names, numbers, strip_markers, terms

# (evidence, claim, question) → P(the evidence states it), or None when the model gave no yes/no
Judge = Callable[[list[str], str, str], float | None]


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    support: float  # 0..1 under the method used
    kept: bool
    reason: str = ""
    overlap: float = 0.0  # the lexical measure, kept beside the judge's so both methods can be compared

    def to_dict(self) -> dict:
        return {
            "claim": self.claim.text,
            "ids": list(self.claim.ids),
            "support": round(self.support, 3),
            "kept": self.kept,
            "reason": self.reason,
            "overlap": round(self.overlap, 3),
        }


def verify(
    claims: list[Claim], chosen: list[Candidate], policy: AnswerPolicy, judge: Judge | None, question: str = ""
) -> list[Verdict]:
    by_id = {c.id: c for c in chosen}
    return [_verdict(claim, [by_id[i] for i in claim.ids], policy, judge, question) for claim in claims]


def _verdict(
    claim: Claim, evidence: list[Candidate], policy: AnswerPolicy, judge: Judge | None, question: str
) -> Verdict:
    texts = [c.sentence for c in evidence]
    # names and numbers may come from the evidence's passages, their metadata or the question itself
    context = " ".join([question] + [f"{c.passage.text} {c.passage.about}" for c in evidence])
    invented = sorted(numbers(claim.text) - numbers(context)) + sorted(missing_names(claim.text, context))
    if invented:
        return Verdict(claim, 0.0, False, f"not in its evidence: {', '.join(invented)}")
    words = overlap(claim.text, " ".join(texts))
    judged = judge(texts, claim.text, question) if policy.verifier == "judge" and judge is not None else None
    if judged is not None:
        method, support, floor = "judge", judged, policy.min_entailment
    else:
        method, support, floor = "lexical", words, policy.min_overlap
    if support < floor:
        return Verdict(claim, support, False, f"{method} support {support:.2f} < {floor}", words)
    return Verdict(_carried(claim, evidence, policy.cite_share), support, True, "", words)


def _carried(claim: Claim, evidence: list[Candidate], share: float) -> Claim:
    """The claim cited to the evidence sentences that carry it: those whose word overlap with the claim is
    at least `share` of the best one's (a chosen sentence the answer does not use is not cited)."""
    scores = {c.id: overlap(claim.text, c.sentence) for c in evidence}
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return claim
    return Claim(claim.text, tuple(i for i in claim.ids if scores[i] >= share * best))


def overlap(claim: str, evidence: str) -> float:
    wanted = terms(claim)
    return len(wanted & terms(evidence)) / len(wanted) if wanted else 0.0


def answers_question(question: str, answer: str) -> str | None:
    """Why a supported answer still does not answer, or None: it only echoes the question, or a "how many /
    who / when" question gets no number, name or time."""
    answer = strip_markers(answer)
    if not terms(answer) - terms(question):
        return "the answer only repeats the question"
    if not fits_answer_type(question, answer):
        return "the answer holds no number, name or time where the question asks for one"
    return None
