"""The generator backends: one registration each (name, label, how many answer at once, how to build it).

Settings, the API, the CLI, the chat's dropdown and the queues all read this table. A new backend is one
module with a `build(settings) -> Generator` function plus one `register(...)` line below. Modules are
imported only when their backend is first used, so a setting that never names llama.cpp never loads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.base import Generator


@dataclass(frozen=True)
class Backend:
    name: str
    label: str  # what the chat's dropdown shows
    builder: str  # "module:function" taking Settings, returning a Generator
    slots: Callable[[Settings], int]  # questions answered at once; more wait in the queue
    model: Callable[[Settings], str]  # what answers, for the status line

    def build(self, settings: Settings) -> Generator:
        module, function = self.builder.split(":")
        return getattr(import_module(module), function)(settings)


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> None:
    BACKENDS[backend.name] = backend


def backend(name: str) -> Backend:
    if name not in BACKENDS:
        from qa.llm.base import GeneratorError

        raise GeneratorError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)} (QA_BACKEND)")
    return BACKENDS[name]


register(
    Backend(
        "llamacpp",
        "Local model (llama.cpp)",
        "qa.llm.llamacpp:llamacpp_generator",
        slots=lambda s: 1,  # one context: one question at a time
        model=lambda s: s.model_path.name,
    )
)
register(
    Backend(
        "extractive",
        "Extractive (no LLM, fastest)",
        "qa.llm.extractive:extractive_generator",
        slots=lambda s: s.extractive_concurrency,
        model=lambda s: "none (extractive: answers are quoted sentences)",
    )
)
register(
    Backend(
        "openai",
        "OpenAI-compatible server",
        "qa.llm.chat:openai_generator",
        slots=lambda s: s.openai_concurrency,
        model=lambda s: f"{s.openai_model} at {s.openai_base_url}",
    )
)
