"""The Generator interface and the factory that picks a backend from settings.

A generator does three things for the answer path: it selects the evidence among numbered candidate
sentences (with a confidence), writes the answer from the chosen sentences only, and, where it can,
judges whether a sentence of evidence states a claim (a probability). At ingest it writes the chat's
example questions from the newest articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from qa.answering.candidates import Candidate
from qa.answering.evidence import Selection
from qa.config import Settings
from qa.errors import QAError


class GeneratorError(QAError, RuntimeError):
    """The generator cannot answer (model missing, server down); the message says what to do."""


class Generator(Protocol):
    name: str
    judges: bool  # True: judge() reads the model's own probability; False: the lexical verifier is used
    writes_examples: bool  # False: example_question() always returns None (no model to write with)

    def select(self, question: str, candidates: list[Candidate]) -> Selection:
        """The candidates that state the answer, and the confidence that any does."""

    def write(self, question: str, candidates: list[Candidate], selection: Selection) -> Iterator[str]:
        """The answer from the chosen candidates only, token by token, citing them as [id]."""

    def kind(self, question: str) -> dict[str, float] | None:
        """P(each kind of answer in qa.answering.kinds.KINDS); None when this backend has no model to ask."""

    def line(self, question: str, candidate: Candidate) -> Iterator[str]:
        """One line of a broad answer from one candidate sentence only, token by token (no citation marker)."""

    def judge(self, evidence: list[str], claim: str, question: str) -> float | None:
        """P(the evidence states the claim as the answer to the question); None when no verdict was given."""

    def condense(self, question: str, history: list[dict]) -> str:
        """A standalone version of a follow-up question."""

    def example_question(self, passage: str) -> str | None:
        """A question a reader might ask that the passage answers; None when this backend cannot write one."""


def make_generator(settings: Settings, backend: str | None = None) -> Generator:
    from qa.llm.registry import backend as registered

    return registered(backend or settings.backend).build(settings)
