"""A Generator over any LangChain chat model: prompt (from prompts/) | model | text, streamed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from qa.llm import prompts
from qa.llm.base import GeneratorError
from qa.llm.extractive import needs_context
from qa.types import Passage


class ChatGenerator:
    reads_prompt = True

    def __init__(self, name: str, model: BaseChatModel, prompts_dir: Path, serialize: bool, location: str = ""):
        self.name = name
        self.location = location  # where the model runs, for error messages
        self.model = model
        self.prompts_dir = prompts_dir
        self.answer_chain = prompts.answer_prompt(prompts_dir) | model | StrOutputParser()
        self.condense_chain = prompts.condense_prompt(prompts_dir) | model | StrOutputParser()
        # llama.cpp holds one context: two generations at once would corrupt it.
        self._lock = threading.Lock() if serialize else None

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        inputs = {"context": prompts.format_passages(self.prompts_dir, passages), "question": question}
        with self._locked():
            try:
                yield from self.answer_chain.stream(inputs)
            except GeneratorError:
                raise
            except Exception as exc:  # backends raise many types (connection, timeout, runtime)
                raise self._failure(exc) from exc

    def _failure(self, exc: Exception) -> GeneratorError:
        where = f" at {self.location}" if self.location else ""
        return GeneratorError(f"the {self.name} generator{where} failed: {exc} "
                              "Check that it is running, or choose another generator.")

    def condense(self, question: str, history: list[dict]) -> str:
        if not history or not needs_context(question, history):
            return question  # cheap path: nothing in the question leans on the conversation
        inputs = {"history": prompts.format_history(history[-6:]), "question": question}
        with self._locked():
            try:
                rewritten = self.condense_chain.invoke(inputs).strip().splitlines()
            except Exception as exc:
                raise self._failure(exc) from exc
        return rewritten[0].strip().strip('"') if rewritten and rewritten[0].strip() else question

    def _locked(self):
        return self._lock if self._lock else _NoLock()


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
