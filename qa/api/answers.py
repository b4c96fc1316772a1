"""POST /api/answer: one question, JSON or server-sent events (evidence, draft tokens, the checked answer)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from qa.api.deps import AnswerRequest, ServiceDep, chain, last, start
from qa.chain import Evidence, Token
from qa.errors import QAError

router = APIRouter(tags=["answers"])


def sse(event: str, data: dict | str) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/api/answer", summary="Answer a question with citations (SSE when stream is true)")
def answer(request: AnswerRequest, service: ServiceDep):
    first, rest = start(service, request)
    if not request.stream:
        return last(first, rest).to_dict()

    def events() -> Iterator[str]:
        try:
            for event in chain(first, rest):
                if isinstance(event, Evidence):
                    cited = [c.to_dict() for c in event.citations]
                    yield sse("evidence", {"stage": event.stage, "citations": cited})
                elif isinstance(event, Token):
                    # a draft is unchecked (a broad answer's lines are checked); "answer" is the checked whole
                    yield sse("token", {"text": event.text, "draft": not event.checked})
                else:
                    yield sse("answer", event.to_dict())
        except QAError as exc:
            yield sse("error", {"detail": str(exc)})

    return StreamingResponse(events(), media_type="text/event-stream")
