"""The Gradio chat: layout in app.py, HTML for answers and sources in render.py."""

from qa.ui.app import build

__all__ = ["build"]
