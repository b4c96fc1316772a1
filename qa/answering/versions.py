"""Sources that disagree: when the evidence from two articles states the asked fact with other figures or
other names, the answer quotes each version with its own citation and says that they differ (a written
answer tends to state one version even when it cites both).

Two sentences differ when they are versions of one statement (they share most of their other words) and each
gives a figure (date, amount), or a name, that the other lacks. A paraphrase shares its figure or name; a
different fact shares few words: neither is flagged (on real news, flagging any two chosen sentences with other
names called 0.30 of answers disputed: see docs/evaluation.md)."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answering.candidates import Candidate
from qa.text import name_phrases, names, numbers, terms

DIFFER = "The articles differ on this."


@dataclass(frozen=True)
class Versions:
    differ: bool
    other: Candidate | None = None  # an uncited sentence to add as the second version
    pair: tuple[Candidate, Candidate] | None = None  # two cited sentences that differ


def differ(a: str, b: str, question: str, same: float) -> bool:
    """Two versions of one statement: they share at least `same` of the shorter one's other words, and each
    gives a figure the other does not, or names someone the other does not. Figures that agree do not make
    names agree ("… elected Maria Lopez on 3 March 2015" / "… elected John Smith on 3 March 2015")."""
    if _shared_words(a, b) < same:
        return False  # two different facts, not two versions of one
    asked_numbers, asked_names = numbers(question), names(question)
    mine, theirs = numbers(a) - asked_numbers, numbers(b) - asked_numbers
    if mine - theirs and theirs - mine:  # "20 September 2019" / "21 September 2021"
        return True
    return _names_differ(_phrases(a, asked_names), _phrases(b, asked_names))


def _shared_words(a: str, b: str) -> float:
    skip = numbers(a) | numbers(b) | names(a) | names(b)
    mine, theirs = terms(a) - skip, terms(b) - skip
    return len(mine & theirs) / min(len(mine), len(theirs)) if mine and theirs else 0.0


def _phrases(text: str, asked: set[str]) -> list[tuple[str, ...]]:
    return [kept for phrase in name_phrases(text) if (kept := tuple(w for w in phrase if w not in asked))]


def _names_differ(a: list[tuple[str, ...]], b: list[tuple[str, ...]]) -> bool:
    """Each names someone the other does not, and either they share no name (two accounts naming different
    people) or each adds no more names than they share (one statement about the same people and places, told
    with another name; a paraphrase that adds context names is not). A name of several words counts once
    ("John Smith" for "Maria Lopez"); spelling-tolerant: "Sergey"/"Sergei" share a five-letter start."""
    words_a, words_b = {w for p in a for w in p}, {w for p in b for w in p}
    only_a = {x for x in words_a if not any(x[:5] == y[:5] for y in words_b)}
    only_b = {y for y in words_b if not any(y[:5] == x[:5] for x in words_a)}
    if not (only_a and only_b):
        return False
    added_a = sum(1 for p in a if only_a & set(p))
    added_b = sum(1 for p in b if only_b & set(p))
    shared = len(words_a) - len(only_a)
    return shared == 0 or (added_a <= shared and added_b <= len(words_b) - len(only_b))


def versions(question: str, cited: list[Candidate], chosen: list[Candidate], same: float) -> Versions:
    """The selector chose every sentence it found stating the answer; when two of them, from different
    articles, differ, the answer says so, and a chosen version the answer did not cite is added."""
    for a in cited:
        for b in cited:
            if a.source < b.source and differ(a.sentence, b.sentence, question, same):
                return Versions(True, pair=(a, b))
    sources = {c.source for c in cited}
    for other in chosen:
        if other.source not in sources and any(differ(c.sentence, other.sentence, question, same) for c in cited):
            return Versions(True, other)
    return Versions(False)


def with_versions(text: str, found: Versions, cited: list[Candidate]) -> str:
    """The answer text followed by the versions it does not already quote (the extractive answer is its
    sentences), each quoted with its citation number in `cited`."""
    if not found.differ:
        return text
    if found.other is not None:
        shown = [(found.other, "another article")]
    else:
        shown = [(c, who) for c, who in zip(found.pair or (), ("one article", "another"), strict=False)]
    shown = [(c, who) for c, who in shown if c.sentence.rstrip(".!?") not in text]
    if not shown:
        return text if "differ" in text.lower() else f"{text} {DIFFER}"
    quoted = "; ".join(
        f"{c.passage.metadata.get('publisher') or who} reports “{c.sentence}” [{cited.index(c) + 1}]"
        for c, who in shown
    )
    return f"{text} The articles differ: {quoted}."
