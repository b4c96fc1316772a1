"""Ingest from the web, served locally: pages/s for 200 pages (the per-host delay off), watch rounds over 10
feeds on 10 loopback hosts (127.0.0.2 … 127.0.0.11) with nothing new, and a question about an article that
appeared in a feed after the last round, answered after the next one and cited by its URL.

python bench/web.py --pages 200 --feeds 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import save, synthetic_articles

from qa.config import Settings
from qa.ingestion import watch
from qa.ingestion.fetch import Fetcher
from qa.service import Service
from tests.ingestion.site import Site, article_html, rss

NEW_FACT = "The harbour board named Captain Idunn Sorvik as its first woman pilot on Thursday."


def page(i: int, text: str) -> bytes:
    title, _, body = text.partition("\n\n")
    return article_html(title, [p for p in body.split(". ") if p], published=f"2026-11-{1 + i % 28:02d}")


def settings_for(folder: Path, **overrides) -> Settings:
    options = {
        "store_path": folder / "store",
        "collection": "bench",
        "backend": "extractive",
        "example_questions": 0,
        "fetch_allow_private": True,
    }
    return Settings(**{**options, **overrides})


def pages_per_second(sites: list[Site], n: int, host_concurrency: int) -> dict:
    """One ingest of the n pages by URL (spread over the sites), then the same URLs again (nothing new)."""
    texts = synthetic_articles(n * 6, seed=1)[:n]
    urls = [sites[i % len(sites)].add(f"/p/{host_concurrency}/{i}", page(i, t)) for i, t in enumerate(texts)]
    service = Service(
        settings_for(
            Path(tempfile.mkdtemp(prefix="qa-bench-web-")), fetch_delay=0, fetch_host_concurrency=host_concurrency
        )
    )
    started = time.perf_counter()
    first = service.ingest(urls, show_progress=False)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = service.ingest(urls, show_progress=False)
    again_s = time.perf_counter() - started
    assert first.added > 0 and again.added == 0, (first.summary(), again.summary())
    return {
        "hosts": len(sites),
        "host_concurrency": host_concurrency,
        "pages": n,
        "chunks": first.added,
        "first_s": round(first_s, 2),
        "pages_per_s": round(n / first_s, 1),
        "again_s": round(again_s, 2),
        "again_pages_per_s": round(n / again_s, 1),
        "failed": sum(f.status == "skipped" for f in first.files),
    }


def watch_rounds(sites: list[Site], per_feed: int) -> dict:
    """10 feeds (one per host) of `per_feed` entries: the first round ingests them, then rounds with nothing new
    (304 to the ETag; then without ETags: each feed parsed again), then one with a new article to ask about."""
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-watch-"))
    service = Service(settings_for(folder))  # the polite defaults: 1 s per host, one request at a time per host
    texts = synthetic_articles(len(sites) * per_feed * 6, seed=2)
    feeds = []
    for s, site in enumerate(sites):
        paths = [f"/w/{s}/{i}" for i in range(per_feed)]
        for i, path in enumerate(paths):
            site.add(path, page(i, texts[s * per_feed + i]))
        feeds.append(site.add("/feed.xml", rss(site.url, paths), "application/rss+xml", headers=(("ETag", '"1"'),)))
        service.watch_state.add(feeds[-1])
    result: dict = {"feeds": len(feeds), "entries_per_feed": per_feed, "fetch_delay_s": service.settings.fetch_delay}
    with Fetcher(service.settings) as fetcher:

        def timed(label: str) -> watch.Round:
            time.sleep(service.settings.fetch_delay)  # rounds are minutes apart: no host is still in its delay
            done = watch.run_round(service, service.watch_state, fetcher)
            print(f"{label}: {done.line()}", *done.details(), sep="\n", file=sys.stderr)
            result[f"{label}_s"] = round(done.seconds, 3)
            result[f"{label}_new"] = done.count("added")
            return done

        timed("first_round")
        assert timed("nothing_new_304").not_modified == len(feeds)
        for site in sites:
            site.routes["/feed.xml"].headers = ()  # a server without ETags: the feed is parsed, its stamps compared
        assert not timed("nothing_new_parsed").results
        site = sites[0]
        site.add("/w/new", article_html("Harbour board names its first woman pilot", [NEW_FACT], "2026-12-06"))
        paths = [f"/w/0/{i}" for i in range(per_feed)] + ["/w/new"]  # the others keep their dates
        site.add("/feed.xml", rss(site.url, paths), "application/rss+xml")
        timed("one_new")
    answer = service.answer("Who did the harbour board name as its first woman pilot?", backend="extractive")
    cited = {c.source for c in answer.citations}
    result["new_article_answered"] = "Sorvik" in answer.answer and not answer.refused
    result["new_article_cited_by_url"] = f"{sites[0].url}/w/new" in cited
    result["answer"] = answer.answer
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--feeds", type=int, default=10)
    args = parser.parse_args()
    sites = [Site(f"127.0.0.{2 + i}") for i in range(args.feeds)]  # each its own host
    for site in sites:
        site.__enter__()
    try:
        data = {
            "pages_one_host": pages_per_second(sites[:1], args.pages, 1),
            "pages_one_host_4": pages_per_second(sites[:1], args.pages, 4),
            "pages_ten_hosts": pages_per_second(sites, args.pages, 1),
            "watch": watch_rounds(sites, args.pages // args.feeds),
        }
    finally:
        for site in sites:
            site.__exit__()
    save("web", data)


if __name__ == "__main__":
    main()
