"""Watch rounds against a real HTTP server on 127.0.0.1: new and changed entries ingested, a feed that has not
changed costs one 304, a feed that is down is logged and the others go on; the state file says what was read."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qa.config import PROJECT_ROOT, seconds
from qa.ingestion import watch
from qa.ingestion.fetch import Fetcher
from tests.ingestion.site import atom, rss, story
from tests.ingestion.test_web_ingest import web_service


def test_rounds_take_what_is_new_or_changed_and_survive_a_feed_that_is_down(site, tmp_path):
    for n in (1, 2, 3):
        site.add(f"/n/{n}", story(n))
    rss_url = site.add("/rss.xml", rss(site.url, ["/n/1", "/n/2"]), "application/rss+xml", headers=(("ETag", '"v1"'),))
    atom_url = site.add("/atom.xml", atom(site.url, ["/n/3"]), "application/atom+xml")
    service = web_service(tmp_path)
    state = service.watch_state
    for url in (rss_url, atom_url, site.url + "/down.xml"):
        assert state.add(url)
    assert not state.add(rss_url)
    with Fetcher(service.settings) as fetcher:
        first = watch.run_round(service, state, fetcher)
        assert (first.count("added"), first.not_modified, [u for u, _ in first.down]) == (
            3,
            0,
            [site.url + "/down.xml"],
        )
        assert "1 down" in first.line() and "3 new" in first.line()

        hits = len(site.hits)
        second = watch.run_round(service, state, fetcher)  # nothing new: a 304 and one unchanged feed, no page
        assert (second.results, second.not_modified) == ([], 1)
        assert sorted(site.hits[hits:]) == ["/atom.xml", "/down.xml", "/rss.xml"]

        site.add("/n/4", story(4))
        site.add(
            "/rss.xml", rss(site.url, ["/n/1", "/n/2", "/n/4"]), "application/rss+xml", headers=(("ETag", '"v2"'),)
        )
        site.add("/n/3", story(3, extra=" The harbour master resigned on Friday."))
        site.add("/atom.xml", atom(site.url, ["/n/3"], updated="2026-12-05T08:00:00Z"), "application/atom+xml")
        third = watch.run_round(service, state, fetcher)
    assert sorted((r.source.rsplit("/", 1)[-1], r.status) for r in third.results) == [("3", "updated"), ("4", "added")]
    saved = json.loads(service.settings.watch_state().read_text())
    feeds = {f["url"]: f for f in saved["feeds"]}
    assert feeds[rss_url]["etag"] == '"v2"' and len(feeds[rss_url]["seen"]) == 3 and feeds[rss_url]["last_read"]
    assert (
        feeds[site.url + "/down.xml"]["error"] == "HTTP 404 Not Found"
        and feeds[site.url + "/down.xml"]["last_read"] is None
    )
    assert [s["entries"] for s in watch.State(service.settings.watch_state()).summary()] == [3, 1, 0]


def test_a_page_that_timed_out_is_tried_again_next_round_and_a_404_is_not(site, tmp_path):
    site.add("/slow", story(5), delay=2.0)
    # with an ETag: the feed must still be read in full next round, not answered by a 304
    feed = site.add("/rss.xml", rss(site.url, ["/slow", "/gone"]), "application/rss+xml", headers=(("ETag", '"1"'),))
    service = web_service(tmp_path, fetch_timeout=0.4)
    service.watch_state.add(feed)
    with Fetcher(service.settings) as fetcher:
        assert watch.run_round(service, service.watch_state, fetcher).count("failed") == 2
        site.routes["/slow"].delay = 0
        again = watch.run_round(service, service.watch_state, fetcher)
        third = watch.run_round(service, service.watch_state, fetcher)
    assert [(r.source.rsplit("/", 1)[-1], r.status) for r in again.results] == [("slow", "added")]
    assert (third.results, third.not_modified) == ([], 1)  # all done: now the ETag is kept and answered


def test_durations():
    assert (seconds("30m"), seconds("2h"), seconds("90s"), seconds("120")) == (1800, 7200, 90, 120)
    for bad in ("soon", "5s", "10"):
        with pytest.raises(ValueError):
            seconds(bad)


def test_the_cli_ingests_a_url_and_watches_a_feeds_file_once(site, tmp_path):
    page = site.add("/n/6", story(6))
    site.add("/n/7", story(7))
    feed = site.add("/rss.xml", rss(site.url, ["/n/7"]), "application/rss+xml")
    (tmp_path / "feeds.txt").write_text(f"# the gazette\n{feed}\n\n")
    env = {
        "QA_STORE_PATH": str(tmp_path / "store"),
        "QA_BACKEND": "extractive",
        "QA_FETCH_ALLOW_PRIVATE": "true",
        "QA_FETCH_DELAY": "0",
    }

    def qa(*args):
        import os

        return subprocess.run(
            [sys.executable, "-m", "qa.cli", *args],
            env={**os.environ, **env},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    ingested = qa("ingest", page)
    assert ingested.returncode == 0 and "1 files (0 skipped), chunks: 1 added" in ingested.stdout
    watched = qa("watch", str(tmp_path / "feeds.txt"), "--once")
    assert watched.returncode == 0 and "1 feeds (0 unchanged, 0 down), 1 new, 0 updated, 0 failed" in watched.stdout
    refused = qa("ingest", page.replace("/n/6", "/n/8"), "--feed", site.url + "/missing.xml")
    assert refused.returncode == 1 and "HTTP 404" in refused.stderr and "Traceback" not in refused.stderr
    sources = qa("sources").stdout
    assert page in sources and site.url + "/n/7" in sources
