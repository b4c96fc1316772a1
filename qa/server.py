"""One ASGI app: the Gradio chat at / and the answer API under /api, served by uvicorn."""

from __future__ import annotations

import sys
import threading

import gradio as gr
import uvicorn
from fastapi import FastAPI

from qa.api import build_api
from qa.config import BindError, seconds
from qa.ingestion import watch
from qa.service import get_service
from qa.ui import build
from qa.ui.app import CSS, HEAD

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def create_app() -> FastAPI:
    service = get_service()
    service.ensure_seeded()
    _background(service)
    api = build_api(service)
    token = service.settings.api_token
    # With a token set, the chat asks for it too (user name "qa").
    auth = [("qa", token)] if token else None
    return gr.mount_gradio_app(api, build(service), path="/", footer_links=["api"], auth=auth, head=HEAD, css=CSS)


def _background(service) -> None:
    """Example questions are written after each ingest (and now, for those a CLI ingest left), never holding
    it; with QA_WATCH_EVERY the watched feeds are read on that schedule."""
    service.background_examples = True
    service.examples_later()
    if service.settings.watch_every and not any(t.name == "qa-watch" for t in threading.enumerate()):
        watch.start_refresher(service, seconds(service.settings.watch_every))


def serve(host: str | None = None, port: int | None = None) -> None:
    settings = get_service().settings
    host, port = host or settings.host, port or settings.port
    if host not in LOCAL_HOSTS and not settings.api_token:
        raise BindError(
            f"refusing to listen on {host} without QA_API_TOKEN: anyone on the network could use it. "
            "Set QA_API_TOKEN, or keep QA_HOST=127.0.0.1."
        )
    app = create_app()
    if settings.backend == "llamacpp":
        _check_local_model(settings)
    print(f"qa: serving the chat on http://{host}:{port} (backend: {settings.backend})", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_local_model(settings) -> None:
    """Say at start, not at the first question, when the local model cannot run on this machine; the chat
    still serves the other backends."""
    from qa.llm.model_files import ModelError, assemble
    from qa.llm.runtime_check import ensure_runnable

    try:
        ensure_runnable(assemble(settings.model_path))
    except ModelError as exc:
        print(f"qa: warning: {exc}", file=sys.stderr, flush=True)
        print("qa: serving anyway; choose another generator in the chat's settings", file=sys.stderr, flush=True)
