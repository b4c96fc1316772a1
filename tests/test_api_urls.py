"""POST /api/ingest/urls and GET /api/feeds on the real API app (in process), a real store and a real HTTP
server on 127.0.0.1; the Library tab's web panel and the background example questions."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from qa.api import build_api
from qa.service import Service
from qa.ui import render
from tests.conftest import SEEDS, make_settings
from tests.ingestion.site import LOCAL_FETCH, rss, story


def client_for(tmp_path, **overrides) -> tuple[TestClient, Service]:
    options = {**LOCAL_FETCH, "fetch_timeout": 2.0}
    service = Service(make_settings(tmp_path, **{**options, **overrides}))
    return TestClient(build_api(service)), service


def test_pages_and_a_watched_feed_over_http(site, tmp_path):
    page = site.add("/n/1", story(1))
    site.add("/n/2", story(2))
    feed = site.add("/rss.xml", rss(site.url, ["/n/2"]), "application/rss+xml")
    client, _ = client_for(tmp_path)
    body = client.post("/api/ingest/urls", json={"urls": [page], "feeds": [feed], "watch": True}).json()
    assert [(f["source"], f["status"]) for f in body["files"]] == [(page, "added"), (site.url + "/n/2", "added")]
    (watched,) = client.get("/api/feeds").json()["feeds"]
    assert watched["url"] == feed and watched["entries"] == 1 and watched["last_read"] and watched["error"] is None
    answer = client.post("/api/answer", json={"question": "Who is the mayor of Town 1?", "backend": "extractive"})
    assert page in {c["source"] for c in answer.json()["citations"]}  # cited by its URL


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"urls": []},
        {"urls": ["/etc/passwd"]},
        {"urls": ["file:///etc/passwd"]},
        {"feeds": ["ftp://x/feed"]},
        {"feeds": ["http://\U00018d09"], "watch": True},  # a host the client cannot parse: not watched either
    ],
)
def test_what_is_not_an_http_url_is_refused_before_anything_is_read(tmp_path, payload):
    client, service = client_for(tmp_path)
    assert client.post("/api/ingest/urls", json=payload).status_code == 422
    assert service.store.count() == 0 and not service.watch_state.feeds


def test_private_addresses_are_refused_by_default_over_the_api(site, tmp_path):
    page = site.add("/n/3", story(3))
    client, _ = client_for(tmp_path, fetch_allow_private=False)
    (result,) = client.post("/api/ingest/urls", json={"urls": [page]}).json()["files"]
    assert result["status"] == "skipped" and result["reason"].startswith("private address") and site.hits == []


def test_the_library_shows_watched_feeds_and_links_fetched_articles():
    assert "No feeds watched yet" in render.feeds_table([])
    table = render.feeds_table([{"url": "https://x.example/rss", "last_read": None, "entries": 0, "error": "HTTP 503"}])
    assert 'href="https://x.example/rss"' in table and "not yet" in table and "HTTP 503" in table
    assert render.source_link("seeds/a.txt") == "<code>seeds/a.txt</code>"


class Blocked:
    """A generator whose example question waits until released: the ingest must not wait with it."""

    writes_examples = True

    def __init__(self) -> None:
        self.release, self.asked = threading.Event(), threading.Event()

    def example_question(self, lead: str) -> str:
        self.asked.set()
        self.release.wait(30)
        return "Where is the NATO-Russia Council meeting?"


def test_example_questions_are_written_after_the_ingest_returns(tmp_path):
    service = Service(make_settings(tmp_path, example_questions=1))
    blocked = Blocked()
    service.generator = lambda backend=None: blocked  # type: ignore[assignment]
    service.background_examples = True
    report = service.ingest([SEEDS], show_progress=False)  # returns while the question is still being written
    assert report.added > 0 and blocked.asked.wait(30)
    assert not any(s.get("example") for s in service.store.sources())
    thread = service._examples_thread
    blocked.release.set()
    assert thread is not None
    thread.join(30)
    assert sum(s.get("example") is not None for s in service.store.sources()) >= 1


def test_the_library_tab_has_the_web_panel(tmp_path):
    from qa.ui import build

    service = Service(make_settings(tmp_path))
    service.watch_state.add("https://x.example/rss")
    config = build(service).get_config_file()
    ids = {c["props"].get("elem_id") for c in config["components"]}
    assert {"qa-web-url", "qa-add-page", "qa-watch-feed", "qa-feeds"} <= ids


@pytest.mark.server
def test_qa_serve_runs_the_refresher_in_the_background(site, tmp_path):
    import json
    import sys
    import time

    import httpx

    from tests.conftest import free_port, start_server, stop_server

    site.add("/n/5", story(5))
    feed = site.add("/rss.xml", rss(site.url, ["/n/5"]), "application/rss+xml")
    state = tmp_path / "watch.json"
    state.write_text(json.dumps({"feeds": [{"url": feed}]}))
    port = free_port()
    env = {
        "QA_STORE_PATH": str(tmp_path / "store"),
        "QA_BACKEND": "extractive",
        "QA_WATCH_EVERY": "30m",
        "QA_WATCH_STATE_PATH": str(state),
        "QA_FETCH_ALLOW_PRIVATE": "true",
        "QA_SEEDS_DIR": str(tmp_path / "no-seeds"),
    }
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)]
    process = start_server(command, f"{url}/readyz", tmp_path / "serve.log", env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not httpx.get(f"{url}/api/sources", timeout=10).json()["total"]:
            time.sleep(0.5)
        assert [s["source"] for s in httpx.get(f"{url}/api/sources", timeout=10).json()["items"]] == [site.url + "/n/5"]
        (watched,) = httpx.get(f"{url}/api/feeds", timeout=10).json()["feeds"]
        assert watched["last_read"] and watched["entries"] == 1
    finally:
        stop_server(process)
    assert "qa watch: " in (tmp_path / "serve.log").read_text()  # the round was logged
