"""Sources that disagree: after grounding, look for the best sentence from an article the answer does
not cite; when it is about as relevant to the question and does not say the same thing (another
number, another name, other key words), the answer gives it too, with its own citation, and says so.
Blending two versions into one confident answer is what readers of news QA complain about most."""

from __future__ import annotations

from dataclasses import replace

from qa.focus import Scored, SentenceScorer
from qa.grounding import Grounded, names
from qa.text import fits_answer_type, numbers, terms
from qa.types import Citation, Passage

CLOSE = 0.9  # the other version must score at least this share of the answer's best sentence
MIN_SCORE = 0.45  # and be relevant in its own right
AGREE = 0.5  # share of the shorter side's new key words the two versions must have in common to agree


def add_other_version(question: str, grounded: Grounded, passages: list[Passage],
                      scorer: SentenceScorer) -> tuple[Grounded, bool]:
    """(the answer, possibly with a second version appended; whether the sources differ)."""
    if grounded.refused:
        return grounded, False
    other = _candidate(question, grounded.citations, scorer.score(question, passages))
    if other is None or _agree(question, grounded.text, other.sentence):
        return grounded, False
    if other.sentence in grounded.text:  # the generator already gave it; just say they differ
        return replace(grounded, text=f"{grounded.text} The articles differ on this."), True
    who = other.passage.metadata.get("publisher") or "Another article"
    text = f"{grounded.text} The articles differ: {who} reports “{other.sentence}” [{other.passage.n}]."
    citation = Citation(other.passage.n, other.passage.source, other.passage.metadata.get("title"),
                        other.passage.metadata.get("published"), other.sentence,
                        other.passage.metadata.get("publisher"))
    return replace(grounded, text=text, citations=[*grounded.citations, citation]), True


def _candidate(question: str, citations: list[Citation], scored: list[Scored]) -> Scored | None:
    cited = {c.source for c in citations}
    usable = [s for s in scored if len(s.sentence.split()) >= 4 and fits_answer_type(question, s.sentence)]
    supporting = [s.score for s in usable if s.passage.source in cited and _in_quotes(s.sentence, citations)]
    if not supporting:
        return None
    floor = max(MIN_SCORE, CLOSE * max(supporting))
    others = [s for s in usable if s.passage.source not in cited and s.score >= floor]
    return max(others, key=lambda s: s.score, default=None)


def _in_quotes(sentence: str, citations: list[Citation]) -> bool:
    return any(sentence in c.quote or c.quote in sentence for c in citations)


def _agree(question: str, answer: str, other: str) -> bool:
    """Same numbers, same new names, or mostly the same new words: the same version of the fact."""
    asked_numbers, asked_names, asked_terms = numbers(question), names(question), terms(question)
    mine, theirs = numbers(answer) - asked_numbers, numbers(other) - asked_numbers
    if mine and theirs:
        return bool(mine & theirs)
    mine, theirs = names(answer) - asked_names, names(other) - asked_names
    if mine and theirs and not mine & theirs:
        return False
    mine, theirs = terms(answer) - asked_terms, terms(other) - asked_terms
    if not mine or not theirs:
        return True
    return len(mine & theirs) / min(len(mine), len(theirs)) >= AGREE
