"""The written answer as claims: its sentences, each with the candidate ids it cites.

A generator writes from the chosen evidence only, citing candidate ids as [3]. A sentence with no
marker is read as resting on all the chosen evidence (small models often drop markers); a marker naming
a sentence that was not chosen is ignored, so every citation is chosen evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.candidates import Candidate
from qa.text import sentences

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
# Small models narrate their sources ("Sentence 2 states that ..."): keep the claim, drop the narration.
_NARRATION = re.compile(
    r"^(?:according to (?:the )?(?:sentences?|passages?|articles?)(?:\s*\[?\d+\]?(?:\s*(?:,|and)\s*\[?\d+\]?)*)?,?\s*|"
    r"(?:the )?(?:sentences?|passages?)(?:\s*\[?\d+\]?(?:\s*(?:,|and)\s*\[?\d+\]?)*)?\s+(?:both\s+|also\s+)?"
    r"(?:states?|says?|mentions?|notes?|indicates?|reports?)\s+(?:that\s+)?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Claim:
    text: str  # without markers
    ids: tuple[int, ...]  # chosen candidates it rests on


def claims(text: str, chosen: list[Candidate]) -> list[Claim]:
    allowed = [c.id for c in chosen]
    text = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text.strip())
    found: list[Claim] = []
    seen: set[str] = set()
    for sentence in sentences(text):
        cited = [int(n) for group in _MARKERS.findall(sentence) for n in re.split(r"\s*,\s*", group)]
        ids = tuple(i for i in dict.fromkeys(cited) if i in allowed) or tuple(allowed)
        body = _unnarrate(_MARKERS.sub("", sentence).strip())
        key = re.sub(r"\W+", " ", body.lower()).strip()
        if key and key not in seen:  # a small model at temperature 0 can loop on one sentence
            seen.add(key)
            found.append(Claim(body, ids))
    return found


def _unnarrate(claim: str) -> str:
    stripped = _NARRATION.sub("", claim).strip()
    return stripped[:1].upper() + stripped[1:]


def extractive(chosen: list[Candidate]) -> str:
    """No model: the chosen sentences themselves, each with its marker."""
    return " ".join(f"{c.sentence} [{c.id}]" for c in chosen)
