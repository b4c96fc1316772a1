"""One ASGI app: the Gradio chat at / and the answer API under /api, served by uvicorn."""

from __future__ import annotations

import gradio as gr
import uvicorn
from fastapi import FastAPI

from qa.api import build_api
from qa.service import get_service
from qa.ui import build


def create_app() -> FastAPI:
    service = get_service()
    service.ensure_seeded()
    api = build_api(service)
    return gr.mount_gradio_app(api, build(service), path="/", footer_links=["api"])


def serve(host: str | None = None, port: int | None = None) -> None:
    settings = get_service().settings
    host, port = host or settings.host, port or settings.port
    app = create_app()
    print(f"qa: serving the chat on http://{host}:{port} (backend: {settings.backend})", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
