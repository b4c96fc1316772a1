"""The Gradio chat: streamed answers, follow-ups, a sources panel, example questions. Thin: no logic."""

from __future__ import annotations

import html
from collections.abc import Iterator

import gradio as gr

from qa.chain import QuestionError, Token
from qa.llm.base import GeneratorError
from qa.queue import Busy
from qa.service import Service
from qa.types import Answer

EXAMPLES = [
    "Who led the Russian delegation in Geneva?",
    "How many troops has Russia gathered near Ukraine?",
    "Where do the talks go after Geneva?",
    "What did Wendy Sherman emphasize?",
]
BACKENDS = ["llamacpp", "extractive", "openai"]


def sources_markdown(answer: Answer) -> str:
    if answer.refused:
        return "**The articles don't say.** No passage answers this question, so nothing is cited."
    blocks = []
    for c in answer.citations:
        meta = " · ".join(x for x in (c.publisher, c.published) if x)
        blocks.append(f"**[{c.n}] {html.escape(c.title or c.source)}**  \n"
                      f"<small>{html.escape(meta)} · `{c.source}`</small>\n\n> {html.escape(c.quote)}")
    return "\n\n".join(blocks) or "_No citations._"


def _history_for_chain(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": _text(m["content"])} for m in messages if m.get("role") in ("user", "assistant")]


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # gradio 6 message content may be a list of parts
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def build(service: Service) -> gr.Blocks:
    def respond(message: str, messages: list[dict], backend: str) -> Iterator[tuple[list[dict], str, str]]:
        history = _history_for_chain(messages or [])
        messages = (messages or []) + [{"role": "user", "content": message},
                                       {"role": "assistant", "content": ""}]
        try:
            for event in service.stream(message, history=history, backend=backend):
                if isinstance(event, Token):
                    messages[-1]["content"] += event.text
                    yield messages, "_Generating…_", ""
                else:
                    messages[-1]["content"] = event.answer
                    yield messages, sources_markdown(event), ""
        except (QuestionError, GeneratorError, Busy) as exc:
            messages[-1]["content"] = f"⚠️ {exc}"
            yield messages, "", ""

    def ask(question: str, backend: str) -> dict:
        """One question, no history: the Answer as JSON (for gradio_client)."""
        return service.answer(question, backend=backend).to_dict()

    with gr.Blocks(title="qa — cited answers from your articles") as app:
        gr.Markdown("## Ask the articles\nAnswers come only from the ingested articles, with numbered citations.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=480)
                box = gr.Textbox(label="Question", placeholder="Ask about the articles…", lines=1)
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    clear = gr.Button("Clear chat")
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                backend = gr.Dropdown(BACKENDS, value=service.settings.backend, label="Generator")
                sources = gr.Markdown("_Sources for the latest answer appear here._", label="Sources")
        box.submit(respond, [box, chat, backend], [chat, sources, box], api_name="chat")
        send.click(respond, [box, chat, backend], [chat, sources, box], api_name=False)
        clear.click(lambda: ([], "", ""), None, [chat, sources, box], api_name=False)
        hidden_q = gr.Textbox(visible=False)
        hidden_json = gr.JSON(visible=False)
        gr.Button(visible=False).click(ask, [hidden_q, backend], hidden_json, api_name="ask")
    return app
