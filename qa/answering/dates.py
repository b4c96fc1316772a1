"""Relative dates in news ("on Monday", "this week") mean nothing without the article's date: an answer
sentence that leans on one is prefixed with "According to <publisher> (<date>):" from its citation."""

from __future__ import annotations

import re
from datetime import date

from qa.text import MARKER, sentences
from qa.types import Citation

_RELATIVE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|yesterday|"
    r"tomorrow|(this|last|next) (week|month|year)|weekend|earlier this|later this)\b",
    re.IGNORECASE,
)


def about_present(question: str, phrases: tuple[str, ...]) -> bool:
    """Whether the question asks about now ("this week", "currently"…): whole words only."""
    lowered = question.lower()
    return any(re.search(rf"\b{re.escape(p)}\b", lowered) for p in phrases)


def attribute_dates(text: str, citations: list[Citation]) -> str:
    by_n = {c.n: c for c in citations}
    done: set[str] = set()
    out = []
    for sentence in sentences(text):
        cited = [by_n[int(n)] for n in MARKER.findall(sentence) if int(n) in by_n]
        source = next((c for c in cited if c.published), None)
        if source and _RELATIVE.search(sentence) and source.source not in done and not sentence.startswith("According"):
            done.add(source.source)
            sentence = (
                f"According to {source.publisher or 'the article'} ({_readable(source.published or '')}): {sentence}"
            )
        out.append(sentence)
    return " ".join(out)


def _readable(iso: str) -> str:
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B %Y')}"


def as_of_note(text: str, citations: list[Citation], now: str, stale_days: int) -> str:
    """ "As of <newest evidence's date>, according to <its publisher>: …", and how old that evidence is when it
    is more than `stale_days` older than `now` (the as_of date, or today)."""
    dated = [c for c in citations if c.published]
    if not dated:
        return text
    newest = max(dated, key=lambda c: c.published or "")
    source = newest.publisher or (f"“{newest.title}”" if newest.title else "the article")
    note = f"As of {_readable(newest.published or '')}, according to {source}: {text}"
    try:
        age = (date.fromisoformat(now) - date.fromisoformat(newest.published or "")).days
    except ValueError:
        return note
    if age > stale_days:
        note += f" (That was reported {_age(age)} before {_readable(now)}.)"
    return note


def _age(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    return f"{days} days"
