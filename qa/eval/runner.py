"""Run a question set through the same path as qa.answer (models loaded once), with progress."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qa.eval.dataset import Question, split_of
from qa.eval.metrics import aggregate, score
from qa.ingestion.pipeline import source_path
from qa.service import Service


def run(
    service: Service,
    questions: list[Question],
    backend: str | None = None,
    k: int | None = None,
    label: str = "",
    show_progress: bool = True,
    split: str = "all",
    as_of: str = "",
    kind: str = "auto",
) -> dict:
    """Every question through the service, scored. A question's own as_of wins over the run's `as_of`. `kind`
    "row": a summary row is asked with its own kind of answer instead of the decided one."""
    backend = backend or service.settings.backend
    service.generator(backend)  # load once, before the clock starts on the first question
    text_of = lru_cache(maxsize=None)(lambda source: _source_text(service, source))
    records = []
    halves = split_of(questions)
    columns = (
        TextColumn(f"eval {backend}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, disable=not show_progress, transient=True) as progress:
        task = progress.add_task("", total=len(questions))
        for question in questions:
            progress.update(task, description=question.id)
            when = question.as_of or as_of or None
            answer = service.answer(
                question.question,
                history=list(question.history),
                k=k,
                backend=backend,
                filters={"as_of": when} if when else None,
                kind=question.kind if kind == "row" and question.kind else None,
            )
            records.append(score(question, answer.to_dict(), text_of, when) | {"split": halves[question.id]})
            progress.advance(task)
    meta = {
        "label": label,
        "backend": backend,
        "split": split,
        "k": k or service.settings.passages(backend),
        "embedder": service.settings.embedder,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "chunks": service.store.count(),
        "kind": kind,
    }
    by_split = {half: aggregate([r for r in records if r["split"] == half]) for half in ("dev", "test")}
    return {
        "meta": meta,
        "metrics": aggregate(records),
        "by_split": {half: m for half, m in by_split.items() if m["questions"]},
        "records": records,
    }


def _source_text(service: Service, source: str) -> str:
    """The original file when it is still there (quotes must be verbatim in it), else the stored text."""
    path = source_path(source)
    if path.exists():
        return path.read_text(encoding="utf-8", errors="replace")
    return service.store.article_text(source)
