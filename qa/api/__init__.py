"""HTTP routes, one router per concern (answers, library, OpenAI-compatible, health) sharing one Service.

Thin: validation, streaming and mapping of errors to status codes; the work is in Service."""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qa.api import answers, health, library, openai_compat
from qa.service import Service

MAX_BODY = 256 * 1024  # JSON requests; uploads have their own limit


def build_api(service: Service) -> FastAPI:
    api = FastAPI(title="qa", description="Cited answers from your news articles", version="0.1.0")
    api.state.service = service
    for module in (answers, library, openai_compat, health):
        api.include_router(module.router)

    @api.middleware("http")
    async def require_token(request: Request, call_next):
        token = service.settings.api_token
        guarded = request.url.path.startswith(("/api/", "/v1/"))
        given = request.headers.get("authorization", "")
        if token and guarded and not secrets.compare_digest(given, f"Bearer {token}"):
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

    return api
