"""Keeping a collection current: the watched feeds and sitemaps are read each round, and the pages that are
new or whose feed stamp changed are ingested. Nothing is pruned. A feed that is down is logged and tried
again next round; the others go on.

What was read is kept in a small JSON file beside the store: for each feed, when it was last read, its
ETag/Last-Modified (a feed that has not changed answers 304 and costs nothing), and the stamp of each entry
already ingested."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import QAError
from qa.ingestion import feeds, sources
from qa.ingestion.fetch import Fetcher, check_url
from qa.ingestion.pipeline import FileResult

if TYPE_CHECKING:
    from qa.service import Service

log = logging.getLogger(__name__)


@dataclass
class Feed:
    url: str
    last_read: str | None = None  # ISO time of the last successful read
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # why the last read failed; None once it works again
    seen: dict[str, str] = field(default_factory=dict)  # entry URL → its stamp when ingested


class State:
    """The watched feeds, one JSON file, shared by the CLI loop, the server's refresher, the API and the UI."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.RLock()
        self.feeds: dict[str, Feed] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.feeds = {f["url"]: Feed(**f) for f in data.get("feeds", [])}
            except (ValueError, TypeError, KeyError) as exc:
                raise QAError(f"{path} is not a watch state file ({exc}): fix or delete it") from exc

    def add(self, url: str) -> bool:
        """Watch `url` (a feed or sitemap); False when it already is."""
        check_url(url)
        with self.lock:
            if url in self.feeds:
                return False
            self.feeds[url] = Feed(url)
            self.save()
            return True

    def save(self) -> None:
        """Written whole to a temporary file, then renamed over the old one: never half-written."""
        with self.lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps({"feeds": [asdict(f) for f in self.feeds.values()]}, indent=1), "utf-8")
            os.replace(tmp, self.path)

    def summary(self) -> list[dict]:
        """Each feed, when it was last read and how many entries were taken from it (for the UI and the API)."""
        with self.lock:
            return [
                {"url": f.url, "last_read": f.last_read, "entries": len(f.seen), "error": f.error}
                for f in self.feeds.values()
            ]


@dataclass
class Round:
    feeds: int = 0
    not_modified: int = 0
    down: list[tuple[str, str]] = field(default_factory=list)  # (feed, reason)
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return len(self.failed()) if status == "failed" else sum(r.status == status for r in self.results)

    def failed(self) -> list[FileResult]:
        """Pages that could not be ingested (a copy of another article is not a failure)."""
        return [r for r in self.results if r.status == "skipped" and not (r.reason or "").startswith("same article")]

    def line(self) -> str:
        return (
            f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z round: {self.feeds} feeds ({self.not_modified} unchanged, "
            f"{len(self.down)} down), {self.count('added')} new, {self.count('updated')} updated, "
            f"{self.count('failed')} failed, {self.seconds:.1f} s"
        )

    def details(self) -> list[str]:
        lines = [f"  down {url}: {reason}" for url, reason in self.down]
        return lines + [f"  failed {r.source}: {r.reason}" for r in self.failed()]


def feeds_file(path: Path) -> list[str]:
    """One feed or sitemap URL a line; blank lines and # comments are passed over."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QAError(f"cannot read {path}: {exc.strerror}") from exc
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def run_round(
    service: Service, state: State, fetcher: Fetcher, show_progress: bool = False, only: set[str] | None = None
) -> Round:
    """One round over the watched feeds (or `only` these of them)."""
    started = time.perf_counter()
    with state.lock:
        watched = [f for f in state.feeds.values() if only is None or f.url in only]
    result = Round(feeds=len(watched))
    with ThreadPoolExecutor(max(1, service.settings.fetch_concurrency)) as pool:
        reads = list(pool.map(lambda f: _read(fetcher, f), watched))
    with state.lock:
        todo = _news(watched, reads, result)
    hints = {url: {"title": e.title or "", "published": e.published or ""} for url, (_, e) in todo.items()}
    pages = sources.pages(fetcher, list(todo), hints)
    report = service.ingest_sources(pages, service.settings.fetch_concurrency, show_progress) if pages else None
    result.results = report.files if report else []
    retry: set[str] = set()  # feeds with a page to try again: read in full next round, not answered by a 304
    with state.lock:
        for page, outcome in zip(pages, result.results):  # results come in the pages' order
            feed, entry = todo[page.name]
            if outcome.transient:
                retry.add(feed.url)
            else:  # done, or failing for good (404, not HTML): not fetched again until its stamp changes
                feed.seen[entry.url] = entry.stamp
        for feed, read in zip(watched, reads):  # only now: a round that failed must not leave a 304 behind
            if not isinstance(read, str) and not read.not_modified and feed.url not in retry:
                feed.etag, feed.last_modified = read.etag, read.last_modified
        state.save()
    result.seconds = time.perf_counter() - started
    return result


def _news(watched: list[Feed], reads: list, result: Round) -> dict[str, tuple[Feed, feeds.Entry]]:
    """The entries to fetch, each once: new ones and those whose stamp changed; each feed's record updated."""
    todo: dict[str, tuple[Feed, feeds.Entry]] = {}
    for feed, read in zip(watched, reads):
        if isinstance(read, str):
            feed.error = read
            result.down.append((feed.url, read))
            continue
        feed.last_read, feed.error = datetime.now(UTC).isoformat(timespec="seconds"), None
        if read.not_modified:
            result.not_modified += 1
            continue
        listed = {e.url for e in read.entries}
        feed.seen = {url: stamp for url, stamp in feed.seen.items() if url in listed}  # bounded by the feed
        for entry in read.entries:
            if feed.seen.get(entry.url) != entry.stamp and entry.url not in todo:
                todo[entry.url] = (feed, entry)
    return todo


def watch_now(service: Service, urls: list[str]) -> Round:
    """Watch these feeds from now on and read them at once (the Library tab, the API)."""
    for url in urls:
        service.watch_state.add(url)
    with Fetcher(service.settings) as fetcher:
        return run_round(service, service.watch_state, fetcher, only=set(urls))


def _read(fetcher: Fetcher, feed: Feed) -> feeds.FeedRead | str:
    try:
        return feeds.read(fetcher, feed.url, feed.etag, feed.last_modified)
    except QAError as exc:
        return str(getattr(exc, "reason", exc))
    except Exception as exc:  # one feed breaking in an unforeseen way must not stop the others
        log.exception("reading %s", feed.url)
        return f"{type(exc).__name__}: {exc}"


def loop(
    service: Service,
    every: float,
    once: bool = False,
    extra: Callable[[], list[str]] = list,
    say: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    show_progress: bool = False,
) -> bool:
    """Rounds until stopped (or one round): `extra` gives feeds to add before each (a FEEDS.txt re-read, so
    edits to it count). A round that fails as a whole (the store gone) is logged; the next one tries again.
    Returns whether the last round went through (for `--once` under cron)."""
    stop = stop or threading.Event()
    state = service.watch_state
    with Fetcher(service.settings) as fetcher:
        while True:
            ok = False
            try:
                for url in extra():
                    state.add(url)
                done = run_round(service, state, fetcher, show_progress)
                say(done.line())
                for line in done.details():
                    say(line)
                ok = True
            except QAError as exc:
                say(f"round failed: {exc}")
            except Exception as exc:  # the store or embedder failing: the refresher must outlive one bad round
                log.exception("watch round")
                say(f"round failed: {type(exc).__name__}: {exc}")
            if once or stop.wait(every):
                return ok


def start_refresher(service: Service, every: float) -> threading.Thread:
    """The same rounds on a background thread of `qa serve`, logged to the server's log."""

    def say(line: str) -> None:
        print(f"qa watch: {line}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=loop, args=(service, every), kwargs={"say": say}, name="qa-watch", daemon=True)
    thread.start()
    return thread
