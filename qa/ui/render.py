"""HTML and Markdown for the chat: linked citation markers, the sources panel with each quote
highlighted inside its article, the refusal and "sources differ" states. Pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from qa.llm.registry import backend as registered
from qa.text import MARKER
from qa.types import Answer, Citation

_LINKED = re.compile(r"\[\\\[(\d+)\\\]\]\(#cite-\d+-\d+\)")
_NOTES = re.compile(r"\n\n\*\[?(Draft —|Confidence:|Why not|\d+ sentences? of the draft removed).*", re.DOTALL)
CONTEXT_CHARS = 500  # article text shown on each side of a quote


def link_markers(text: str, turn: int) -> str:
    """[n] → a Markdown link to the citation's entry in the sources panel (opened by the page's script)."""
    return MARKER.sub(lambda m: f"[\\[{m.group(1)}\\]](#cite-{turn}-{m.group(1)})", text)


DRAFT_NOTE = "*Draft — checking against the articles…*\n\n"
LINES_NOTE = "*Checked lines so far — more coming…*\n\n"


def draft_markdown(text: str, checked: bool = False) -> str:
    """The model's words while it writes, labelled as unchecked, never shown as the answer; or a broad answer's
    lines as each is verified."""
    return (LINES_NOTE if checked else DRAFT_NOTE) + text


def answer_markdown(answer: Answer, turn: int) -> str:
    """The checked answer with linked markers, its confidence, and what verification removed."""
    parts = [link_markers(answer.answer, turn)]
    dropped = [v for v in answer.debug.get("verdicts", []) if not v.get("kept")]
    if dropped:
        noun = "sentence" if len(dropped) == 1 else "sentences"
        parts.append(
            f"*{len(dropped)} {noun} of the draft removed: no cited sentence supports "
            f"{'it' if len(dropped) == 1 else 'them'}.*"
        )
    # the link shows this answer's own sources in the panel (the page's script), however old the answer
    if answer.refused:
        parts.append(f"*[Why not, and what the articles cover](#turn-{turn})*")
    else:
        parts.append(f"*[Confidence: {confidence_label(answer.confidence)}](#turn-{turn})*")
    return "\n\n".join(parts)


def confidence_label(confidence: float) -> str:
    """Plain words for the selector's probability that the articles state the answer."""
    word = "high" if confidence >= 0.9 else "medium" if confidence >= 0.7 else "low"
    return f"{word} ({confidence:.2f}: how sure qa is that the cited sentences state the answer)"


def unlink_markers(text: str) -> str:
    """The answer as the model may read it in the history: plain markers, no notes."""
    return _NOTES.sub("", _LINKED.sub(lambda m: f"[{m.group(1)}]", text))


def sources_panel(sections: list[str], shown: int) -> str:
    """Every answer's sources, one section per answer; only `shown` is visible (the page's script switches
    sections when a marker or an older answer is clicked)."""
    return "\n".join(
        f'<section class="qa-turn" id="turn-{i}"{"" if i == shown else " hidden"}>{body}</section>'
        for i, body in enumerate(sections)
    )


def sources_html(
    answer: Answer, turn: int, article_text: Callable[[str], str], nearby: list[Citation] | None = None
) -> str:
    if answer.refused:
        return refusal_html(answer, nearby or [])
    parts = []
    if answer.conflict:
        parts.append(
            '<div class="qa-conflict"><b>The sources differ.</b> Each version is given with its own '
            "citation; compare them below.</div>"
        )
    parts += [_citation(c, turn, article_text(c.source)) for c in answer.citations]
    return "\n".join(parts) or "<p><i>No citations.</i></p>"


def refusal_html(answer: Answer, nearby: list[Citation]) -> str:
    """Why nothing is cited, and what the closest articles are about instead."""
    reason = answer.debug.get("refusal_reason")
    why = f" ({html.escape(reason)})" if reason else ""
    titles = list(dict.fromkeys(c.title or c.source for c in nearby))
    covered = "".join(f"<li>{html.escape(t)}</li>" for t in titles[:5])
    closest = f"<p>The closest articles are about:</p><ul>{covered}</ul>" if covered else ""
    return (
        f'<div class="qa-refusal"><b>The articles don\'t say.</b> No passage answers this question{why}, so '
        f"nothing is cited. Rephrase it, or see the Library tab for what the articles cover.{closest}</div>"
    )


def evidence_html(evidence) -> str:
    """The sources being read (retrieved passages, then the chosen sentences) while the answer is checked."""
    label = "Reading these passages…" if evidence.stage == "reading" else "Checking the answer against these sentences…"
    items = "".join(
        f"<li><b>{html.escape(c.title or c.source)}</b> <small>"
        f"{' · '.join(html.escape(x) for x in (c.publisher, c.published) if x)}</small>"
        f'<blockquote class="qa-quote">{html.escape(c.quote[:400])}</blockquote></li>'
        for c in evidence.citations
    )
    return f'<div class="qa-evidence qa-{evidence.stage}"><p><i>{label}</i></p><ol>{items}</ol></div>'


def _citation(c: Citation, turn: int, article: str) -> str:
    meta = " · ".join(html.escape(x) for x in (c.publisher, c.published) if x)
    return (
        f'<details class="qa-cite" id="cite-{turn}-{c.n}"><summary><b>[{c.n}]</b> '
        f"{html.escape(c.title or c.source)}<br><small>{meta}</small>"
        f'<blockquote class="qa-quote">{html.escape(c.quote)}</blockquote></summary>'
        f'<div class="qa-context">{context_html(article, c.quote)}</div>'
        f"<small>{source_link(c.source)}</small></details>"
    )


def source_link(source: str) -> str:
    """A fetched article's source is its URL: a link that opens it; a file's is its name."""
    if source.startswith(("http://", "https://")):
        return f'<a href="{html.escape(source)}" target="_blank" rel="noopener noreferrer">{html.escape(source)}</a>'
    return f"<code>{html.escape(source)}</code>"


def feeds_table(feeds: list[dict]) -> str:
    """The watched feeds and sitemaps: when each was last read, how many of its entries were taken, its problem."""
    if not feeds:
        return "<p><i>No feeds watched yet: add one below, or run <code>qa watch FEEDS.txt</code>.</i></p>"
    rows = "".join(
        f"<tr><td>{source_link(f['url'])}</td><td>{html.escape((f['last_read'] or 'not yet').replace('T', ' '))}"
        f"</td><td>{f['entries']}</td><td>{html.escape(f['error'] or '')}</td></tr>"
        for f in feeds
    )
    head = "<tr><th>Watched feed</th><th>Last read (UTC)</th><th>Entries</th><th>Problem</th></tr>"
    return f'<table class="qa-library-table"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def context_html(article: str, quote: str, width: int = CONTEXT_CHARS) -> str:
    """The quote marked inside the article text around it (whitespace-tolerant: chunks were stripped)."""
    words = quote.split()
    found = re.search(r"\s+".join(map(re.escape, words)), article) if words else None
    if not found:
        return f"<mark>{html.escape(quote)}</mark>"
    start, end = max(0, found.start() - width), min(len(article), found.end() + width)
    before = ("…" if start else "") + article[start : found.start()]
    after = article[found.end() : end] + ("…" if end < len(article) else "")
    return (html.escape(before) + f"<mark>{html.escape(found.group())}</mark>" + html.escape(after)).replace(
        "\n\n", "<br><br>"
    )


def library_table(sources: list[dict]) -> str:
    """A page of the library as a plain HTML table: it draws in a fraction of a data grid's time."""
    head = "".join(f"<th>{h}</th>" for h in ("Title", "Publisher", "Published", "Author", "Chunks", "Source"))
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(s.get(k) or ''))}</td>"
            for k in ("title", "publisher", "published", "author", "chunks")
        )
        + f"<td>{source_link(s['source'])}</td>"
        + "</tr>"
        for s in sources
    )
    return f'<table class="qa-library-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def library_summary(page: dict) -> str:
    """Which articles a library page shows, and how the matching articles spread over publishers and months."""
    total, first = page["total"], page["offset"] + 1
    last = min(page["offset"] + page["limit"], total)
    shown = f"Articles {first}–{last} of {total}" if total else "No articles match"
    publishers = ", ".join(f"{html.escape(str(p))} {n}" for p, n in list(page["by_publisher"].items())[:8])
    months = ", ".join(f"{m} {n}" for m, n in list(page["by_month"].items())[-6:])
    return f"**{shown}.** By publisher: {publishers or '—'}. By month: {months or '—'}."


def status_line(settings, sources: list[dict], backend: str) -> str:
    model = registered(backend).model(settings)
    store = settings.chroma_url or str(settings.store_path)
    chunks = sum(s["chunks"] for s in sources)
    return (
        f"**Model:** `{model}` · **Store:** `{store}` (collection `{settings.collection}`) · "
        f"**{len(sources)} articles, {chunks} chunks**"
    )
