"""A Generator over an OpenAI-compatible chat server (vLLM, Ollama, llama.cpp's server, OpenAI).

The same prompt as the local model: one JSON reply, evidence first, then the answer (asked for with the
server's JSON mode; read with a tolerant parser). A reply that names no valid id is a refusal with its
reason in the debug info, never an error. The server gives no grammar, so the confidence is 1 when it
names evidence; P(yes) for judgements comes from the first token's log-probabilities when the server
returns them, else from the reply's word."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from qa.answering.candidates import Candidate
from qa.answering.evidence import Selection
from qa.answering.kinds import KINDS
from qa.config import AnswerPolicy, Settings
from qa.llm import prompts
from qa.llm.base import GeneratorError
from qa.llm.extractive import needs_context


class ChatGenerator:
    judges = True
    writes_examples = True

    def __init__(self, name: str, model, location: str, prompts_dir, policy: AnswerPolicy):
        self.name, self.model, self.location = name, model, location
        self.prompts_dir, self.policy = prompts_dir, policy
        self._logprobs = True

    def select(self, question: str, candidates: list[Candidate]) -> Selection:
        messages = prompts.select_messages(self.prompts_dir, question, candidates, self.policy.max_evidence)
        reply = self._invoke(messages, response_format={"type": "json_object"})
        ids, answer = prompts.parse_reply(str(reply.content))
        valid = {c.id for c in candidates}
        ids = [i for i in dict.fromkeys(ids) if i in valid][: self.policy.max_evidence]
        detail = {"reply": str(reply.content)[:2000], "answer": answer}
        if not ids:
            detail["reason"] = "the reply named no valid sentence id"
        return Selection(tuple(ids), float(bool(ids and answer)), detail)

    def write(self, question: str, candidates: list[Candidate], selection: Selection) -> Iterator[str]:
        yield selection.detail.get("answer", "")

    def judge(self, evidence: list[str], claim: str, question: str) -> float | None:
        messages = prompts.judge_messages(self.prompts_dir, evidence, claim, question)
        try:
            options = {"logprobs": True, "top_logprobs": 10} if self._logprobs else {}
            reply = self._invoke(messages, max_tokens=4, **options)
        except GeneratorError:
            if not self._logprobs:
                raise
            self._logprobs = False  # some servers refuse log-probabilities (llama.cpp without logits_all)
            reply = self._invoke(messages, max_tokens=4)
        first = ((reply.response_metadata.get("logprobs") or {}).get("content") or [{}])[0]
        mass = {"yes": 0.0, "no": 0.0}
        for top in first.get("top_logprobs", []):  # "Yes", "yes", " yes"… all count
            word = top["token"].strip().lower()
            if word in mass:
                mass[word] += math.exp(top["logprob"])
        yes, no = mass["yes"], mass["no"]
        if yes + no > 0:
            return yes / (yes + no)
        word = re.match(r"\W*(yes|no)\b", str(reply.content).strip().lower())
        return None if word is None else float(word.group(1) == "yes")  # None: no verdict, words decide

    def kind(self, question: str) -> dict[str, float] | None:
        """A server gives no logits to read here: the kind it names, as certain; None when it names none."""
        reply = str(self._invoke(prompts.kind_messages(self.prompts_dir, question), max_tokens=4).content)
        word = re.match(r"\W*([a-z]+)", reply.strip().lower())
        return {k: float(k == word.group(1)) for k in KINDS} if word and word.group(1) in KINDS else None

    def line(self, question: str, candidate: Candidate) -> Iterator[str]:
        reply = self._invoke(prompts.line_messages(self.prompts_dir, question, candidate), max_tokens=80)
        yield str(reply.content).strip().split("\n")[0]

    def condense(self, question: str, history: list[dict]) -> str:
        if not history or not needs_context(question, history):
            return question
        lines = (
            str(self._invoke(prompts.condense_messages(self.prompts_dir, question, history), max_tokens=60).content)
            .strip()
            .splitlines()
        )
        return lines[0].strip().strip('"') if lines and lines[0].strip() else question

    def example_question(self, passage: str) -> str | None:
        reply = self._invoke(prompts.example_messages(self.prompts_dir, passage), max_tokens=40)
        lines = str(reply.content).strip().splitlines()
        return lines[0].strip().strip('"') if lines else None

    def _invoke(self, messages: prompts.Messages, **options):
        roles = {"system": "system", "user": "human", "assistant": "ai"}
        try:
            return self.model.bind(**options).invoke([(roles[m["role"]], m["content"]) for m in messages])
        except Exception as exc:  # connection, timeout, HTTP status: many types
            raise GeneratorError(
                f"the {self.name} generator at {self.location} failed: {exc} "
                "Check that it is running, or choose another generator."
            ) from exc


def openai_generator(settings: Settings) -> ChatGenerator:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        temperature=0.0,
        max_tokens=settings.max_tokens,
        timeout=settings.openai_timeout,
        max_retries=0,
    )  # a server that is down should fail fast, not after minutes of retries
    return ChatGenerator("openai", model, settings.openai_base_url, settings.prompts_dir, settings.policy)
