"""One question's path: condense → retrieve → generate (streamed) → ground → Answer."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from qa.attribution import attribute_dates
from qa.config import Settings
from qa.conflicts import add_other_version
from qa.focus import SentenceScorer
from qa.grounding import REFUSAL, about, ground, missing_names, names
from qa.llm.base import Generator
from qa.queue import GenerationQueue
from qa.retrieval import Filters, Retriever
from qa.text import strip_markers
from qa.types import Answer, Passage

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QuestionError(ValueError):
    """The question or history cannot be answered as given; the message says why."""


@dataclass(frozen=True)
class Token:
    text: str


def clean_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    question = _CONTROL.sub(" ", question).strip()
    if not question:
        raise QuestionError("the question is empty: type a question about the articles")
    if len(question) > max_chars:
        raise QuestionError(f"the question is {len(question)} characters; the limit is {max_chars} "
                            "(QA_MAX_QUESTION_CHARS): ask something shorter")
    return question


def clean_history(history: list[dict] | None, max_turns: int, max_chars: int) -> list[dict]:
    turns = []
    for turn in history or []:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise QuestionError('each history turn must be {"role": "user"|"assistant", "content": "..."}')
        content = _CONTROL.sub(" ", str(turn.get("content") or "")).strip()[: max_chars * 2]
        turns.append({"role": turn["role"], "content": strip_markers(content)})
    return turns[-max_turns * 2:]


class Chain:
    def __init__(self, retriever: Retriever, generator: Generator, scorer: SentenceScorer, settings: Settings,
                 queue: GenerationQueue):
        self.queue = queue
        self.retriever = retriever
        self.generator = generator
        self.scorer = scorer
        self.settings = settings

    def stream(self, question: str, history: list[dict], k: int | None = None,
               filters: Filters | None = None) -> Iterator[Token | Answer]:
        """Yields Token(text) while generating, then the grounded Answer."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        standalone = question
        if history:
            with self.queue.slot():
                standalone = self.generator.condense(question, history)
        timings["condense"] = time.perf_counter() - started
        mark = time.perf_counter()
        passages = self.retriever.retrieve(standalone, k=k, filters=filters)
        timings["retrieve"] = time.perf_counter() - mark
        debug = {"backend": self.generator.name, "standalone_question": standalone,
                 "passages": [_passage_debug(p) for p in passages]}
        reason = _refusal_reason(standalone, passages, self.settings.min_relevance)
        if reason:
            timings["total"] = time.perf_counter() - started
            debug["refusal_reason"] = reason
            yield Answer(REFUSAL, True, [], _rounded(timings), debug)
            return
        mark = time.perf_counter()
        shown = passages
        if self.generator.reads_prompt:
            shown = self.scorer.focus(standalone, passages, self.settings.passage_tokens)
            timings["focus"] = time.perf_counter() - mark
        raw: list[str] = []
        with self.queue.slot():  # only generation queues; retrieval above runs concurrently
            for text in self.generator.stream(standalone, shown):
                if not raw:
                    timings["first_token"] = time.perf_counter() - started
                raw.append(text)
                yield Token(text)
        timings["generate"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # Closeness in meaning may stand in for word overlap only for written answers: extractive sentences
        # were picked by that same closeness, so for them it would wave unanswerable questions through.
        similarity = self.scorer.similarity if self.generator.reads_prompt else None
        grounded = ground("".join(raw), passages, standalone, similarity)
        grounded, differ = add_other_version(standalone, grounded, passages, self.scorer)
        text = attribute_dates(grounded.text, grounded.citations)
        timings["ground"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - started
        debug |= {"raw_answer": "".join(raw), "unsupported": grounded.unsupported}
        yield Answer(text, grounded.refused, grounded.citations, _rounded(timings), debug, differ)


def _refusal_reason(question: str, passages: list[Passage], min_relevance: float) -> str | None:
    """Why no generation is worth trying, or None. Cheap checks that keep a model from guessing."""
    if not passages:
        return "no articles match (is anything ingested? are the filters too narrow?)"
    if not any(p.dense_score >= min_relevance or p.keyword_hit for p in passages):
        return "no passage is close enough to the question"
    asked = names(question)
    if asked and missing_names(question, " ".join(p.text + " " + about(p) for p in passages)) == asked:
        return f"the passages never mention {', '.join(sorted(asked))}"
    return None


def _passage_debug(p: Passage) -> dict:
    return {"n": p.n, "source": p.source, "chunk": p.metadata.get("chunk"), "score": round(p.score, 4),
            "dense_score": round(p.dense_score, 4), "keyword": p.keyword_hit}


def _rounded(timings: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in timings.items()}
