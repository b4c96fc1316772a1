"""A real HTTP server on 127.0.0.1 for the fetching tests: pages, feeds, a sitemap, robots.txt, a slow page,
a 404, a PDF and an image. Routes can be changed while it runs (an article updated, a feed gaining an entry)."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROBOTS = "User-agent: *\nDisallow: /private/\n"
# Settings that reach this server quickly: 127.0.0.1 allowed, no politeness delay, a short timeout, no retries
LOCAL_FETCH = {"fetch_allow_private": True, "fetch_delay": 0, "fetch_timeout": 1.0, "fetch_retries": 0}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()


def article_html(title: str, paragraphs: list[str], published: str = "2026-12-01", canonical: str = "") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>{link}"
        '<meta property="og:site_name" content="Harbour Gazette">'
        f'<meta property="article:published_time" content="{published}T08:00:00Z">'
        f'<meta name="author" content="Mira Lund"></head><body><nav>Home | World | Sport</nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>© Harbour Gazette</footer></body></html>"
    ).encode()


def story(n: int, extra: str = "") -> bytes:
    """A distinct article for each n."""
    return article_html(
        f"Council of Town {n} votes on harbour plan",
        [
            f"The council of Town {n} voted on Tuesday to rebuild the old harbour wall, a project of {n + 3} "
            "million euros that had been delayed for a decade by disputes over its cost.",
            f"Mayor Ada Holm{n} said the work would begin in spring and last {n % 5 + 2} years, and that the "
            "fishing fleet would keep its moorings while the wall was rebuilt in sections." + extra,
            "Residents who spoke at the meeting asked for a public walkway along the new wall, which the "
            "council promised to study before the final design is approved next year.",
        ],
    )


class Site:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {"/robots.txt": Route(ROBOTS.encode(), "text/plain")}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.hits.append(self.path)
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    route = Route(b"<html><body><p>Not here.</p></body></html>", status=404)
                etag = dict(route.headers).get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                time.sleep(route.delay)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers:
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    self.wfile.write(route.body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", **kw) -> str:
        self.routes[path] = Route(body, content_type, **kw)
        return self.url + path


def rss(site_url: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{site_url}{p}</link>"
        f"<pubDate>Tue, 0{i % 9 + 1} Dec 2026 08:00:00 GMT</pubDate></item>"
        for i, p in enumerate(paths)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{items}</channel></rss>'.encode()


def atom(site_url: str, paths: list[str], updated: str = "2026-12-01T08:00:00Z") -> bytes:
    entries = "".join(
        f'<entry><title>Story {i}</title><link rel="alternate" href="{p}"/><id>{site_url}{p}</id>'
        f"<updated>{updated}</updated></entry>"
        for i, p in enumerate(paths)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{site_url}/">'
        f"<title>Gazette</title>{entries}</feed>"
    ).encode()


def sitemap(site_url: str, paths: list[str], news: bool = False) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    urls = "".join(
        f"<url><loc>{site_url}{p}</loc><lastmod>2026-12-0{i % 9 + 1}</lastmod>"
        + (
            f"<news:news><news:publication_date>2026-12-0{i % 9 + 1}</news:publication_date>"
            f"<news:title>Story {i}</news:title></news:news>"
            if news
            else ""
        )
        + "</url>"
        for i, p in enumerate(paths)
    )
    return (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{urls}</urlset>'.encode()
    )
