"""Question sets: one JSON object per line (see docs/evaluation.md for the format)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

TYPES = ("single", "multi", "unanswerable", "conflict", "followup")


class QuestionSetError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    answer: str = ""
    accept: tuple[str, ...] = ()
    accept_other: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    evidence: str = ""
    history: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _row(data: dict, where: str) -> Question:
    missing = {"id", "type", "question"} - set(data)
    if missing:
        raise QuestionSetError(f"{where}: missing {', '.join(sorted(missing))}")
    if data["type"] not in TYPES:
        raise QuestionSetError(f"{where}: type {data['type']!r} is not one of {', '.join(TYPES)}")
    if data["type"] != "unanswerable" and not data.get("accept"):
        raise QuestionSetError(f"{where}: an answerable question needs at least one accept string")
    if data["type"] == "conflict" and not data.get("accept_other"):
        raise QuestionSetError(f"{where}: a conflict question needs accept_other (the second version)")
    return Question(
        id=str(data["id"]), type=data["type"], question=data["question"], answer=data.get("answer", ""),
        accept=tuple(data.get("accept") or ()), accept_other=tuple(data.get("accept_other") or ()),
        sources=tuple(data.get("sources") or ()), evidence=data.get("evidence", ""),
        history=tuple(data.get("history") or ()),
    )


def load(path: Path) -> list[Question]:
    if not path.exists():
        raise QuestionSetError(f"{path} does not exist")
    questions: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        questions.append(_row(data, f"{path}:{number}"))
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise QuestionSetError(f"{path}: duplicate ids {', '.join(duplicates)}")
    if not questions:
        raise QuestionSetError(f"{path} has no questions")
    return questions
