"""Gradio entry point: `python app.py` serves the chat on http://127.0.0.1:7860 (QA_HOST / QA_PORT)."""

from qa.server import serve

if __name__ == "__main__":
    serve()
