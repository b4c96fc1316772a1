"""Sources that disagree: when the chosen evidence from two articles states the asked fact with other
figures or other names, the answer gives each version with its own citation and says that they differ.

Two sentences differ when they are versions of one statement (they share most of their other words) whose
figures (dates, amounts), or else names, are disjoint. A paraphrase shares its figure or name; a different
fact shares few words: neither is flagged (on real news, flagging any two chosen sentences with other names
called 0.30 of answers disputed: see docs/evaluation.md)."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answering.candidates import Candidate
from qa.text import names, numbers, terms

DIFFER = "The articles differ on this."


@dataclass(frozen=True)
class Versions:
    differ: bool
    other: Candidate | None = None  # an uncited sentence to add as the second version


def differ(a: str, b: str, question: str, same: float) -> bool:
    """Two versions of one statement: they share at least `same` of the shorter one's other words, and each
    gives a figure the other does not (without figures: their names have nothing in common)."""
    if _shared_words(a, b) < same:
        return False  # two different facts, not two versions of one
    asked_numbers, asked_names = numbers(question), names(question)
    mine, theirs = numbers(a) - asked_numbers, numbers(b) - asked_numbers
    if mine and theirs:  # each gives a figure the other does not ("20 September 2019" / "21 September 2021")
        return bool(mine - theirs and theirs - mine)
    mine, theirs = names(a) - asked_names, names(b) - asked_names
    return bool(mine and theirs and not _share(mine, theirs))


def _shared_words(a: str, b: str) -> float:
    skip = numbers(a) | numbers(b) | names(a) | names(b)
    mine, theirs = terms(a) - skip, terms(b) - skip
    return len(mine & theirs) / min(len(mine), len(theirs)) if mine and theirs else 0.0


def _share(a: set[str], b: set[str]) -> bool:
    """Spelling-tolerant overlap ("Sergey"/"Sergei"): a shared five-letter start counts."""
    return any(x[:5] == y[:5] for x in a for y in b)


def versions(question: str, cited: list[Candidate], chosen: list[Candidate], same: float) -> Versions:
    """The selector chose every sentence it found stating the answer; when two of them, from different
    articles, differ, the answer says so, and a chosen version the answer did not cite is added."""
    if any(differ(a.sentence, b.sentence, question, same) for a in cited for b in cited if a.source < b.source):
        return Versions(True)
    sources = {c.source for c in cited}
    for other in chosen:
        if other.source not in sources and any(differ(c.sentence, other.sentence, question, same) for c in cited):
            return Versions(True, other)
    return Versions(False)


def rivals(found: list[Candidate], chosen: list[Candidate], cited: list[Candidate], near: float) -> list[Candidate]:
    """Where a second version may come from: the chosen sentences first, then the other candidates scoring at
    least `near` of the best cited one's (a selector that names one outlet's version leaves the other unchosen)."""
    best = max((c.score for c in cited), default=0.0)
    return [*chosen, *(c for c in found if c not in chosen and c.score >= near * best)]


def with_versions(text: str, found: Versions, n: int) -> str:
    """The answer text with the second version (cited as [n]) or the note that the cited versions differ."""
    if found.other is not None:
        who = found.other.passage.metadata.get("publisher") or "Another article"
        return f"{text} The articles differ: {who} reports “{found.other.sentence}” [{n}]."
    if found.differ and "differ" not in text.lower():
        return f"{text} {DIFFER}"
    return text
