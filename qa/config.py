"""Typed settings: every knob in one place, read from QA_* environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Must be set before any ML library is imported: nothing may reach a model hub.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

class BindError(RuntimeError):
    """Serving beyond localhost without a token (here, not in qa.server, so the CLI need not import Gradio)."""


Backend = Literal["llamacpp", "extractive", "openai"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    # Store
    store_path: Path = PROJECT_ROOT / "vectorstore"
    collection: str = "articles"
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset = embedded store")
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    # Embeddings and chunking
    embedder: str = "all-MiniLM-L6-v2"
    chunk_tokens: int = Field(180, description="cl100k tokens per chunk; MiniLM truncates at 256 word pieces")
    chunk_overlap: int = 40
    ingest_batch: int = Field(256, description="chunks embedded and written together (across files)")
    max_article_bytes: int = Field(2 * 1024 * 1024, description="bigger files are skipped with a reason")

    # Retrieval
    top_k: int = 5
    fetch_k: int = 20
    passage_tokens: int = Field(70, description="prompt budget per passage for the local LLM (best sentences)")
    min_relevance: float = Field(0.35, description="below this dense similarity a passage is treated as off topic")

    # Generation
    backend: Backend = "llamacpp"
    model_path: Path = PROJECT_ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    n_ctx: int = 4096
    n_threads: int | None = None
    max_tokens: int = 320
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "local"
    openai_api_key: str = "not-needed"
    openai_timeout: float = 60.0
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    # Serving and limits
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = 2000
    max_history_turns: int = 6
    queue_max_waiting: int = Field(8, description="questions allowed to wait for a generator; more get 503")
    queue_timeout: float = Field(120.0, description="seconds a question may wait for a generator")
    openai_concurrency: int = 4
    extractive_concurrency: int = 8
    upload_dir: Path = PROJECT_ROOT / "uploads"
    max_upload_bytes: int = 10 * 1024 * 1024
    feedback_path: Path = Field(PROJECT_ROOT / "feedback" / "feedback.jsonl",
                                description="readers' votes from the chat; `qa eval --from-feedback` reads it")
    api_token: str | None = Field(None, description="when set, the API and the chat require it")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
