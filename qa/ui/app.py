"""The Gradio app: a Chat tab (streamed, cited answers, feedback, settings) and a Library tab
(articles, upload, remove). Thin: the work is in Service; HTML comes from render.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import gradio as gr

from qa import examples, feedback, library
from qa.chain import Evidence, Token
from qa.errors import QAError
from qa.ingestion import watch
from qa.llm.registry import BACKENDS
from qa.service import Service
from qa.ui import render

BACKEND_CHOICES = [(b.label, b.name) for b in BACKENDS.values()]
STATIC = Path(__file__).parent
HEAD = f"<script>{(STATIC / 'page.js').read_text()}</script>"  # opens a citation when its [n] is clicked
CSS = (STATIC / "page.css").read_text()
EMPTY_SOURCES = (
    "<p><i>Sources for the latest answer appear here. Click a [n] marker to open its passage, or an earlier "
    "answer to see its sources again.</i></p>"
)


# gr.on's default ("once") drops a trigger that comes while the last one is still running: a search typed while
# the sort was being applied was lost. A view wants the last values instead: run once more when the running one
# ends, with what is there then.
LATEST = "always_last"
SETTINGS_KEY = "qa-settings"
MIN_TOP_K, MAX_TOP_K = 1, 10  # the passages slider's range
READ_JS = f"() => [localStorage.getItem('{SETTINGS_KEY}') || '']"
# nothing is written before the page has read what was kept (the fields' first values would overwrite it)
SAVE_JS = (
    "(b, k, p, f, t, a) => { if (document.body.dataset.qaReady !== '1') return; "
    f"localStorage.setItem('{SETTINGS_KEY}', "
    "JSON.stringify({backend: b, top_k: k, publishers: p, date_from: f, date_to: t, as_of: a})); }"
)


def build(service: Service) -> gr.Blocks:
    with gr.Blocks(title="qa — cited answers from your articles") as app:
        gr.Markdown(
            "## Ask the articles\nAnswers come only from the ingested articles, each claim with a "
            "numbered citation. When they don't say, it tells you."
        )
        articles = service.store.sources()
        with gr.Tab("Chat"):
            examples, status, controls = _chat_tab(service, articles)
        with gr.Tab("Library", elem_id="qa-library-tab"):
            library_view = _library_tab(service, articles)
        # the reader's chosen settings, kept as plain JSON in this browser's localStorage across reloads: read at
        # page load and written in the browser on every change (no round trip, so a reload right after a change
        # keeps it; gr.BrowserState saves through the server and encrypts what is no secret)
        stored = gr.Textbox(visible=False)

        def on_load(raw: str):
            """One read of the article list per page load (one row per article)."""
            settings = _stored_settings(raw)
            articles = service.store.sources()
            chosen = str(settings.get("backend") or "")
            chosen = chosen if chosen in BACKENDS else service.settings.backend
            known = _publishers(articles)
            return (
                gr.Dataset(samples=_samples(articles)),
                render.status_line(service.settings, articles, chosen),
                *_library_state(articles),
                chosen,
                _kept_top_k(settings) or service.settings.passages(chosen),
                gr.Dropdown(choices=known, value=[p for p in settings.get("publishers") or [] if p in known]),
                str(settings.get("date_from") or ""),
                str(settings.get("date_to") or ""),
                str(settings.get("as_of") or ""),
            )

        outputs = [examples, status, *library_view, *controls]
        loaded = app.load(on_load, stored, outputs, js=READ_JS, api_visibility="private")
        # what the page shows is the reader's from here on (tests wait for it before acting)
        loaded.then(None, js="() => { document.body.dataset.qaReady = '1'; }", api_visibility="private")
        gr.on([c.change for c in controls], None, list(controls), None, js=SAVE_JS, api_visibility="private")
    return app


def _stored_settings(raw: str) -> dict:
    """What the browser kept; anything unreadable (an old or hand-edited entry) counts as nothing kept."""
    try:
        settings = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return settings if isinstance(settings, dict) else {}


def _kept_top_k(settings: dict) -> int | None:
    top_k = settings.get("top_k")
    return top_k if isinstance(top_k, int) and MIN_TOP_K <= top_k <= MAX_TOP_K else None


def _chat_tab(service: Service, articles: list[dict]) -> tuple:
    records = gr.State([])  # one dict per answer: the question, history and Answer, for feedback
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chat = gr.Chatbot(
                label="Chat",
                height=460,
                elem_id="qa-chat",
                feedback_options=("Like", "Dislike"),
                placeholder="Ask a question about the articles.",
            )
            box = gr.Textbox(
                label="Question",
                placeholder="Ask about the articles…",
                lines=1,
                elem_id="qa-question",
                max_length=service.settings.max_question_chars,
            )
            with gr.Row():
                send = gr.Button("Ask", variant="primary", elem_id="qa-ask")
                clear = gr.Button("Clear chat", elem_id="qa-clear")
                copy = gr.Button("Copy answer", elem_id="qa-copy")
            examples = gr.Dataset(
                components=[box],
                samples=_samples(articles),
                label="Example questions from the articles",
                elem_id="qa-examples",
            )
            with gr.Row():
                comment = gr.Textbox(label="Comment on the latest answer (optional)", scale=3, elem_id="qa-comment")
                up = gr.Button("Helpful", scale=0, min_width=90, elem_id="qa-up")
                down = gr.Button("Not helpful", scale=0, min_width=90, elem_id="qa-down")
            feedback_note = gr.Markdown("", elem_id="qa-feedback-note")
        with gr.Column(scale=2, min_width=300):
            sources = gr.HTML(EMPTY_SOURCES, label="Sources", elem_id="qa-sources")
            backend, top_k, publishers, date_from, date_to, as_of, status = _settings_panel(service, articles)

    respond = _responder(service)

    inputs = [box, chat, records, backend, top_k, publishers, date_from, date_to, as_of]
    box.submit(respond, inputs, [chat, sources, box, records], api_name="chat")
    send.click(respond, inputs, [chat, sources, box, records], api_visibility="private")
    clear.click(
        lambda: ([], EMPTY_SOURCES, "", [], ""),
        None,
        [chat, sources, box, records, feedback_note],
        api_visibility="private",
    )
    copy.click(
        None,
        [records],
        None,
        js="(r) => { if (r.length) navigator.clipboard.writeText(r[r.length - 1].answer.answer); }",
        api_visibility="private",
    )
    examples.click(lambda sample: sample[0], examples, box, api_visibility="private")
    backend.change(
        lambda b: render.status_line(service.settings, service.store.sources(), b),
        backend,
        status,
        api_visibility="private",
    )

    def vote(records: list[dict], rating: str, note: str, index: int | None = None) -> tuple[str, str]:
        entry = (
            next((r for r in records if r["index"] == index), None)
            if index is not None
            else (records[-1] if records else None)
        )
        if entry is None:
            return "Nothing to rate yet: ask a question first.", note
        feedback.save(
            service.settings.feedback_path,
            feedback.record(entry["question"], entry["answer"], rating, note, entry["history"]),
        )
        return f"Thanks — saved “{'helpful' if rating == 'up' else 'not helpful'}” for “{entry['question']}”.", ""

    up.click(lambda r, c: vote(r, "up", c), [records, comment], [feedback_note, comment], api_visibility="private")
    down.click(lambda r, c: vote(r, "down", c), [records, comment], [feedback_note, comment], api_visibility="private")

    def liked(records: list[dict], note: str, data: gr.LikeData):
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return vote(records, rating, note, index)

    chat.like(liked, [records, comment], [feedback_note, comment], api_visibility="private")

    def ask(question: str, backend: str) -> dict:
        """One question, no history: the Answer as JSON (for gradio_client)."""
        return service.answer(question, backend=backend).to_dict()

    hidden_q, hidden_json = gr.Textbox(visible=False), gr.JSON(visible=False)
    gr.Button(visible=False).click(ask, [hidden_q, backend], hidden_json, api_name="ask")
    return examples, status, (backend, top_k, publishers, date_from, date_to, as_of)


def _settings_panel(service: Service, articles: list[dict]) -> tuple:
    """Generator, top-k, filters and the as-of date (kept in the browser), and the status line."""
    with gr.Accordion("Settings", open=False, elem_id="qa-settings"):
        backend = gr.Dropdown(BACKEND_CHOICES, value=service.settings.backend, label="Generator", elem_id="qa-backend")
        top_k = gr.Slider(
            MIN_TOP_K,
            MAX_TOP_K,
            value=service.settings.passages(),
            step=1,
            label="Passages (top-k)",
            elem_id="qa-top-k",
        )
        publishers = gr.Dropdown(
            _publishers(articles), multiselect=True, label="Only these publishers", elem_id="qa-publishers"
        )
        with gr.Row():
            date_from = gr.Textbox(label="Published from", placeholder="YYYY-MM-DD", elem_id="qa-date-from")
            date_to = gr.Textbox(label="Published to", placeholder="YYYY-MM-DD", elem_id="qa-date-to")
        as_of = gr.Textbox(
            label="Answer as of (nothing later; this date is 'now')",
            placeholder="YYYY-MM-DD",
            elem_id="qa-as-of",
        )
        status = gr.Markdown(
            render.status_line(service.settings, articles, service.settings.backend), elem_id="qa-status"
        )
    # a reader's choice of generator brings its own number of passages (a page load keeps the stored one)
    backend.input(service.settings.passages, backend, top_k, api_visibility="private")
    return backend, top_k, publishers, date_from, date_to, as_of, status


def _responder(service: Service):
    """The chat's handler for one question: evidence, draft, then the checked answer and its sources."""

    def respond(message, messages, records, backend, k, pubs, start, end, when) -> Iterator:
        history = [
            {"role": m["role"], "content": render.unlink_markers(_text(m["content"]))}
            for m in messages or []
            if m.get("role") in ("user", "assistant")
        ]
        messages = (messages or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        filters = {
            "publishers": pubs or [],
            "date_from": (start or "").strip() or None,
            "date_to": (end or "").strip() or None,
            "as_of": (when or "").strip() or None,
        }
        turn, draft, earlier = len(records), "", [r["sources"] for r in records]
        nearby: list = []
        try:
            for event in service.stream(message, history=history, backend=backend, k=int(k), filters=filters):
                if isinstance(event, Evidence):
                    nearby = nearby or event.citations  # the retrieved passages: what a refusal points to
                    panel = render.sources_panel([*earlier, render.evidence_html(event)], turn)
                    yield messages, panel, "", records
                elif isinstance(event, Token):
                    draft += event.text
                    messages[-1]["content"] = render.draft_markdown(draft, event.checked)
                    yield messages, gr.skip(), "", records
                else:
                    messages[-1]["content"] = render.answer_markdown(event, turn)
                    html = render.sources_html(event, turn, service.store.article_text, nearby)
                    entry = {
                        "index": len(messages) - 1,
                        "question": message,
                        "history": history,
                        "answer": event.to_dict(),
                        "sources": html,
                    }
                    yield messages, render.sources_panel([*earlier, html], turn), "", [*records, entry]
        except (QAError, ValueError) as exc:  # ValueError: a filter the settings model rejects
            messages[-1]["content"] = f"⚠️ {exc}"
            yield messages, gr.skip(), "", records

    return respond


LIBRARY_PAGE = 50  # rows per page: a page of 800 articles still renders at once
SORTS = [("Newest first", "published"), ("Title", "title"), ("Publisher", "publisher"), ("File", "source")]


def _library_tab(service: Service, articles: list[dict]) -> list:
    with gr.Row():
        search = gr.Textbox(label="Search title, publisher, author or file", scale=3, elem_id="qa-library-search")
        sort = gr.Dropdown(SORTS, value="published", label="Sort", scale=1, elem_id="qa-library-sort")
        page_no = gr.Number(1, minimum=1, precision=0, label="Page", scale=1, elem_id="qa-library-page")
    summary = gr.Markdown(
        render.library_summary(library.page(articles, limit=LIBRARY_PAGE)), elem_id="qa-library-summary"
    )
    table = gr.HTML(render.library_table(library.page(articles, limit=LIBRARY_PAGE)["items"]), elem_id="qa-library")
    with gr.Row():
        article = gr.Dropdown([a["source"] for a in articles], label="Article", scale=3, elem_id="qa-article")
        remove = gr.Button("Remove article", variant="stop", scale=1, elem_id="qa-remove")
    text = gr.Textbox(
        label="Cleaned text (what was embedded)", lines=12, max_lines=20, interactive=False, elem_id="qa-article-text"
    )
    upload = gr.File(
        file_count="multiple", file_types=[".txt", ".md", ".html", ".htm"], label="Add articles", elem_id="qa-upload"
    )
    add = gr.Button("Add to library", variant="primary", elem_id="qa-add")
    results = gr.Dataframe(
        headers=["File", "Result", "Chunks", "Reason"],
        interactive=False,
        label="Upload results",
        elem_id="qa-upload-results",
    )

    feeds, web_url, add_page, add_feed = _web_panel(service)

    def refreshed(query: str = "", key: str = "published", number: float = 1):
        return _library_state(service.store.sources(), query, key, int(number or 1))

    def add_files(files, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress through this default)
        rows = []
        for path in progress.tqdm(files or [], desc="Ingesting"):
            path = Path(path)
            # gradio keeps the original file name as the last part of its temporary path
            result = service.add_upload(path.name, path.read_bytes())
            rows.append(
                [Path(result["source"]).name, result["status"], result.get("chunks", 0), result.get("reason") or ""]
            )
        return (rows or [["(no files)", "skipped", 0, "choose .txt, .md or .html files first"]], *refreshed())

    def remove_article(source: str | None):
        if source:
            service.remove_source(source)
        return (*refreshed(), "")  # back to the first page: the one shown may have emptied

    def from_web(url: str, as_feed: bool, progress=gr.Progress()):  # noqa: B008 (Gradio injects progress)
        url = (url or "").strip()
        if not url.startswith(("http://", "https://")):
            rows = [[url or "(no URL)", "skipped", 0, "give an http:// or https:// URL"]]
            return (rows, *refreshed(), render.feeds_table(service.watch_state.summary()), url)
        progress(0, desc=f"Reading {url}")
        if as_feed:
            done = watch.watch_now(service, [url])
            found = [(u, "skipped", 0, f"feed not read: {why}") for u, why in done.down]
            found += [(r.source, r.status, r.chunks, r.reason or "") for r in done.results]
        else:
            found = [
                (r.source, r.status, r.chunks, r.reason or "") for r in service.ingest([url], show_progress=False).files
            ]
        rows = [list(row) for row in found] or [[url, "unchanged", 0, "nothing new in the feed"]]
        return (rows, *refreshed(), render.feeds_table(service.watch_state.summary()), "")

    view = [table, article, summary]
    web_outputs = [results, *view, feeds, web_url]
    add_page.click(lambda u: from_web(u, False), web_url, web_outputs, api_visibility="private")
    add_feed.click(lambda u: from_web(u, True), web_url, web_outputs, api_visibility="private")
    article.change(lambda s: service.store.article_text(s) if s else "", article, text, api_visibility="private")
    add.click(add_files, upload, [results, *view], api_visibility="private")
    remove.click(remove_article, article, [*view, text], api_visibility="private")
    gr.on(
        [search.submit, sort.change, page_no.submit],
        refreshed,
        [search, sort, page_no],
        view,
        api_visibility="private",
        trigger_mode=LATEST,
    )
    return view


def _web_panel(service: Service) -> tuple:
    """Add a page, or watch a feed or sitemap (read now, then by the refresher); the watched feeds and when
    each was last read (read again at each page load)."""
    with gr.Accordion("Add from the web", open=False, elem_id="qa-web"):
        with gr.Row():
            url = gr.Textbox(label="URL of a page, or of an RSS/Atom feed or sitemap", scale=3, elem_id="qa-web-url")
            add_page = gr.Button("Add page", scale=1, elem_id="qa-add-page")
            add_feed = gr.Button("Watch feed", scale=1, elem_id="qa-watch-feed")
        feeds = gr.HTML(lambda: render.feeds_table(service.watch_state.summary()), elem_id="qa-feeds")
    return feeds, url, add_page, add_feed


def _library_state(articles: list[dict], query: str = "", key: str = "published", number: int = 1) -> tuple:
    """One page of the library (the article picker lists that page's articles), and what it holds."""
    shown = library.page(
        articles, query, cast(library.SortKey, key), key == "published", (number - 1) * LIBRARY_PAGE, LIBRARY_PAGE
    )
    choices = [a["source"] for a in shown["items"]]
    return render.library_table(shown["items"]), gr.Dropdown(choices=choices, value=None), render.library_summary(shown)


def _samples(articles: list[dict]) -> list[list[str]]:
    return [[q] for q in examples.shown(articles)]


def _publishers(articles: list[dict]) -> list[str]:
    return sorted({a["publisher"] for a in articles if a.get("publisher")})


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # gradio 6 message content may be a list of parts
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)
