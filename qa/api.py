"""HTTP routes: the answer API, article library, an OpenAI-compatible chat endpoint, health.

Thin: validation, streaming and mapping of errors to status codes; the work is in Service."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections import deque
from collections.abc import Iterator

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from qa.chain import Evidence, Token
from qa.errors import QAError
from qa.llm.registry import BACKENDS
from qa.service import Service
from qa.types import Answer

MAX_BODY = 256 * 1024  # JSON requests; uploads have their own limit
BACKEND_PATTERN = f"^({'|'.join(BACKENDS)})$"


class Turn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str = Field(max_length=20_000)


class Filters(BaseModel):
    sources: list[str] = Field(default_factory=list, max_length=50)
    publishers: list[str] = Field(default_factory=list, max_length=50)
    date_from: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    date_to: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class AnswerRequest(BaseModel):
    question: str = Field(max_length=20_000)
    history: list[Turn] = Field(default_factory=list, max_length=40)
    k: int | None = Field(None, ge=1, le=20)
    filters: Filters | None = None
    backend: str | None = Field(None, pattern=BACKEND_PATTERN)
    stream: bool = False


class ChatMessage(BaseModel):
    role: str = Field(pattern="^(system|user|assistant)$")
    content: str = Field(max_length=20_000)


class ChatRequest(BaseModel):
    model: str = "qa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=40)
    stream: bool = False


def _errors(exc: QAError) -> HTTPException:
    return HTTPException(exc.http_status, str(exc), headers=exc.headers)


def _sse(event: str, data: dict | str) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def footer(answer: Answer) -> str:
    """Sources appended to the text for OpenAI clients that ignore extra fields."""
    if not answer.citations:
        return ""
    lines = [f"[{c.n}] {c.title or c.source} ({c.source}): “{c.quote}”" for c in answer.citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _backend_for(model: str, service: Service) -> str:
    name = model.removeprefix("qa").lstrip("-")
    return name if name in BACKENDS else service.settings.backend


def build_api(service: Service) -> FastAPI:
    api = FastAPI(title="qa", description="Cited answers from your news articles", version="0.1.0")

    @api.middleware("http")
    async def require_token(request: Request, call_next):
        token = service.settings.api_token
        guarded = request.url.path.startswith(("/api/", "/v1/"))
        if (
            token
            and guarded
            and not secrets.compare_digest(request.headers.get("authorization", ""), f"Bearer {token}")
        ):
            return JSONResponse(
                {"detail": "missing or wrong bearer token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return await call_next(request)

    @api.middleware("http")
    async def limit_body(request: Request, call_next):
        limit = service.settings.max_upload_bytes * 5 if request.url.path == "/api/ingest" else MAX_BODY
        if int(request.headers.get("content-length") or 0) > limit:
            return JSONResponse({"detail": f"request body over {limit} bytes"}, status_code=413)
        return await call_next(request)

    def events(request: AnswerRequest) -> Iterator:
        filters = request.filters.model_dump() if request.filters else None
        return service.stream(
            request.question,
            history=[t.model_dump() for t in request.history],
            k=request.k,
            filters=filters,
            backend=request.backend,
        )

    @api.post("/api/answer", summary="Answer a question with citations (SSE when stream is true)")
    def answer(request: AnswerRequest):
        try:
            stream = events(request)
            first = next(stream)  # validation and queue errors surface here, as a status code
        except QAError as exc:
            raise _errors(exc) from exc
        if not request.stream:
            return _last(first, stream).to_dict()

        def sse() -> Iterator[str]:
            try:
                for event in _chain(first, stream):
                    if isinstance(event, Evidence):
                        cited = [c.to_dict() for c in event.citations]
                        yield _sse("evidence", {"stage": event.stage, "citations": cited})
                    elif isinstance(event, Token):
                        yield _sse("token", {"text": event.text, "draft": True})  # unchecked; "answer" is checked
                    else:
                        yield _sse("answer", event.to_dict())
            except QAError as exc:
                yield _sse("error", {"detail": str(exc)})

        return StreamingResponse(sse(), media_type="text/event-stream")

    @api.post("/api/ingest", summary="Upload articles (.txt, .md, .html) and ingest them")
    def ingest(files: list[UploadFile] = File(...)) -> dict:
        results = [_ingest_upload(service, upload) for upload in files]
        return {"files": results}

    @api.get("/api/sources", summary="Ingested articles with metadata and chunk counts")
    def sources() -> list[dict]:
        return service.store.sources()

    @api.delete("/api/sources/{source_id}", summary="Remove an article and its chunks")
    def delete_source(source_id: str) -> dict:
        entry = next((s for s in service.store.sources() if s["id"] == source_id), None)
        if entry is None:
            raise HTTPException(404, f"no article with id {source_id}")
        removed = service.remove_source(entry["source"])
        return {"source": entry["source"], "removed_chunks": removed}

    @api.get("/v1/models")
    def models() -> dict:
        names = ["qa", "qa-llamacpp", "qa-extractive", "qa-openai"]
        return {"object": "list", "data": [{"id": n, "object": "model", "owned_by": "qa", "created": 0} for n in names]}

    @api.post("/v1/chat/completions", summary="OpenAI-compatible chat; citations in an extra field")
    def chat(request: ChatRequest):
        turns = [m.model_dump() for m in request.messages if m.role != "system"]
        if not turns or turns[-1]["role"] != "user":
            raise HTTPException(422, "the last message must be the user's question")
        body = AnswerRequest(
            question=turns[-1]["content"],
            history=[Turn(**t) for t in turns[:-1]],
            backend=_backend_for(request.model, service),
        )
        try:
            stream = events(body)
            first = next(stream)
        except QAError as exc:
            raise _errors(exc) from exc
        ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not request.stream:
            return _completion(ident, created, request.model, _last(first, stream))
        return StreamingResponse(
            _chat_chunks(ident, created, request.model, _chain(first, stream)), media_type="text/event-stream"
        )

    @api.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    @api.get("/readyz")
    def readyz():
        try:
            chunks = service.store.count()
        except Exception as exc:  # the store can fail in many ways; readiness just reports it
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        return {
            "status": "ready",
            "chunks": chunks,
            "backend": service.settings.backend,
            "generators_loaded": sorted(service.loaded_generators()),
        }

    return api


def _last(first, rest: Iterator):
    """The final event (the grounded Answer) of a stream whose first event was already taken."""
    return deque(_chain(first, rest), maxlen=1)[0]


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest


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


def _chat_chunks(ident: str, created: int, model: str, events: Iterator) -> Iterator[str]:
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


def _ingest_upload(service: Service, upload: UploadFile) -> dict:
    # one byte over the limit is enough to know it is too large
    return service.add_upload(upload.filename or "", upload.file.read(service.settings.max_upload_bytes + 1))
