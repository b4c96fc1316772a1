"""The default generator: the packaged Qwen2.5 1.5B GGUF through llama-cpp-python.

The reply is one JSON object, evidence first; the ids are decoded under a mask that lets only existing sentence
ids (or none) be named. The confidence is read from the logits of the first token after
`{"evidence": [`: probability of an id against "]" (no evidence). Until a sampled token is read back, the
context holds the last prompt position's logits, so no `logits_all` (n_ctx × vocab floats) is needed. Writing
continues the same prompt after the chosen ids, so the candidates are read once (the KV cache holds them)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from functools import cached_property
from typing import Any, cast

import numpy as np
import regex

from qa.answering.candidates import Candidate
from qa.answering.evidence import Selection
from qa.answering.kinds import KINDS
from qa.config import AnswerPolicy, Settings
from qa.llm import prompts
from qa.llm.base import GeneratorError
from qa.llm.extractive import needs_context
from qa.llm.model_files import ModelError, assemble
from qa.llm.runtime_check import ensure_runnable

# The answer is a JSON string: it ends at its closing quote (or a line break, which a string cannot hold). Stop
# strings end it as a grammar would, at half the cost per token: a grammar is checked against every token of the
# vocabulary at each step (docs/benchmarks.md).
_ANSWER_END = ['"', "\n"]
_QUESTION_GRAMMAR = 'root ::= [A-Z] [^\\n?]+ "?"\n'  # one line, a capital first, ending at its question mark


class LlamaGenerator:
    name = "llamacpp"
    judges = True
    writes_examples = True

    def __init__(self, llama, prompts_dir, policy: AnswerPolicy, max_tokens: int):
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama, self.prompts_dir, self.policy, self.max_tokens = llama, prompts_dir, policy, max_tokens
        template = llama.metadata.get("tokenizer.chat_template", "")
        self._format = Jinja2ChatFormatter(template, eos_token="<|im_end|>", bos_token="")
        self._lock = threading.Lock()  # one context: two generations at once would corrupt it
        self._grammars: dict[str, object] = {}

    def select(self, question: str, candidates: list[Candidate]) -> Selection:
        prompt = self._select_prompt(question, candidates)
        mask = IdsMask(self._id_pieces, self._ends, [c.id for c in candidates], self.policy.max_evidence)
        with self._lock:
            tokens = self._stream(prompt, 24, None, mask=mask)
            first = next(tokens, "")  # the sampled token is not read yet: the logits are still the prompt's last
            ids_mass, none_mass = self._mass("ids"), self._mass("none")
            reply = first + "".join(tokens)
        valid = {c.id for c in candidates}
        ids = [i for i in dict.fromkeys(int(n) for n in re.findall(r"\d+", reply)) if i in valid]
        confidence = ids_mass / (ids_mass + none_mass) if ids_mass + none_mass > 0 else 0.0
        return Selection(tuple(ids[: self.policy.max_evidence]), round(confidence, 4), {"reply": reply})

    def write(self, question: str, candidates: list[Candidate], selection: Selection) -> Iterator[str]:
        reply = selection.detail.get("reply") or ", ".join(map(str, selection.ids)) + "]"
        prompt = self._select_prompt(question, candidates) + reply + prompts.ANSWER_PREFIX
        with self._lock:
            yield from self._stream(prompt, self.max_tokens, None, stop=_ANSWER_END)

    def judge(self, evidence: list[str], claim: str, question: str) -> float:
        prompt = self._prompt(prompts.judge_messages(self.prompts_dir, evidence, claim, question))
        with self._lock:
            self._complete(prompt, 1, None)  # only reads the prompt: P(yes) comes from the raw logits, not the sample
            yes, no = self._mass("yes"), self._mass("no")
        return yes / (yes + no) if yes + no > 0 else 0.0

    def kind(self, question: str) -> dict[str, float]:
        """P(each kind) from the logits of the reply's first token: each kind's word, any case, with or without a
        leading space (the words start with different tokens)."""
        prompt = self._prompt(prompts.kind_messages(self.prompts_dir, question))
        with self._lock:
            self._complete(prompt, 1, None)  # reads the prompt; the logits are its last position's
            mass = {kind: self._mass_of(ids) for kind, ids in self._kind_tokens.items()}
        total = sum(mass.values())
        return {kind: m / total for kind, m in mass.items()} if total > 0 else {}

    def line(self, question: str, candidate: Candidate) -> Iterator[str]:
        prompt = self._prompt(prompts.line_messages(self.prompts_dir, question, candidate))
        with self._lock:
            yield from self._stream(prompt, 60, None, stop=["\n"])

    def condense(self, question: str, history: list[dict]) -> str:
        if not history or not needs_context(question, history):
            return question  # cheap path: nothing in the question leans on the conversation
        prompt = self._prompt(prompts.condense_messages(self.prompts_dir, question, history))
        with self._lock:
            lines = self._complete(prompt, 60, None).strip().splitlines()
        return lines[0].strip().strip('"') if lines and lines[0].strip() else question

    def example_question(self, passage: str) -> str | None:
        prompt = self._prompt(prompts.example_messages(self.prompts_dir, passage))
        with self._lock:
            text = self._complete(prompt, 40, self._grammar(_QUESTION_GRAMMAR)).strip()
        return text if text.endswith("?") else None  # cut off at 40 tokens: no question

    def _select_prompt(self, question: str, candidates: list[Candidate]) -> str:
        messages = prompts.select_messages(self.prompts_dir, question, candidates, self.policy.max_evidence)
        return self._prompt(messages) + prompts.EVIDENCE_PREFIX

    def _prompt(self, messages: prompts.Messages) -> str:
        return self._format(messages=cast(Any, messages)).prompt  # plain role/content dicts are what it reads

    def _complete(self, prompt: str, max_tokens: int, grammar) -> str:
        return "".join(self._stream(prompt, max_tokens, grammar))

    def _stream(self, prompt: str, max_tokens: int, grammar, stop: list[str] | None = None, mask=None) -> Iterator[str]:
        from llama_cpp import LogitsProcessorList

        try:
            for part in self.llama.create_completion(
                prompt,
                max_tokens=max_tokens,
                temperature=0.0,
                stream=True,
                grammar=grammar,
                logits_processor=LogitsProcessorList([mask]) if mask else None,
                repeat_penalty=1.05,
                stop=["<|im_end|>", *(stop or [])],
            ):
                yield part["choices"][0]["text"]
        except Exception as exc:  # llama.cpp raises RuntimeError/ValueError (context full, decode failure)
            raise GeneratorError(f"the local model failed: {exc}") from exc

    def _mass(self, group: str) -> float:
        return self._mass_of(self._groups[group])

    def _mass_of(self, ids: list[int]) -> float:
        """Probability mass of tokens at the last position (softmax numerator, shared scale)."""
        logits = np.ctypeslib.as_array(self.llama._ctx.get_logits_ith(-1), shape=(self.llama.n_vocab(),))
        return float(np.exp(logits[ids].astype(np.float64) - float(logits.max())).sum())

    @cached_property
    def _kind_tokens(self) -> dict[str, list[int]]:
        def first(word: str) -> int:
            return self.llama.tokenize(word.encode(), add_bos=False, special=False)[0]

        return {
            kind: sorted({first(v) for v in (kind, kind.capitalize(), f" {kind}", f" {kind.capitalize()}")})
            for kind in KINDS
        }

    @cached_property
    def _pieces(self) -> list[str]:
        """The text of every token of the vocabulary, read once per loaded model."""
        return [self.llama.detokenize([i]).decode("utf-8", "ignore") for i in range(self.llama.n_vocab())]

    @cached_property
    def _id_pieces(self) -> dict[int, str]:
        """Every token an id list can be written with: digits, commas, spaces and brackets only."""
        return {i: p for i, p in enumerate(self._pieces) if p and set(p) <= set("0123456789, ]")}

    @cached_property
    def _ends(self) -> list[int]:
        return [self.llama.token_eos(), *self.llama.tokenize(b"<|im_end|>", add_bos=False, special=True)]

    @cached_property
    def _groups(self) -> dict[str, list[int]]:
        """Tokens that start each kind of reply: a sentence id (digits), no evidence ("]..."), yes, no."""
        pieces = self._pieces
        return {
            "ids": [i for i, p in enumerate(pieces) if p.isdigit() and p[0] != "0"],
            "none": [i for i, p in enumerate(pieces) if p.startswith("]")],
            "yes": [i for i, p in enumerate(pieces) if p.strip().lower() == "yes"],
            "no": [i for i, p in enumerate(pieces) if p.strip().lower() == "no"],
        }

    def _grammar(self, gbnf: str):
        if gbnf not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[gbnf] = LlamaGrammar.from_string(gbnf, verbose=False)
        return self._grammars[gbnf]


class IdsMask:
    """A logits processor for the evidence ids: "]" (no evidence) or up to `most` of the given ids, comma-separated,
    then "]", then the end of the reply. It allows what a GBNF grammar of that list would, but checks only the
    tokens an id list can be made of; a grammar checks all 151k tokens of the vocabulary at each step (38 ms a
    token here against 25 unconstrained, docs/benchmarks.md)."""

    def __init__(self, pieces: dict[int, str], ends: list[int], ids: list[int], most: int):
        one = "|".join(sorted(map(str, ids), key=len, reverse=True))
        self.pattern = regex.compile(rf"\]|(?:{one})(?:, (?:{one})){{0,{most - 1}}}\]")
        self.pieces, self.ends = pieces, ends
        self.start: int | None = None  # where the reply begins: the context's length at the first call

    def __call__(self, input_ids, scores):
        self.start = len(input_ids) if self.start is None else self.start
        text = "".join(self.pieces.get(int(t), "\x00") for t in input_ids[self.start :])
        if self.pattern.fullmatch(text):
            allowed = self.ends
        else:
            allowed = [t for t, p in self.pieces.items() if self.pattern.fullmatch(text + p, partial=True)]
        masked = np.full_like(scores, -np.inf)
        masked[allowed] = scores[allowed]
        return masked


def load_llama(settings: Settings):
    try:
        path = assemble(settings.model_path)
    except ModelError as exc:
        raise GeneratorError(str(exc)) from exc
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise GeneratorError("llama-cpp-python is not installed: run `make install`") from exc
    try:
        ensure_runnable(path)  # a crash in a child is a message here, not a segfault of this process
    except ModelError as exc:
        raise GeneratorError(str(exc)) from exc
    return Llama(
        model_path=str(path),
        n_ctx=settings.n_ctx,
        n_batch=512,
        n_threads=settings.n_threads or os.cpu_count(),
        seed=0,
        verbose=False,
    )


def llamacpp_generator(settings: Settings) -> LlamaGenerator:
    return LlamaGenerator(load_llama(settings), settings.prompts_dir, settings.policy, settings.max_tokens)
