"""The Generator interface and the factory that picks a backend from settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from qa.config import Settings
from qa.focus import SentenceScorer
from qa.types import Passage


class GeneratorError(RuntimeError):
    """The generator cannot answer (model missing, server down); the message says what to do."""


class Generator(Protocol):
    name: str
    reads_prompt: bool  # True: passages are trimmed to their best sentences before generation

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """Answer text, token by token, citing passages as [n]."""

    def condense(self, question: str, history: list[dict]) -> str:
        """A standalone version of a follow-up question."""


def make_generator(settings: Settings, scorer: SentenceScorer, backend: str | None = None) -> Generator:
    backend = backend or settings.backend
    if backend == "extractive":
        from qa.llm.extractive import ExtractiveGenerator

        return ExtractiveGenerator(scorer)
    if backend == "llamacpp":
        from qa.llm.llamacpp import llamacpp_generator

        return llamacpp_generator(settings)
    if backend == "openai":
        from qa.llm.openai import openai_generator

        return openai_generator(settings)
    raise GeneratorError(f"unknown backend {backend!r}: use llamacpp, extractive or openai (QA_BACKEND)")
