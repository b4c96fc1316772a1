"""The process-wide service: store, embedder, retriever and generators, each loaded once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from qa import examples
from qa.answering.answer_model import answer_model
from qa.answering.kind_model import kind_model
from qa.answering.kinds import KINDS
from qa.answering.scoring import SentenceScorer
from qa.chain import Chain, Evidence, QuestionError, Token, clean_history, clean_question
from qa.config import Settings, get_settings
from qa.embeddings import make_embedder
from qa.ingestion import pipeline, sources, watch
from qa.ingestion.fetch import Fetcher
from qa.ingestion.loaders import SUFFIXES
from qa.llm import Generator, make_generator
from qa.llm.registry import backend as registered
from qa.queue import GenerationQueue
from qa.retrieval import Filters, Retriever
from qa.store import Store, with_store_embedder
from qa.types import Answer

log = logging.getLogger(__name__)


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings = with_store_embedder(settings)
        self.embeddings = make_embedder(settings)
        self.store = Store(settings, self.embeddings)
        self.retriever = self._retriever()
        self.scorer = _scorer(self.embeddings, settings)
        self.kind_model = kind_model() if settings.policy.broad.kind_source != "generator" else None
        self._generators: dict[str, Generator] = {}
        self._queues: dict[str, GenerationQueue] = {}
        self._lock = threading.Lock()
        self.background_examples = False  # `qa serve` turns it on; a CLI ingest ends before a model would load
        self._examples_lock = threading.Lock()
        self._examples_thread: threading.Thread | None = None
        self._examples_again = False
        self._ingest_lock = threading.Lock()
        self._watch_state: watch.State | None = None

    def generator(self, backend: str | None = None) -> Generator:
        backend = backend or self.settings.backend
        with self._lock:
            if backend not in self._generators:
                self._generators[backend] = make_generator(self.settings, backend)
            return self._generators[backend]

    def queue(self, backend: str | None = None) -> GenerationQueue:
        """One queue per backend: the local model takes one question at a time, a server several."""
        backend = backend or self.settings.backend
        slots = registered(backend).slots(self.settings)
        with self._lock:
            if backend not in self._queues:
                self._queues[backend] = GenerationQueue(
                    slots, self.settings.queue_max_waiting, self.settings.queue_timeout
                )
            return self._queues[backend]

    def stream(
        self,
        question: str,
        history: list[dict] | None = None,
        k: int | None = None,
        filters: dict | Filters | None = None,
        backend: str | None = None,
        kind: str | None = None,
    ) -> Iterator[Evidence | Token | Answer]:
        """`kind`: the kind of answer wanted (qa.answering.kinds.KINDS); None or "auto": decided per question."""
        question = clean_question(question, self.settings.max_question_chars)
        history = clean_history(history, self.settings.max_history_turns, self.settings.max_question_chars)
        if not isinstance(filters, Filters):
            filters = Filters.from_dict(filters)
        chain = Chain(
            self.retriever, self.generator(backend), self.scorer, self.settings, self.queue(backend), self.kind_model
        )
        yield from chain.stream(
            question, history, k=k or self.settings.passages(backend), filters=filters, kind=_kind(kind)
        )

    def answer(self, question: str, **kwargs) -> Answer:
        result = None
        for event in self.stream(question, **kwargs):
            result = event
        assert isinstance(result, Answer)
        return result

    def ingest(
        self,
        paths: Sequence[str | Path],
        prune: bool = False,
        show_progress: bool = True,
        feeds: Sequence[str] = (),
        fields: list[str] | None = None,
    ) -> pipeline.IngestReport:
        """Files, folders, exports (.jsonl, .csv) and page URLs in `paths`; RSS/Atom feeds and sitemaps in
        `feeds`; `fields` maps an export's field names (OURS=THEIRS)."""
        fetcher = Fetcher(self.settings) if feeds or any(pipeline.is_url(str(p)) for p in paths) else None
        try:
            plan = sources.plan(self.settings, fetcher, list(paths), list(feeds), fields)
            workers = self.settings.fetch_concurrency if plan.fetches else 1
            report = self.ingest_sources(plan.sources, workers, show_progress)
        finally:
            if fetcher:
                fetcher.close()
        report.files[:0] = plan.failed
        if prune:
            report.removed += pipeline.prune(self.store, {f.source for f in report.files})
            self.retriever.refresh()
        return report

    def ingest_sources(
        self, found: list[pipeline.Source], workers: int = 1, show_progress: bool = True
    ) -> pipeline.IngestReport:
        with self._ingest_lock:  # one writer at a time (an upload and a watch round in the same server)
            report = pipeline.run_sources(self.store, self.settings, found, workers, show_progress)
            self.retriever.refresh(report.written, report.dropped)
        if self.background_examples:
            self.examples_later()
        return report

    @property
    def watch_state(self) -> watch.State:
        """The watched feeds (one object per process, so the refresher, the API and the UI share it)."""
        with self._lock:
            if self._watch_state is None:
                self._watch_state = watch.State(self.settings.watch_state())
            return self._watch_state

    def examples_later(self) -> None:
        """Write the chat's example questions on a background thread: an ingest or a watch round never waits
        for the model (498 articles once waited 4.5 minutes for ten). A call while one runs asks for one more
        pass after it, so the newest articles are always considered."""
        if not self.settings.example_questions:
            return
        with self._examples_lock:
            if self._examples_thread is not None:
                self._examples_again = True
                return
            self._examples_thread = threading.Thread(target=self._write_examples, name="qa-examples", daemon=True)
            self._examples_thread.start()

    def _write_examples(self) -> None:
        while True:
            try:
                examples.refresh(self.store, self.retriever, self.generator, self.settings.example_questions)
            except Exception:  # a store or model failing here must not kill the server: the next ingest retries
                log.exception("example questions not written")
            with self._examples_lock:
                if not self._examples_again:
                    self._examples_thread = None
                    return
                self._examples_again = False

    def add_upload(self, filename: str, data: bytes) -> dict:
        """Save an uploaded article in the upload folder and ingest it; one result dict per file."""
        name = Path(filename or "").name  # strips any folder part: no escaping the upload dir
        if not name or name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
            return {
                "source": name or "(no name)",
                "status": "skipped",
                "reason": f"unsupported name or type: use {', '.join(sorted(SUFFIXES))}",
            }
        if len(data) > self.settings.max_upload_bytes:
            return {"source": name, "status": "skipped", "reason": "file too large"}
        folder = self.settings.upload_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return self.ingest([folder / name], show_progress=False).files[0].to_dict()

    def loaded_generators(self) -> list[str]:
        return list(self._generators)

    def remove_source(self, source: str) -> int:
        ids = self.store.ids_for(source)
        self.store.delete(ids)
        self.retriever.refresh([], ids)
        return len(ids)

    def ensure_seeded(self, show_progress: bool = True) -> pipeline.IngestReport | None:
        """Ingest the seed articles when the store is empty (first run)."""
        if self.store.count() == 0 and self.settings.seeds_dir.exists():
            return self.ingest([self.settings.seeds_dir], show_progress=show_progress)
        return None

    def rebuild(self) -> None:
        self.store.reset()
        self.store = Store(self.settings, self.embeddings)
        self.retriever = self._retriever()

    def _retriever(self) -> Retriever:
        s = self.settings
        return Retriever(
            self.store, self.embeddings, s.top_k, s.fetch_k, s.recency_weight, s.mmr_lambda, s.duplicate_jaccard
        )


def _kind(kind: str | None) -> str | None:
    if kind in (None, "", "auto") or kind in KINDS:
        return kind
    raise QuestionError(f"kind {kind!r} is not one of auto, {', '.join(KINDS)}")


def _scorer(embeddings, settings: Settings) -> SentenceScorer:
    """The candidates' scorer, with the answer-sentence model (loaded once per process) when the policy uses it."""
    policy = settings.policy
    model = answer_model() if policy.uses_answer_model else None
    return SentenceScorer(embeddings, policy.semantic_weight, model, policy.answer_weight)


@lru_cache(maxsize=1)
def get_service() -> Service:
    return Service(get_settings())
