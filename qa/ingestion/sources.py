"""What `qa ingest` was given (files, folders, exports, URLs, feeds, sitemaps) → the sources to ingest.

Feeds and sitemaps are read here, so one that cannot be read is a result with its reason like any page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from qa.config import Settings
from qa.errors import QAError
from qa.ingestion import exports
from qa.ingestion.fetch import Fetcher
from qa.ingestion.pipeline import FileResult, FileSource, Source, collect, is_url, source_name


@dataclass
class Plan:
    sources: list[Source] = field(default_factory=list)
    failed: list[FileResult] = field(default_factory=list)  # feeds and exports that could not be read
    fetches: bool = False  # some sources are pages: load them several at a time


def plan(
    settings: Settings,
    fetcher: Fetcher | None,
    targets: list[str | Path],
    feeds: Sequence[str] = (),
    fields: list[str] | None = None,
) -> Plan:
    """`targets`: files, folders, exports and page URLs; `feeds`: RSS/Atom feeds and sitemaps. The fetcher is
    needed only when a URL or feed is given."""
    result = Plan()
    urls = [str(t) for t in targets if is_url(str(t))]
    paths = [Path(t) for t in targets if not is_url(str(t))]
    files = [p for p in paths if not _is_export(p)]
    result.sources += [FileSource(path, settings.max_article_bytes) for path in collect(files)]
    mapping = exports.mapping(fields) if any(map(_is_export, paths)) else {}
    for path in filter(_is_export, paths):
        try:
            result.sources += list(exports.rows(path, source_name(path), mapping))
        except QAError as exc:
            result.failed.append(FileResult(source_name(path), "skipped", reason=str(exc)))
    if urls or feeds:
        assert fetcher is not None, "URLs need a fetcher"
        result.fetches = True
        result.sources += pages(fetcher, urls)
        for feed in feeds:
            result.sources += _feed(fetcher, feed, result.failed)
    return result


def pages(fetcher: Fetcher, urls: list[str], fallback: dict[str, dict[str, str]] | None = None) -> list[Source]:
    """The pages to fetch, hosts taking turns: pages are loaded a few at a time in this order, and one host's
    pages in a row would wait out its delay one after another while the other hosts stay idle."""
    from qa.ingestion.web import PageSource

    return [PageSource(url, fetcher, (fallback or {}).get(url, {})) for url in by_turns(list(dict.fromkeys(urls)))]


def by_turns(urls: list[str]) -> list[str]:
    """The first URL of each host, then the second of each, and so on (each host's own order kept)."""
    queues: dict[str, list[str]] = {}
    for url in urls:
        queues.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    turns = zip_longest(*queues.values())
    return [url for turn in turns for url in turn if url is not None]


def _feed(fetcher: Fetcher, url: str, failed: list[FileResult]) -> list[Source]:
    from qa.ingestion import feeds

    try:
        read = feeds.read(fetcher, url)
    except QAError as exc:
        failed.append(FileResult(url, "skipped", reason=f"feed not read: {getattr(exc, 'reason', exc)}"))
        return []
    hints = {e.url: {"title": e.title or "", "published": e.published or ""} for e in read.entries}
    return pages(fetcher, [e.url for e in read.entries], hints)


def _is_export(path: Path) -> bool:
    return path.suffix.lower() in exports.SUFFIXES and not path.is_dir()
