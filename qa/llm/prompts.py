"""Prompt templates live in prompts/*.md; this module only reads and fills them into chat messages.

Every conversation starts with the same system message, so llama.cpp reuses its cached prefix across
questions. The evidence and the answer come in one JSON reply, evidence first: the answer is written
after the choice, in the same context, and verification holds it to the chosen sentences."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import PromptTemplate

from qa.answering.candidates import Candidate

Messages = list[dict[str, str]]
EVIDENCE_PREFIX = '{"evidence": ['  # the reply starts here; its next token is an id or "]" (none)
ANSWER_PREFIX = ', "answer": "'


@lru_cache(maxsize=16)
def read(prompts_dir: Path, name: str) -> str:
    path = prompts_dir / f"{name}.md"
    if not path.exists():
        raise FileNotFoundError(f"prompt template {path} is missing (QA_PROMPTS_DIR={prompts_dir})")
    return path.read_text(encoding="utf-8").strip()


def _fill(prompts_dir: Path, name: str, **values: object) -> str:
    return PromptTemplate.from_template(read(prompts_dir, name)).format(**values)


def _system(prompts_dir: Path) -> dict[str, str]:
    return {"role": "system", "content": read(prompts_dir, "system")}


def numbered(candidates: list[Candidate]) -> str:
    return "\n".join(f"[{c.id}] {c.header()}{c.sentence}" for c in candidates)


def select_messages(prompts_dir: Path, question: str, candidates: list[Candidate], most: int) -> Messages:
    text = _fill(prompts_dir, "select", candidates=numbered(candidates), question=question, most=most)
    return [_system(prompts_dir), {"role": "user", "content": text}]


def judge_messages(prompts_dir: Path, evidence: list[str], claim: str, question: str) -> Messages:
    text = _fill(prompts_dir, "judge", evidence="\n".join(evidence), claim=claim, question=question)
    return [_system(prompts_dir), {"role": "user", "content": text}]


def kind_messages(prompts_dir: Path, question: str) -> Messages:
    return [{"role": "user", "content": _fill(prompts_dir, "kind", question=question)}]


def line_messages(prompts_dir: Path, question: str, candidate: Candidate) -> Messages:
    source = f" ({header})" if (header := candidate.header().strip("() ")) else ""
    text = _fill(prompts_dir, "line", source=source, sentence=candidate.sentence, question=question)
    return [_system(prompts_dir), {"role": "user", "content": text}]


def condense_messages(prompts_dir: Path, question: str, history: list[dict]) -> Messages:
    text = _fill(prompts_dir, "condense", history=format_history(history[-6:]), question=question)
    return [{"role": "user", "content": text}]


def example_messages(prompts_dir: Path, passage: str) -> Messages:
    return [{"role": "user", "content": _fill(prompts_dir, "example", passage=passage)}]


def format_history(history: list[dict]) -> str:
    return "\n".join(f"{turn['role'].capitalize()}: {turn['content']}" for turn in history)


def parse_reply(reply: str) -> tuple[list[int], str]:
    """(evidence ids, answer) from a JSON reply; tolerant of text around the JSON and of plain lists."""
    found = re.search(r"\{.*\}", reply, re.DOTALL)
    try:
        data = json.loads(found.group()) if found else {}
    except json.JSONDecodeError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    evidence = data.get("evidence")
    if not isinstance(evidence, list):
        head = reply.split('"answer"')[0]
        evidence = re.findall(r"\d+", head) if "none" not in head.lower() else []
    ids = [int(i) for i in evidence if str(i).strip().isdigit()]
    answer = data.get("answer")
    return ids, answer if isinstance(answer, str) else ""
