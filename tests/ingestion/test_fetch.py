"""Polite, safe fetching against a real HTTP server on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import re
import time

import pytest

from qa.ingestion.fetch import Fetcher, FetchError, PrivateAddress, is_public
from qa.ingestion.web import canonical, page_article
from tests.conftest import make_settings
from tests.ingestion.site import LOCAL_FETCH, PNG, article_html, story

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fetcher_for(tmp_path, **overrides) -> Fetcher:
    options = LOCAL_FETCH
    return Fetcher(make_settings(tmp_path, **{**options, **overrides}))


def test_a_page_becomes_an_article_with_its_metadata_and_canonical_url(site, tmp_path):
    url = site.add("/news/harbour", story(1))
    with fetcher_for(tmp_path) as fetcher:
        article, _ = page_article(fetcher, url + "?utm_source=feed")
    assert article.source == f"{site.url}/news/harbour"
    assert article.title == "Council of Town 1 votes on harbour plan"
    assert (article.publisher, article.published, article.author) == ("Harbour Gazette", "2026-12-01", "Mira Lund")
    assert "rebuild the old harbour wall" in article.text and "Home | World" not in article.text


@pytest.mark.parametrize(
    "path, route, reason",
    [
        ("/missing", None, "HTTP 404"),
        ("/private/secret", ("text/html", story(2)), "disallowed by robots.txt"),
        ("/report.pdf", ("application/pdf", PDF), "not HTML (application/pdf)"),
        ("/photo.png", ("image/png", PNG), "not HTML (image/png)"),
        ("/menu", ("text/html", b"<html><body><nav>Home</nav><script>x()</script></body></html>"), "no text extracted"),
        ("/huge", ("text/html", article_html("Big", ["word " * 300_000])), "over the size limit"),
    ],
)
def test_each_failure_has_its_reason(site, tmp_path, path, route, reason):
    if route:
        site.add(path, route[1], route[0])
    with (
        fetcher_for(tmp_path, max_article_bytes=1_000_000) as fetcher,
        pytest.raises(Exception, match=re.escape(reason)) as err,
    ):
        page_article(fetcher, site.url + path)
    assert hasattr(err.value, "reason") or "no text extracted" in reason


def test_a_slow_page_times_out_and_counts_as_transient(site, tmp_path):
    site.add("/slow", story(3), delay=3.0)
    started = time.perf_counter()
    with fetcher_for(tmp_path, fetch_timeout=0.5) as fetcher, pytest.raises(FetchError, match="timeout") as err:
        fetcher.get(site.url + "/slow", 1_000_000)
    assert err.value.transient and time.perf_counter() - started < 2.5


def test_server_errors_are_retried_with_backoff_then_reported(site, tmp_path):
    site.add("/flaky", b"busy", "text/plain", status=503)
    with fetcher_for(tmp_path, fetch_retries=2, fetch_backoff=0.05) as fetcher, pytest.raises(FetchError, match="503"):
        fetcher.get(site.url + "/flaky", 1000)
    assert site.hits.count("/flaky") == 3


def test_private_addresses_are_refused_after_dns_unless_allowed(site, tmp_path):
    site.add("/a", story(4))
    for host in ("127.0.0.1", "localhost"):  # the name is refused for what it resolves to
        url = site.url.replace("127.0.0.1", host) + "/a"
        with (
            fetcher_for(tmp_path, fetch_allow_private=False) as fetcher,
            pytest.raises(PrivateAddress, match="private address"),
        ):
            fetcher.get(url, 1_000_000)
    assert "/a" not in site.hits and "/robots.txt" not in site.hits  # nothing was sent
    assert not any(map(is_public, ["10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fc00::1", "0.0.0.0"]))
    assert is_public("93.184.216.34")


def test_a_private_address_is_refused_at_once_without_the_hosts_delay(site, tmp_path):
    """Many URLs of one private host are refused one after another, not spaced by the politeness delay (the API
    answers such a list in well under a second, not a delay per URL)."""
    import time

    started = time.monotonic()
    with fetcher_for(tmp_path, fetch_allow_private=False, fetch_delay=5.0) as fetcher:
        for n in range(3):
            with pytest.raises(PrivateAddress):
                fetcher.get(f"{site.url}/n/{n}", 1_000_000)
    assert time.monotonic() - started < 2.5  # three spaced requests would take 10 s
    assert not site.hits


def test_only_http_and_https(tmp_path):
    with fetcher_for(tmp_path) as fetcher:
        for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x"):
            with pytest.raises(FetchError, match="only http and https"):
                fetcher.get(url, 1000)


def test_redirects_are_followed_hop_by_hop_and_each_hop_is_checked(site, tmp_path):
    site.add("/old", b"", status=301, headers=(("Location", "/news/moved"),))
    site.add("/news/moved", story(5))
    site.add("/sneaky", b"", status=302, headers=(("Location", "/private/x"),))
    site.add("/private/x", story(6))
    site.add("/loop", b"", status=302, headers=(("Location", "/loop"),))
    with fetcher_for(tmp_path, fetch_max_redirects=3) as fetcher:
        assert fetcher.get(site.url + "/old", 1_000_000).url == site.url + "/news/moved"
        with pytest.raises(FetchError, match=r"robots\.txt"):
            fetcher.get(site.url + "/sneaky", 1_000_000)
        with pytest.raises(FetchError, match="more than 3 redirects"):
            fetcher.get(site.url + "/loop", 1_000_000)
    assert "/private/x" not in site.hits


def test_the_user_agent_names_qa_and_robots_is_read_once(site, tmp_path):
    seen = []
    site.add("/a", story(7))
    site.add("/b", story(8))
    with fetcher_for(tmp_path) as fetcher:
        original = fetcher.client.send

        def spy(request, **kw):
            seen.append(request.headers["user-agent"])
            return original(request, **kw)

        fetcher.client.send = spy  # type: ignore[method-assign]
        fetcher.get(site.url + "/a", 1_000_000)
        fetcher.get(site.url + "/b", 1_000_000)
    assert site.hits.count("/robots.txt") == 1 and all(agent.startswith("qa/") for agent in seen)


def test_the_per_host_delay_spaces_requests(site, tmp_path):
    site.add("/a", story(9))
    with fetcher_for(tmp_path, fetch_delay=0.4) as fetcher:
        started = time.perf_counter()
        for _ in range(3):  # robots.txt, then /a twice: three starts, two gaps
            fetcher.get(site.url + "/a", 1_000_000)
    assert time.perf_counter() - started >= 0.8


def test_a_canonical_url_on_another_site_is_not_taken():
    assert canonical("https://other.example/x", "https://www.gazette.example/a?utm_source=rss") == (
        "https://www.gazette.example/a"
    )
    assert canonical("https://gazette.example/story", "https://www.gazette.example/amp/story") == (
        "https://gazette.example/story"
    )


def test_robots_txt_missing_allows_all_and_unreadable_refuses_all(site, tmp_path):
    site.add("/a", story(10))
    del site.routes["/robots.txt"]  # 404: everything allowed
    with fetcher_for(tmp_path) as fetcher:
        assert fetcher.get(site.url + "/a", 1_000_000).status == 200
    site.add("/robots.txt", b"down", "text/plain", status=503)
    with fetcher_for(tmp_path) as fetcher, pytest.raises(FetchError, match=r"robots\.txt unreadable") as err:
        fetcher.get(site.url + "/a", 1_000_000)
    assert err.value.transient and site.hits.count("/a") == 1


def test_a_retry_waits_as_long_as_retry_after_says(site, tmp_path):
    site.add("/busy", b"later", "text/plain", status=429, headers=(("Retry-After", "1"),))
    started = time.perf_counter()
    with fetcher_for(tmp_path, fetch_retries=1, fetch_backoff=0.01) as fetcher, pytest.raises(FetchError, match="429"):
        fetcher.get(site.url + "/busy", 1000)
    assert time.perf_counter() - started >= 1.0 and site.hits.count("/busy") == 2


@pytest.mark.parametrize("url", ["http://\u0080", "http://\x1f", "http:///path-only"])
def test_a_url_the_client_cannot_parse_is_refused_with_a_reason(tmp_path, url):
    with fetcher_for(tmp_path) as fetcher, pytest.raises(FetchError, match=r"not a valid URL|no host"):
        fetcher.get(url, 1000)
