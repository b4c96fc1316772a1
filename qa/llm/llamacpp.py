"""The default generator: the packaged Qwen2.5 1.5B GGUF through llama-cpp-python.

A small LangChain chat model over llama_cpp.Llama (langchain-community's ChatLlamaCpp is being
sunset), so the answer chain stays `prompt | model | parser` whatever the backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from qa.config import Settings
from qa.llm.base import GeneratorError
from qa.llm.chat import ChatGenerator
from qa.llm.model_files import ModelError, assemble

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any
    max_tokens: int = 320

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool):
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages]
        # temperature 0: the same question gets the same answer (and the eval is repeatable)
        return self.client.create_chat_completion(messages=chat, stop=stop, stream=stream, temperature=0.0,
                                                  max_tokens=self.max_tokens, repeat_penalty=1.05)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self._request(messages, stop, stream=True):
            token = part["choices"][0]["delta"].get("content")
            if token:
                if run_manager:
                    run_manager.on_llm_new_token(token)
                yield ChatGenerationChunk(message=AIMessageChunk(content=token))


def load_llama(settings: Settings):
    try:
        path = assemble(settings.model_path)
    except ModelError as exc:
        raise GeneratorError(str(exc)) from exc
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise GeneratorError("llama-cpp-python is not installed: run `make install`") from exc
    return Llama(model_path=str(path), n_ctx=settings.n_ctx, n_batch=512,
                 n_threads=settings.n_threads or os.cpu_count(), seed=0, verbose=False)


def llamacpp_generator(settings: Settings) -> ChatGenerator:
    model = LlamaCppChat(client=load_llama(settings), max_tokens=settings.max_tokens)
    return ChatGenerator("llamacpp", model, settings.prompts_dir, serialize=True)
