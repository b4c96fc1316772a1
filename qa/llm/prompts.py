"""Prompt templates live in prompts/*.md; this module only reads and fills them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate, PromptTemplate

from qa.types import Passage


@lru_cache(maxsize=16)
def read(prompts_dir: Path, name: str) -> str:
    path = prompts_dir / f"{name}.md"
    if not path.exists():
        raise FileNotFoundError(f"prompt template {path} is missing (QA_PROMPTS_DIR={prompts_dir})")
    return path.read_text(encoding="utf-8").strip()


def answer_prompt(prompts_dir: Path) -> ChatPromptTemplate:
    # The system message is fixed, so llama.cpp reuses its KV cache across questions.
    return ChatPromptTemplate.from_messages([
        ("system", read(prompts_dir, "system").replace("{", "{{").replace("}", "}}")),
        ("human", read(prompts_dir, "answer")),
    ])


def condense_prompt(prompts_dir: Path) -> PromptTemplate:
    return PromptTemplate.from_template(read(prompts_dir, "condense"))


def header(passage: Passage) -> str:
    """Who published it and when; titles are left out to keep the prompt short."""
    m = passage.metadata
    parts = [m.get("publisher"), m.get("published"), f"by {m['author']}" if m.get("author") else None]
    return "(" + ", ".join(str(p) for p in parts if p) + ")" if any(parts) else ""


def format_passages(prompts_dir: Path, passages: list[Passage]) -> str:
    template = read(prompts_dir, "passage")
    return "\n\n".join(template.format(n=p.n, header=header(p), text=p.text) for p in passages)


def format_history(history: list[dict]) -> str:
    return "\n".join(f"{turn['role'].capitalize()}: {turn['content']}" for turn in history)
