"""Pages, feeds and sitemaps ingested from a real HTTP server on 127.0.0.1 into a real store, real embedder."""

from __future__ import annotations

import pytest

from qa.ingestion.pipeline import source_name
from qa.service import Service
from tests.conftest import make_settings
from tests.ingestion.site import LOCAL_FETCH, PNG, article_html, atom, rss, sitemap, story

PDF = b"%PDF-1.4\n%%EOF\n"


def web_service(tmp_path, **overrides) -> Service:
    options = LOCAL_FETCH
    return Service(make_settings(tmp_path, **{**options, **overrides}))


def by_source(report) -> dict:
    return {f.source: f for f in report.files}


def test_a_feed_of_every_kind_of_page_each_with_its_outcome_and_a_second_run_adds_nothing(site, tmp_path):
    for n in (1, 2):
        site.add(f"/news/{n}", story(n))
    site.add("/private/3", story(3))  # robots.txt disallows /private/
    site.add("/slow", story(4), delay=3.0)
    site.add("/report.pdf", PDF, "application/pdf")
    site.add("/photo.png", PNG, "image/png")
    paths = ["/news/1", "/news/2", "/private/3", "/slow", "/gone", "/report.pdf", "/photo.png"]
    feed = site.add("/feed.xml", rss(site.url, paths), "application/rss+xml")
    service = web_service(tmp_path, fetch_timeout=0.5)
    report = service.ingest([], feeds=[feed], show_progress=False)
    results = by_source(report)
    url = site.url
    assert {results[f"{url}/news/{n}"].status for n in (1, 2)} == {"added"}
    assert results[f"{url}/private/3"].reason == "disallowed by robots.txt"
    assert "timeout" in results[f"{url}/slow"].reason and results[f"{url}/slow"].transient
    assert results[f"{url}/gone"].reason == "HTTP 404 Not Found"
    assert results[f"{url}/report.pdf"].reason == "not HTML (application/pdf)"
    assert results[f"{url}/photo.png"].reason == "not HTML (image/png)"
    assert "/private/3" not in site.hits
    stored = {s["source"]: s for s in service.store.sources()}
    assert set(stored) == {f"{url}/news/1", f"{url}/news/2"}  # nothing half-written for the failures
    assert stored[f"{url}/news/1"]["publisher"] == "Harbour Gazette"
    count = service.store.count()
    again = service.ingest([], feeds=[feed], show_progress=False)
    assert (again.added, again.removed, service.store.count()) == (0, 0, count)
    site.routes["/slow"].delay = 0
    third = service.ingest([], feeds=[feed], show_progress=False)
    assert by_source(third)[f"{url}/slow"].status == "added"  # the slow page, answering in time now
    assert service.store.count() > count


def test_an_updated_page_replaces_its_chunks_and_the_citation_links_to_its_url(site, tmp_path):
    url = site.add("/news/ferry", story(5))
    service = web_service(tmp_path)
    service.ingest([url], show_progress=False)
    old = service.store.ids_for(url)
    site.add("/news/ferry", story(5, extra=" The first ferry will be named Aurora after a vote by schoolchildren."))
    report = service.ingest([url], show_progress=False)
    assert report.files[0].status == "updated" and report.removed > 0
    assert old - service.store.ids_for(url)  # old chunks gone
    answer = service.answer("What will the first ferry be named?", backend="extractive")
    assert "Aurora" in answer.answer and answer.citations[0].source == url


def test_the_same_article_under_two_urls_is_stored_once(site, tmp_path):
    canonical = f"{site.url}/news/bridge"
    page = article_html("Bridge reopens", [story(6).decode().split("<p>")[1].split("</p>")[0]], canonical=canonical)
    site.add("/news/bridge", page)
    site.add("/amp/news/bridge", page)  # names the same canonical URL
    site.add("/copy/bridge", story(6))  # another URL, its own canonical, the same text as /print below
    site.add("/print/bridge", story(6))
    service = web_service(tmp_path)
    urls = [f"{site.url}{p}" for p in ("/amp/news/bridge", "/news/bridge", "/copy/bridge", "/print/bridge")]
    report = service.ingest(urls, show_progress=False)
    statuses = [(f.source, f.status, f.reason) for f in report.files]
    assert statuses[0][:2] == (canonical, "added") and statuses[1][1:] == ("skipped", f"same article as {urls[0]}")
    assert statuses[2][1] == "added" and statuses[3][1] == "skipped" and "same article text" in statuses[3][2]
    assert {s["source"] for s in service.store.sources()} == {canonical, f"{site.url}/copy/bridge"}


@pytest.mark.parametrize("kind", ["atom", "sitemap", "news-sitemap"])
def test_atom_feeds_and_sitemaps_list_their_pages(site, tmp_path, kind):
    paths = ["/a/7", "/a/8"]
    for n, path in zip((7, 8), paths):
        site.add(path, story(n))
    body = {
        "atom": lambda: atom(site.url, paths),
        "sitemap": lambda: sitemap(site.url, paths),
        "news-sitemap": lambda: sitemap(site.url, paths, news=True),
    }[kind]()
    feed = site.add(f"/{kind}.xml", body, "application/xml")
    report = web_service(tmp_path).ingest([], feeds=[feed], show_progress=False)
    assert sorted((f.source, f.status) for f in report.files) == [(site.url + p, "added") for p in paths]


def test_a_feed_that_is_not_a_feed_or_is_down_is_reported_and_the_rest_ingested(site, tmp_path):
    good = site.add("/news/9", story(9))
    page = site.add("/news/10", story(10))
    report = web_service(tmp_path).ingest([good], feeds=[page, site.url + "/nofeed"], show_progress=False)
    reasons = {f.source: f.reason for f in report.files}
    assert reasons[page].startswith("feed not read: not a feed or sitemap")
    assert reasons[site.url + "/nofeed"] == "feed not read: HTTP 404 Not Found"
    assert by_source(report)[good].status == "added"


def test_private_addresses_are_refused_by_default(site, tmp_path):
    url = site.add("/news/11", story(11))
    service = web_service(tmp_path, fetch_allow_private=False)
    report = service.ingest([url], show_progress=False)
    assert report.files[0].status == "skipped" and report.files[0].reason.startswith("private address")
    assert service.store.count() == 0 and site.hits == []


def test_hosts_take_turns_so_one_hosts_delay_does_not_hold_the_others():
    from qa.ingestion.sources import by_turns

    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2"]
    assert by_turns(urls) == ["http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://b/2", "http://a/3"]


def test_prune_keeps_fetched_articles_and_export_rows(site, tmp_path):
    page = site.add("/n/12", story(12))
    export = tmp_path / "export.jsonl"
    export.write_text('{"text": "The harbour council of Town 13 voted to rebuild the ferry pier on Monday."}\n')
    gone = tmp_path / "gone.txt"
    gone.write_text("Town 14 closes its library\n\nThe library of Town 14 closed on Friday after ninety years.\n")
    service = web_service(tmp_path)
    service.ingest([page, export, gone], show_progress=False)
    gone.unlink()
    report = service.ingest([tmp_path / "nothing-here"], prune=True, show_progress=False)
    assert report.removed > 0
    assert {s["source"] for s in service.store.sources()} == {page, f"{source_name(export)}#1"}


def test_a_sitemap_index_is_read_through_its_sitemaps(site, tmp_path):
    from tests.ingestion.site import sitemap

    for n in (15, 16):
        site.add(f"/s/{n}", story(n))
        site.add(f"/sitemap-{n}.xml", sitemap(site.url, [f"/s/{n}"]), "application/xml")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{site.url}/sitemap-{n}.xml</loc></sitemap>" for n in (15, 16, 17))
        + "</sitemapindex>"
    ).encode()
    url = site.add("/sitemap-index.xml", index, "application/xml")
    report = web_service(tmp_path).ingest([], feeds=[url], show_progress=False)
    assert sorted((f.source, f.status) for f in report.files) == [(f"{site.url}/s/{n}", "added") for n in (15, 16)]
    one = web_service(tmp_path / "one", feed_max_items=1).ingest([], feeds=[url], show_progress=False)
    assert len(one.files) == 1 and "/sitemap-16.xml" in site.hits and site.hits.count("/sitemap-16.xml") == 1
