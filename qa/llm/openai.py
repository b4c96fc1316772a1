"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp's server, OpenAI) as the generator."""

from __future__ import annotations

from qa.config import Settings
from qa.llm.chat import ChatGenerator


def openai_generator(settings: Settings) -> ChatGenerator:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        temperature=0.0,
        max_tokens=settings.max_tokens,
        timeout=settings.openai_timeout,
        max_retries=0,  # a server that is down should fail fast, not after minutes of retries
        streaming=True,
    )
    return ChatGenerator("openai", model, settings.prompts_dir, serialize=False,
                         location=settings.openai_base_url)
