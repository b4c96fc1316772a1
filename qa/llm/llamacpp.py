"""The default generator: the packaged Qwen2.5 1.5B GGUF through llama-cpp-python, via LangChain."""

from __future__ import annotations

import os

from qa.config import Settings
from qa.llm.base import GeneratorError
from qa.llm.chat import ChatGenerator
from qa.llm.model_files import ModelError, assemble


def llamacpp_generator(settings: Settings) -> ChatGenerator:
    try:
        path = assemble(settings.model_path)
    except ModelError as exc:
        raise GeneratorError(str(exc)) from exc
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise GeneratorError("llama-cpp-python is not installed: run `make install`") from exc
    model = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.n_ctx,
        n_batch=512,
        n_threads=settings.n_threads or os.cpu_count(),
        max_tokens=settings.max_tokens,
        temperature=0.0,
        # LangChain's defaults (10000 / 1.0) override the GGUF's own rope settings and break Qwen2.5.
        rope_freq_base=0,
        rope_freq_scale=0,
        seed=0,
        verbose=False,
        streaming=True,
    )
    return ChatGenerator("llamacpp", model, settings.prompts_dir, serialize=True)
