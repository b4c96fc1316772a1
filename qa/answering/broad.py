"""Broad answers (a question in parts, an overview, a comparison, a timeline): several points, each one sentence
of an article, written as short lines, one claim per line, each verified and cited like any claim.

Points are chosen by maximal marginal relevance over the candidates (relevance against distance from the points
already chosen, on the sentence vectors the scorer already holds), never two that say the same thing. A timeline
orders its lines by the date each sentence states (qa.answering.timeline), else by its article's date; a
comparison groups its lines by outlet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from qa.answering.candidates import Candidate
from qa.answering.timeline import Dated, readable, stated_date
from qa.config import BroadPolicy
from qa.text import name_phrases, names, numbers

Point = tuple[Candidate, "Dated | None"]  # a sentence to write a line from, with its date in a timeline


@dataclass(frozen=True)
class Line:
    text: str  # one claim, without its marker
    point: Candidate  # the sentence it rests on
    support: float  # the verifier's (1.0 for a quoted sentence)
    when: Dated | None = None  # a timeline's date for it


def points(kind: str, question: str, found: list[Candidate], vectors: np.ndarray, policy: BroadPolicy) -> list[Point]:
    """The points of a broad answer, in the order they are to be written. A timeline takes the sentences that
    state a date (the events it can place); with fewer than `min_dated` of them it fills up with the others, each
    dated by its article."""
    limit = policy.lines.get(kind, 6)
    if kind != "timeline" or not found:
        return [(found[i], None) for i in choose(question, found, vectors, policy, limit, range(len(found)))]
    dates = [stated_date(c.sentence, c.passage.field("published")) for c in found]
    stated = [i for i, d in enumerate(dates) if d and d.stated]
    chosen = choose(question, found, vectors, policy, limit, stated)
    if len(chosen) < policy.min_dated:  # too few dated events to order: fill up with undated sentences
        rest = [i for i in range(len(found)) if i not in stated]
        chosen += choose(question, found, vectors, policy, limit - len(chosen), rest, taken=chosen)
    return in_time_order([(found[i], dates[i]) for i in chosen])


def choose(
    question: str,
    found: list[Candidate],
    vectors: np.ndarray,
    policy: BroadPolicy,
    limit: int,
    among: Iterable[int],
    taken: Sequence[int] = (),
) -> list[int]:
    """Up to `limit` indices of `found` (best first, with their sentence vectors, unit length) from `among`, by
    maximal marginal relevance, never one as close as `same_point` to a point already chosen (or `taken`).
    langchain's maximal_marginal_relevance ranks by cosine to the query alone; here relevance is the scorer's
    (meaning and words), so the greedy loop is written out."""
    if not found or limit <= 0:
        return []
    pool = [i for i in among if found[i].score >= policy.min_share * found[0].score]
    similar = vectors @ vectors.T
    worth = [(1 - policy.specificity) * c.score + policy.specificity * specific(c.sentence, question) for c in found]
    chosen: list[int] = []
    while pool and len(chosen) < limit:
        closest = {i: max((float(similar[i, j]) for j in [*taken, *chosen]), default=0.0) for i in pool}
        pick = max(pool, key=lambda i: policy.diversity * worth[i] - (1 - policy.diversity) * closest[i])
        pool.remove(pick)
        if closest[pick] < policy.same_point:
            chosen.append(pick)
    return chosen


def specific(sentence: str, question: str) -> float:
    """How many facts of its own a sentence carries: names and figures the question does not give, three or more
    counting fully. "The talks are under way in Geneva" adds none; "Ryabkov called it a complicated discussion
    with Sherman" adds two."""
    asked = names(question) | numbers(question)
    own = {p for p in name_phrases(sentence) if not set(p) <= asked} | (numbers(sentence) - asked)
    return min(len(own), 3) / 3


def compose(kind: str, lines: list[Line]) -> tuple[str, list[Candidate]]:
    """The answer's text, one line per claim with its citation renumbered [1], [2]… in order of appearance, and
    the cited points in that order. A comparison of several outlets is grouped under each outlet's name."""
    groups = _by_outlet(lines) if kind == "comparison" else [("", lines)]
    cited: list[Candidate] = []
    out: list[str] = []
    for heading, group in groups:
        if heading:
            out.append(f"**{heading}**")
        for line in group:
            if line.point not in cited:
                cited.append(line.point)
            out.append(render(line, cited.index(line.point) + 1))
    return "\n".join(out), cited


def render(line: Line, n: int) -> str:
    body = line.text.strip().rstrip(".!?")
    stop = line.text.strip()[-1:] if line.text.strip()[-1:] in ("!", "?") else "."
    when = f"{_when(line.when)}: " if line.when else ""
    return f"- {when}{body} [{n}]{stop}"


def _when(dated: Dated) -> str:
    return readable(dated.day) if dated.stated else f"reported {readable(dated.day)}"


def _by_outlet(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    groups: dict[str, list[Line]] = {}
    for line in lines:
        m = line.point.passage.metadata
        groups.setdefault(str(m.get("publisher") or m.get("title") or line.point.source), []).append(line)
    return list(groups.items()) if len(groups) > 1 else [("", lines)]


def in_time_order(points: list[Point]) -> list[Point]:
    """Dated points by date (the order they were chosen breaks ties), then the undated ones."""
    ranked = sorted(enumerate(points), key=lambda ip: (ip[1][1] is None, ip[1][1].day if ip[1][1] else date.max, ip[0]))
    return [p for _, p in ranked]
