"""Readers' votes on answers: one JSON line per vote, and their conversion into eval questions."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

from qa.text import names, numerals

_LOCK = threading.Lock()  # one process appends; the lock keeps concurrent votes on separate lines


def record(question: str, answer: dict, rating: str, comment: str = "", history: list[dict] | None = None) -> dict:
    if rating not in ("up", "down"):
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rating": rating,
        "comment": comment.strip(),
        "question": question,
        "history": history or [],
        "answer": answer.get("answer", ""),
        "refused": bool(answer.get("refused")),
        "citations": answer.get("citations", []),
        "backend": answer.get("debug", {}).get("backend"),
    }


def save(path: Path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with _LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def load(path: Path) -> list[dict]:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    return entries


def to_questions(entries: list[dict]) -> tuple[list[dict], list[dict]]:
    """(questions, to_review). A thumbs-up becomes a question whose accept strings are the names and
    numbers of the approved answer; a thumbs-down, or an answer with nothing checkable, needs a person."""
    questions, review = [], []
    for entry in entries:
        ident = "fb-" + hashlib.sha1(entry["question"].encode()).hexdigest()[:8]
        kind = "followup" if entry.get("history") else "single"
        if entry["rating"] == "down":
            review.append(
                {
                    **_base(entry, ident, kind),
                    "comment": entry.get("comment", ""),
                    "why": "a reader marked this answer wrong: write the right accept strings",
                }
            )
        elif entry.get("refused"):
            questions.append({**_base(entry, ident, "unanswerable")})
        elif accept := _checkable(entry["answer"], entry["question"]):
            questions.append({**_base(entry, ident, kind), "accept": accept})
        else:
            review.append({**_base(entry, ident, kind), "why": "no name or number to check: write accept strings"})
    return questions, review


def _base(entry: dict, ident: str, kind: str) -> dict:
    citations = entry.get("citations") or []
    row = {
        "id": ident,
        "type": kind,
        "question": entry["question"],
        "answer": entry.get("answer", ""),
        "sources": sorted({Path(c["source"]).name for c in citations}),
    }
    if citations:
        row["evidence"] = citations[0]["quote"]
    if entry.get("history"):
        row["history"] = entry["history"]
    return row


def _checkable(answer: str, question: str) -> list[str]:
    """Numbers as written, then names the question did not already contain (echoes prove nothing)."""
    found = numerals(answer) + sorted(names(answer) - names(question))
    return list(dict.fromkeys(found))[:3]
