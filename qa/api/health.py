"""Liveness and readiness for process managers and load balancers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from qa.api.deps import ServiceDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(service: ServiceDep):
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
