"""qa: cited answers from your news articles, offline.

import qa
a = qa.answer("How long did the talks last?")
a.to_dict()  # {"answer", "refused", "citations", "timings", ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import qa.config  # noqa: F401  (offline environment first)
from qa.types import Answer, Citation

__all__ = ["Answer", "Citation", "answer", "ingest", "stream"]


def answer(
    question: str,
    history: list[dict] | None = None,
    k: int | None = None,
    filters: dict | None = None,
    backend: str | None = None,
    as_of: str | None = None,
) -> Answer:
    """Answer `question` from the ingested articles (ingesting seeds/ first if the store is empty). `as_of`
    (YYYY-MM-DD) answers from what was published up to that date, treating it as "now"."""
    events = stream(question, history, k, filters, backend, as_of, drafts=False)
    return next(e for e in events if isinstance(e, Answer))


def stream(
    question: str,
    history: list[dict] | None = None,
    k: int | None = None,
    filters: dict | None = None,
    backend: str | None = None,
    as_of: str | None = None,
    drafts: bool = True,
) -> Iterator[str | Answer]:
    """Yields the draft answer text as it is generated (unless drafts=False), then the final verified Answer."""
    from qa.chain import Token
    from qa.service import get_service

    service = get_service()
    service.ensure_seeded(show_progress=False)
    filters = {**(filters or {}), "as_of": as_of} if as_of else filters
    for event in service.stream(question, history=history, k=k, filters=filters, backend=backend):
        if isinstance(event, Token) and drafts:
            yield event.text
        elif isinstance(event, Answer):
            yield event


def ingest(*paths: str | Path, prune: bool = False, feeds: tuple[str, ...] = ()):
    """Ingest files, folders, exports (.jsonl, .csv) or page URLs, and the pages of RSS/Atom feeds and sitemaps
    in `feeds`; returns an IngestReport (a result per file or page, chunks added/unchanged/removed)."""
    from qa.service import get_service

    return get_service().ingest(list(paths), prune=prune, feeds=feeds, show_progress=False)
