"""The chat's example questions: written once per article at ingest, from its lead, by the generator, and
stored with the article, so that page loads only read them. Only the newest articles get one; a question
is kept when it is a single short question and retrieval finds its own article with it, so an example
never leads a reader to "the articles don't say"."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from qa.llm.base import Generator, GeneratorError
from qa.retrieval import Retriever
from qa.store import Store

log = logging.getLogger(__name__)

LEAD_CHARS = 700  # about the first three sentences: where a news article states its main facts
MAX_WORDS = 25


def newest(sources: list[dict], count: int) -> list[dict]:
    """The `count` newest articles (undated ones last, then by name)."""
    dated = sorted((s for s in sources if s.get("published")), key=lambda s: (s["published"], s["source"]))
    undated = sorted((s for s in sources if not s.get("published")), key=lambda s: s["source"])
    return (dated[::-1] + undated)[:count]


def refresh(
    store: Store,
    retriever: Retriever,
    generator: Callable[[], Generator],
    count: int,
    progress: Callable[[str], None] = lambda line: None,
) -> int:
    """Give the newest `count` articles a question each, passing over an article whose question was not kept
    (it is marked tried, "", so no later ingest asks again); returns how many were written now. The
    generator is made only when there is one to write (loading the local model takes seconds)."""
    window = newest(store.sources(), 2 * count)  # room for rejected ones, bounded so ingest stays quick
    have = sum(bool(e.get("example")) for e in window)
    todo = [e for e in window if e.get("example") is None] if have < count else []
    try:
        writer = generator() if todo else None
    except GeneratorError as exc:
        log.warning("no example questions: %s", exc)
        return 0
    if writer is None or not writer.writes_examples:
        return 0
    kept = 0
    for number, entry in enumerate(todo, start=1):
        if have + kept >= count:
            break
        progress(f"example question {number}/{len(todo)}: {entry.get('title') or entry['source']}")
        question = _written(writer, store.article_text(entry["source"])[:LEAD_CHARS])
        if question is None:
            continue  # nothing written (the model failed or ran out of tokens): asked again next ingest
        found = _well_formed(question) and _finds_its_article(retriever, question, entry["source"])
        store.set_example(entry["source"], question if found else "")
        kept += found
    return kept


def shown(sources: list[dict], limit: int = 5) -> list[str]:
    """The newest articles' stored questions; when none has one (no model yet), their headlines."""
    ordered = newest(sources, len(sources))
    if stored := [str(e["example"]) for e in ordered if e.get("example")][:limit]:
        return stored
    questions = []
    for entry in ordered[:limit]:
        if title := (entry.get("title") or "").strip().rstrip("."):
            questions.append(f"What does {entry.get('publisher') or 'the article'} report about “{title}”?")
    return questions


def _written(generator: Generator, lead: str) -> str | None:
    try:
        question = generator.example_question(lead)
    except GeneratorError as exc:  # a model failing must not fail the ingest it follows
        log.warning("no example question: %s", exc)
        return None
    return re.sub(r"\s+", " ", question).strip() if question else None


def _well_formed(question: str) -> bool:
    """One question of a few words: not a fragment, not two questions, not a paragraph."""
    return question.endswith("?") and question.count("?") == 1 and 3 <= len(question.split()) <= MAX_WORDS


def _finds_its_article(retriever: Retriever, question: str, source: str) -> bool:
    return any(p.source == source for p in retriever.retrieve(question))
