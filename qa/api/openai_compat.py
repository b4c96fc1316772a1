"""An OpenAI-compatible chat endpoint, so existing clients can ask; citations ride in extra fields and a
sources footer. Clients cannot un-print, so unchecked draft tokens are never sent."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from qa.api.deps import AnswerRequest, ServiceDep, Turn, chain, last, start
from qa.errors import QAError
from qa.llm.registry import BACKENDS
from qa.service import Service
from qa.types import Answer

router = APIRouter(tags=["openai"])


class ChatMessage(BaseModel):
    role: str = Field(pattern="^(system|user|assistant)$")
    content: str = Field(max_length=20_000)


class ChatRequest(BaseModel):
    model: str = "qa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=40)
    stream: bool = False


@router.get("/v1/models")
def models() -> dict:
    names = ["qa", *(f"qa-{name}" for name in BACKENDS)]
    return {"object": "list", "data": [{"id": n, "object": "model", "owned_by": "qa", "created": 0} for n in names]}


@router.post("/v1/chat/completions", summary="OpenAI-compatible chat; citations in an extra field")
def chat(request: ChatRequest, service: ServiceDep):
    turns = [m.model_dump() for m in request.messages if m.role != "system"]
    if not turns or turns[-1]["role"] != "user":
        raise HTTPException(422, "the last message must be the user's question")
    body = AnswerRequest(
        question=turns[-1]["content"],
        history=[Turn(**t) for t in turns[:-1]],
        backend=_backend_for(request.model, service),
    )
    first, rest = start(service, body)
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if not request.stream:
        return _completion(ident, created, request.model, last(first, rest))
    return StreamingResponse(_chunks(ident, created, request.model, chain(first, rest)), media_type="text/event-stream")


def footer(answer: Answer) -> str:
    """Sources appended to the text for OpenAI clients that ignore extra fields."""
    if not answer.citations:
        return ""
    lines = [f"[{c.n}] {c.title or c.source} ({c.source}): “{c.quote}”" for c in answer.citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _backend_for(model: str, service: Service) -> str:
    name = model.removeprefix("qa").lstrip("-")
    return name if name in BACKENDS else service.settings.backend


def _completion(ident: str, created: int, model: str, answer: Answer) -> dict:
    return {
        "id": ident,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": answer.answer + footer(answer)},
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": [c.to_dict() for c in answer.citations],
        "refused": answer.refused,
    }


def _chunks(ident: str, created: int, model: str, events: Iterator) -> Iterator[str]:
    """OpenAI stream format. Clients cannot un-print, so unchecked draft tokens are not sent: the verified
    answer comes as one chunk with its sources footer and citations."""

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for event in events:
            if isinstance(event, Answer):  # draft tokens are unchecked: only the verified answer is sent
                yield chunk(
                    {"content": event.answer + footer(event)},
                    "stop",
                    citations=[c.to_dict() for c in event.citations],
                    refused=event.refused,
                )
    except QAError as exc:
        yield chunk({"content": f"\n\n[error] {exc}"}, "stop")
    yield "data: [DONE]\n\n"
