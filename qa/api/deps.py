"""What the routers share: the process's Service, the answer request, and the stream helpers."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel, Field

from qa.answering.kinds import KINDS
from qa.errors import QAError
from qa.llm.registry import BACKENDS
from qa.retrieval import ISO_DATE, Filters
from qa.service import Service

BACKEND_PATTERN = f"^({'|'.join(BACKENDS)})$"


def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


class Turn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str = Field(max_length=20_000)


class AnswerRequest(BaseModel):
    question: str = Field(max_length=20_000)
    history: list[Turn] = Field(default_factory=list, max_length=40)
    k: int | None = Field(None, ge=1, le=20)
    filters: Filters | None = None
    backend: str | None = Field(None, pattern=BACKEND_PATTERN)
    as_of: str | None = Field(None, pattern=ISO_DATE, description="answer as on this date (see filters.as_of)")
    kind: str = Field(
        "auto",
        pattern=f"^(auto|{'|'.join(KINDS)})$",
        description="the kind of answer: one fact, or lines (a question in parts, an overview, each side or outlet, "
        "a timeline); auto: decided per question",
    )
    stream: bool = False

    def all_filters(self) -> Filters | None:
        if not self.as_of:
            return self.filters
        return (self.filters or Filters()).model_copy(update={"as_of": self.as_of})


def start(service: Service, request: AnswerRequest) -> tuple[object, Iterator]:
    """The stream's first event and the rest: validation and queue errors surface here, as a status code."""
    stream = service.stream(
        request.question,
        history=[t.model_dump() for t in request.history],
        k=request.k,
        filters=request.all_filters(),
        backend=request.backend,
        kind=request.kind,
    )
    try:
        return next(stream), stream
    except QAError as exc:
        raise HTTPException(exc.http_status, str(exc), headers=exc.headers) from exc


def chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest


def last(first, rest: Iterator):
    """The final event (the checked Answer) of a stream whose first event was already taken."""
    return deque(chain(first, rest), maxlen=1)[0]
