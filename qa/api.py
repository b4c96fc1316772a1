"""HTTP routes: /api/answer, /healthz, /readyz. Thin: validation and mapping of errors to status codes."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from qa.chain import QuestionError
from qa.llm.base import GeneratorError
from qa.service import Service


class Turn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str = Field(max_length=20_000)


class AnswerRequest(BaseModel):
    question: str = Field(max_length=20_000)
    history: list[Turn] = Field(default_factory=list, max_length=40)
    k: int | None = Field(None, ge=1, le=20)
    filters: dict | None = None
    backend: str | None = Field(None, pattern="^(llamacpp|extractive|openai)$")


def build_api(service: Service) -> FastAPI:
    api = FastAPI(title="qa", description="Cited answers from your news articles")

    @api.post("/api/answer")
    def answer(request: AnswerRequest) -> dict:
        try:
            result = service.answer(request.question, history=[t.model_dump() for t in request.history],
                                    k=request.k, filters=request.filters, backend=request.backend)
        except QuestionError as exc:
            raise HTTPException(422, str(exc)) from exc
        except GeneratorError as exc:
            raise HTTPException(503, str(exc)) from exc
        return result.to_dict()

    @api.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    @api.get("/readyz")
    def readyz() -> dict:
        return {"status": "ready", "chunks": service.store.count(), "backend": service.settings.backend}

    return api
