"""Sources that disagree on a number: for "how many / how much / how long / when" questions, an answer
whose articles give different figures shows each figure with its own citation and says they differ.

Only numbers are compared. A broader check (other names, other key words) was tried and measured: on
eval/questions.jsonl it flagged 14 answers, 13 of them paraphrases or complementary facts, and cut
citation precision from 0.94 to 0.81 (see the issue notes), so a wrong "they differ" costs more than
it gains. Other disagreements are left to the generator, whose prompt asks for both versions."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.focus import Scored, SentenceScorer
from qa.grounding import Grounded
from qa.text import numbers
from qa.types import Citation, Passage

CLOSE = 0.9  # the other version must score at least this share of the answer's best sentence
MIN_SCORE = 0.45  # and be relevant in its own right
_QUANTITY = re.compile(r"^\s*(how (many|much|long|old|far)|when|in which year|what year)\b", re.IGNORECASE)
DIFFER = "The articles differ on this."


def add_other_version(question: str, grounded: Grounded, passages: list[Passage],
                      scorer: SentenceScorer) -> tuple[Grounded, bool]:
    """(the answer, possibly with a second version appended; whether the sources differ)."""
    if grounded.refused or not _QUANTITY.search(question):
        return grounded, False
    asked = numbers(question)
    if _cited_figures_differ(grounded.citations, asked):  # the generator already gave both
        return replace(grounded, text=f"{grounded.text} {DIFFER}"), True
    other = _candidate(grounded.citations, scorer.score(question, passages))
    if other is None or not _differ(numbers(grounded.text) - asked, numbers(other.sentence) - asked):
        return grounded, False
    who = other.passage.metadata.get("publisher") or "Another article"
    text = f"{grounded.text} The articles differ: {who} reports “{other.sentence}” [{other.passage.n}]."
    meta = other.passage.metadata
    citation = Citation(other.passage.n, other.passage.source, meta.get("title"), meta.get("published"),
                        other.sentence, meta.get("publisher"))
    return replace(grounded, text=text, citations=[*grounded.citations, citation]), True


def _differ(mine: set[str], theirs: set[str]) -> bool:
    return bool(mine and theirs and not mine & theirs)


def _cited_figures_differ(citations: list[Citation], asked: set[str]) -> bool:
    by_source: dict[str, set[str]] = {}
    for c in citations:
        by_source.setdefault(c.source, set()).update(numbers(c.quote) - asked)
    figures = [f for f in by_source.values() if f]
    return any(_differ(a, b) for i, a in enumerate(figures) for b in figures[i + 1:])


def _candidate(citations: list[Citation], scored: list[Scored]) -> Scored | None:
    """The best sentence from an article the answer does not cite, nearly as relevant as its quotes."""
    cited = {c.source for c in citations}
    supporting = [s.score for s in scored if s.passage.source in cited
                  and any(s.sentence in c.quote or c.quote in s.sentence for c in citations)]
    if not supporting:
        return None
    floor = max(MIN_SCORE, CLOSE * max(supporting))
    others = [s for s in scored if s.passage.source not in cited and s.score >= floor and numbers(s.sentence)]
    return max(others, key=lambda s: s.score, default=None)
