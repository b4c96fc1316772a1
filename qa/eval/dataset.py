"""Question sets: one JSON object per line (see docs/evaluation.md for the format)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.errors import QAError

TYPES = ("single", "multi", "unanswerable", "conflict", "followup", "summary")
SPLITS = ("dev", "test")
# A reader's labels beside a question set: {"id", "reader": states|implies|mention_only|off_topic|…,
# "reader_sentence"}. A row the reader found stated takes its sentence as evidence (for candidate recall).
READER_FILE = "reader.jsonl"
STATED = "states"


class QuestionSetError(QAError, ValueError):
    """The question file cannot be read as a question set; the message says where."""


@dataclass(frozen=True)
class Nugget:
    """A key point of a broad answer: covered when an answer line holds one of `accept`."""

    point: str
    accept: tuple[str, ...]
    sources: tuple[str, ...] = ()


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
    split: str = ""  # "dev" (tune on it) or "test" (report only); unset rows are split by split_of
    as_of: str = ""  # YYYY-MM-DD: the question is asked on that date (qa eval --as-of sets it for rows without)
    reader: str = ""  # a careful reader's label of what the articles state (READER_FILE beside the set)
    kind: str = ""  # summary rows: the kind of answer asked for (qa.answering.kinds)
    nuggets: tuple[Nugget, ...] = ()  # summary rows: the key points a good answer covers

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _row(data: dict, where: str) -> Question:
    missing = {"id", "type", "question"} - set(data)
    if missing:
        raise QuestionSetError(f"{where}: missing {', '.join(sorted(missing))}")
    if data["type"] not in TYPES:
        raise QuestionSetError(f"{where}: type {data['type']!r} is not one of {', '.join(TYPES)}")
    if data["type"] == "summary":
        return _summary(data, where)
    if data["type"] != "unanswerable" and not data.get("accept"):
        raise QuestionSetError(f"{where}: an answerable question needs at least one accept string")
    if data.get("split", "dev") not in SPLITS:
        raise QuestionSetError(f"{where}: split {data['split']!r} is not one of {', '.join(SPLITS)}")
    if data["type"] == "conflict" and not data.get("accept_other"):
        raise QuestionSetError(f"{where}: a conflict question needs accept_other (the second version)")
    return Question(
        id=str(data["id"]),
        type=data["type"],
        question=data["question"],
        answer=data.get("answer", ""),
        accept=tuple(data.get("accept") or ()),
        accept_other=tuple(data.get("accept_other") or ()),
        sources=tuple(data.get("sources") or ()),
        evidence=data.get("evidence", ""),
        history=tuple(data.get("history") or ()),
        split=data.get("split", ""),
        as_of=data.get("as_of", ""),
    )


def _summary(data: dict, where: str) -> Question:
    from qa.answering.kinds import BROAD

    if data.get("kind") not in BROAD:
        raise QuestionSetError(f"{where}: a summary row's kind must be one of {', '.join(BROAD)}")
    nuggets = data.get("nuggets") or []
    if not nuggets or not all(isinstance(n, dict) and n.get("accept") for n in nuggets):
        raise QuestionSetError(f"{where}: a summary row needs nuggets, each with accept strings")
    if data.get("split", "dev") not in SPLITS:
        raise QuestionSetError(f"{where}: split {data['split']!r} is not one of {', '.join(SPLITS)}")
    points = tuple(Nugget(n.get("point", ""), tuple(n["accept"]), tuple(n.get("sources") or ())) for n in nuggets)
    return Question(
        id=str(data["id"]),
        type="summary",
        question=data["question"],
        sources=tuple(dict.fromkeys(s for n in points for s in n.sources)),
        split=data.get("split", ""),
        as_of=data.get("as_of", ""),
        kind=data["kind"],
        nuggets=points,
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
    questions = _with_reader(questions, path.with_name(READER_FILE))
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise QuestionSetError(f"{path}: duplicate ids {', '.join(duplicates)}")
    if not questions:
        raise QuestionSetError(f"{path} has no questions")
    return questions


def _with_reader(questions: list[Question], path: Path) -> list[Question]:
    if not path.exists():
        return questions
    labels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
                labels[str(row["id"])] = row
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise QuestionSetError(f"{path}:{number}: not a reader row ({exc})") from exc
    labelled = []
    for q in questions:
        row = labels.get(q.id, {})
        evidence = q.evidence or (row.get("reader_sentence", "") if row.get("reader") == STATED else "")
        labelled.append(replace(q, reader=row.get("reader", ""), evidence=evidence))
    return labelled


def split_of(questions: list[Question]) -> dict[str, str]:
    """Each question's half. A row's own "split" wins; the others are split within each type by a hash of
    their id (stable whatever the file order, and the same on every machine), alternating dev/test."""
    halves = {q.id: q.split for q in questions if q.split}
    by_type: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        if not q.split:
            by_type[q.type].append(q)
    for rows in by_type.values():
        rows.sort(key=lambda q: hashlib.sha1(q.id.encode()).hexdigest())
        halves |= {q.id: SPLITS[i % 2] for i, q in enumerate(rows)}
    return halves


def select(questions: list[Question], split: str | None) -> list[Question]:
    """The dev or test half (None or "all": every question), each row labelled with its half: the halves are
    the whole set's, whatever subset is taken later (split_of on a subset would halve it again)."""
    halves = split_of(questions)
    labelled = [replace(q, split=halves[q.id]) for q in questions]
    return labelled if split in (None, "all") else [q for q in labelled if q.split == split]
