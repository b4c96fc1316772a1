"""One question's path: condense → retrieve → candidates → evidence → write (streamed) → verify → versions
→ dates → Answer. Each step is a module of qa.answering; this file only runs them in order and times them."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date

from qa.answering.broad import Line, compose, points, render
from qa.answering.candidates import Candidate, candidates
from qa.answering.dates import about_present, as_of_note, attribute_dates
from qa.answering.evidence import Selection, refusal_reason, unstated_reason
from qa.answering.kind_model import KindModel
from qa.answering.kinds import FACT, KindChoice, combined, decide, named
from qa.answering.scoring import SentenceScorer
from qa.answering.timeline import Dated
from qa.answering.verify import Verdict, answers_question, verify
from qa.answering.versions import versions, with_versions
from qa.answering.write import claims
from qa.config import Settings
from qa.errors import QAError
from qa.llm.base import Generator
from qa.queue import GenerationQueue
from qa.retrieval import Filters, Retriever
from qa.text import missing_names, names, strip_markers
from qa.types import Answer, Citation, Passage

REFUSAL = "The articles don't say."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QuestionError(QAError, ValueError):
    """The question or history cannot be answered as given; the message says why."""

    http_status = 422


@dataclass(frozen=True)
class Token:
    """Text of the answer as it is written: a draft before verification, or (a broad answer's lines) each line
    once it is verified. The final Answer holds what was checked, in its final order."""

    text: str
    checked: bool = False


def clean_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    question = _CONTROL.sub(" ", question).strip()
    if not question:
        raise QuestionError("the question is empty: type a question about the articles")
    if len(question) > max_chars:
        raise QuestionError(
            f"the question is {len(question)} characters; the limit is {max_chars} "
            "(QA_MAX_QUESTION_CHARS): ask something shorter"
        )
    return question


def clean_history(history: list[dict] | None, max_turns: int, max_chars: int) -> list[dict]:
    turns = []
    for turn in history or []:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise QuestionError('each history turn must be {"role": "user"|"assistant", "content": "..."}')
        content = _CONTROL.sub(" ", str(turn.get("content") or "")).strip()[: max_chars * 2]
        turns.append({"role": turn["role"], "content": strip_markers(content)})
    return turns[-max_turns * 2 :]


@dataclass(frozen=True)
class Evidence:
    """What the answer is being drawn from, shown before it is written: the retrieved passages ("reading"),
    then the chosen sentences ("chosen"). The final Answer's citations replace it."""

    stage: str
    citations: list[Citation]


class Timer:
    def __init__(self):
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        mark = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - mark, 4)

    def mark(self, name: str) -> None:
        self.timings.setdefault(name, round(time.perf_counter() - self.started, 4))

    def done(self) -> dict[str, float]:
        self.timings["total"] = round(time.perf_counter() - self.started, 4)
        return self.timings


class Chain:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator,
        scorer: SentenceScorer,
        settings: Settings,
        queue: GenerationQueue,
        kind_model: KindModel | None = None,
    ):
        self.queue = queue
        self.kind_model = kind_model
        self.retriever = retriever
        self.generator = generator
        self.scorer = scorer
        self.settings = settings
        self.policy = settings.policy

    def stream(
        self,
        question: str,
        history: list[dict],
        k: int | None = None,
        filters: Filters | None = None,
        kind: str | None = None,
    ) -> Iterator[Evidence | Token | Answer]:
        """Yields Evidence as soon as it is known, Token(text) while the answer is written (a draft; a broad
        answer's lines arrive verified), then the verified Answer. `kind` names the kind of answer (None or
        "auto": the generator decides, qa.answering.kinds)."""
        timer = Timer()
        with timer.step("condense"):
            standalone = question
            if history:
                with self.queue.slot():
                    standalone = self.generator.condense(question, history)
        with timer.step("kind"):
            choice = self._kind(standalone, kind)
        broad = choice.kind != FACT
        with timer.step("retrieve"):
            wanted = max(k or 0, self.policy.broad.passages) if broad else k
            passages = self.retriever.retrieve(standalone, k=wanted, filters=filters)
        debug: dict = {
            "backend": self.generator.name,
            "standalone_question": standalone,
            "kind": choice.to_dict(),
            "passages": [_passage_debug(p) for p in passages],
        }
        if passages:
            timer.mark("evidence")
            yield Evidence("reading", [p.citation(p.n, p.text) for p in passages])
        reason = precheck(standalone, passages, self.policy.min_relevance)
        if reason:
            yield _refusal(reason, timer, debug)
            return
        if broad:
            yield from self._broad(standalone, choice.kind, passages, timer, debug)
            return
        with timer.step("candidates"):
            found = candidates(standalone, passages, self.scorer, self.policy.candidates)
        debug["candidates"] = [_candidate_debug(c) for c in found]
        reason = unstated_reason(found, self.policy.min_stating)
        if reason:
            yield _refusal(reason, timer, debug)
            return
        with self.queue.slot():  # only generation queues; retrieval above runs concurrently
            with timer.step("select"):
                selection = self.generator.select(standalone, found)
            debug["selection"] = {"ids": list(selection.ids), "confidence": selection.confidence, **selection.detail}
            reason = refusal_reason(selection)
            if reason:
                yield _refusal(reason, timer, debug, selection.confidence)
                return
            chosen = selection.chosen(found)
            yield Evidence("chosen", [c.citation(n) for n, c in enumerate(chosen, start=1)])
            raw: list[str] = []
            with timer.step("write"):
                for text in self.generator.write(standalone, found, selection):
                    timer.mark("first_token")
                    raw.append(text)
                    yield Token(text)
            debug["raw_answer"] = "".join(raw)
            with timer.step("verify"):
                judge = self.generator.judge if self.generator.judges else None
                verdicts = verify(claims("".join(raw), chosen), chosen, self.policy, judge, standalone)
        debug["verdicts"] = [v.to_dict() for v in verdicts]
        answer = self._answer(standalone, verdicts, found, selection, timer, debug)
        yield self._dated(answer, standalone, filters)

    def _kind(self, question: str, asked: str | None) -> KindChoice:
        if asked and asked != "auto":
            return named(asked)
        source = self.policy.broad.kind_source
        found: list[dict[str, float] | None] = []
        if source in ("model", "both") and self.kind_model is not None:
            found.append(self.kind_model.probabilities(question))
        if source in ("generator", "both"):
            with self.queue.slot():
                found.append(self.generator.kind(question))
        return decide(combined(found), self.policy.broad.kind_bias.get(source, {}))

    def _broad(
        self, question: str, kind: str, passages: list[Passage], timer: Timer, debug: dict
    ) -> Iterator[Evidence | Token | Answer]:
        """A broad answer: points chosen across the passages, each written as one line and verified; the lines
        are streamed as they pass, in their final order except a comparison's grouping."""
        policy = self.policy.broad
        with timer.step("candidates"):
            found = candidates(question, passages, self.scorer, policy.candidates)
            vectors = self.scorer.vectors_of([(c.passage, c.sentence) for c in found])
            dated = points(kind, question, found, vectors, policy)
        debug["candidates"] = [_candidate_debug(c) for c in found]
        yield Evidence("chosen", [c.citation(n) for n, (c, _) in enumerate(dated, start=1)])
        lines: list[Line] = []
        writes = policy.writer == "model" and self.generator.judges  # quoting needs no model, so no queue slot
        with self.queue.slot() if writes else nullcontext(), timer.step("write"):
            for n, (point, when) in enumerate(dated, start=1):
                line = self._line(question, point, when, debug) if writes else Line(point.sentence, point, 1.0, when)
                if line:
                    timer.mark("first_token")
                    lines.append(line)
                    yield Token(render(line, n) + "\n", checked=True)
        if not lines:
            yield _refusal("no line of the answer is supported by its evidence", timer, debug)
            return
        text, cited = compose(kind, lines)
        confidence = min(line.support for line in lines)
        citations = [c.citation(n) for n, c in enumerate(cited, start=1)]
        yield Answer(text, False, citations, timer.done(), debug, False, confidence)

    def _line(self, question: str, point: Candidate, when: Dated | None, debug: dict) -> Line | None:
        """One line written by the generator from one point, kept only when verified."""
        draft = "".join(self.generator.line(question, point)).strip()
        found = claims(draft, [point])[:1]  # one claim per line: a second sentence is not checked, so not kept
        verdicts = verify(found, [point], self.policy, self.generator.judge, question) if found else []
        debug.setdefault("verdicts", []).extend(v.to_dict() for v in verdicts)
        kept = [v for v in verdicts if v.kept]
        return Line(kept[0].claim.text, point, kept[0].support, when) if kept else None

    def _answer(
        self,
        question: str,
        verdicts: list[Verdict],
        found: list[Candidate],
        selection: Selection,
        timer: Timer,
        debug: dict,
    ) -> Answer:
        kept = [v for v in verdicts if v.kept]
        text, cited = _numbered(kept, {c.id: c for c in found})
        # the answer is as sure as its choice of evidence, its best-supported sentence and (with the answer-sentence
        # model) its evidence's best P(states the answer)
        stating = [c.stating for c in cited if c.stating is not None]
        confidence = min(selection.confidence, max((v.support for v in kept), default=0.0), max(stating, default=1.0))
        floor = self.policy.floor(self.generator.name)
        low = f"confidence {confidence:.2f} is below the calibrated floor {floor:.2f}" if confidence < floor else None
        reason = (
            "no sentence of the answer is supported by its evidence"
            if not kept
            else (answers_question(question, text) or low)
        )
        if reason:
            return _refusal(reason, timer, debug, confidence)
        with timer.step("versions"):
            other = versions(question, cited, selection.chosen(found), self.policy.same_statement)
            if other.other is not None:
                cited = [*cited, other.other]
            text = with_versions(text, other, cited)
        citations = [c.citation(n) for n, c in enumerate(cited, start=1)]
        return Answer(text, False, citations, timer.done(), debug, other.differ, confidence)

    def _dated(self, answer: Answer, question: str, filters: Filters | None) -> Answer:
        """An answer about now says as of when (and how old its evidence is); otherwise relative dates in it
        ("on Monday") are pinned to their article's date."""
        if answer.refused:
            return answer
        as_of = filters.as_of if filters else None
        if as_of or about_present(question, self.settings.present_words):
            now = as_of or date.today().isoformat()
            answer.answer = as_of_note(answer.answer, answer.citations, now, self.settings.stale_days)
        else:
            answer.answer = attribute_dates(answer.answer, answer.citations)
        return answer


def _numbered(kept: list[Verdict], by_id: dict[int, Candidate]) -> tuple[str, list[Candidate]]:
    """The kept sentences with their evidence renumbered [1], [2]… in order of first citation."""
    order: list[int] = []
    lines = []
    for verdict in kept:
        ns = []
        for i in verdict.claim.ids:
            if i not in order:
                order.append(i)
            ns.append(order.index(i) + 1)
        body = verdict.claim.text.rstrip()
        stop = body[-1] if body[-1:] in (".", "!", "?") else "."
        lines.append(f"{body.rstrip('.!?')} {''.join(f'[{n}]' for n in ns)}{stop}")
    return " ".join(lines), [by_id[i] for i in order]


def precheck(question: str, passages: list[Passage], min_relevance: float) -> str | None:
    """Why no generation is worth trying, or None. Cheap checks that keep a model from guessing."""
    if not passages:
        return "no articles match (is anything ingested? are the filters too narrow?)"
    if not any(p.dense_score >= min_relevance or p.keyword_hit for p in passages):
        return "no passage is close enough to the question"
    asked = names(question)
    if asked and missing_names(question, " ".join(p.text + " " + p.about for p in passages)) == asked:
        return f"the passages never mention {', '.join(sorted(asked))}"
    return None


def _refusal(reason: str, timer: Timer, debug: dict, confidence: float = 0.0) -> Answer:
    debug["refusal_reason"] = reason
    return Answer(REFUSAL, True, [], timer.done(), debug, confidence=confidence)


def _passage_debug(p: Passage) -> dict:
    return {
        "n": p.n,
        "source": p.source,
        "chunk": p.metadata.get("chunk"),
        "score": round(p.score, 4),
        "dense_score": round(p.dense_score, 4),
        "keyword": p.keyword_hit,
    }


def _candidate_debug(c: Candidate) -> dict:
    stating = None if c.stating is None else round(c.stating, 4)
    return {"id": c.id, "source": c.source, "score": round(c.score, 4), "stating": stating, "sentence": c.sentence}
