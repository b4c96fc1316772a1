"""A web page → an Article whose source is its canonical URL (what citations link to)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlsplit

import courlan

from qa.ingestion.fetch import Fetcher, FetchError, Response
from qa.ingestion.loaders import LoadError, from_html
from qa.types import Article

HTML_TYPES = {"text/html", "application/xhtml+xml"}


def normalized(url: str) -> str:
    """One spelling per page: lower-case host, no fragment, no tracking parameters (utm_* and the like)."""
    return courlan.normalize_url(url, strict=True) or url


def canonical(found: str | None, fetched: str) -> str:
    """The page's canonical URL when it is on the same site as where it was fetched, else the fetched URL:
    a page may not claim another site's address (and so replace that site's article)."""
    fetched = normalized(fetched)
    if not found or not found.startswith(("http://", "https://")):
        return fetched
    site = lambda url: (urlsplit(url).hostname or "").removeprefix("www.")  # noqa: E731
    return normalized(found) if site(found) == site(fetched) else fetched


def page_article(fetcher: Fetcher, url: str, fallback: dict[str, str] | None = None) -> tuple[Article, str | None]:
    """Fetch `url` and extract its article; FetchError or LoadError say why not."""
    response = fetcher.get(url, fetcher.settings.max_article_bytes)
    html = _html(response)
    try:
        article, found = from_html(html, response.url, fallback)
    except LoadError:
        raise
    except Exception as exc:  # the extractor failing on one odd page must not end the run
        raise LoadError(f"no text extracted: the extractor failed ({type(exc).__name__}: {exc})") from exc
    source = canonical(found, response.url)
    note = f"fetched from {response.url}" if normalized(response.url) != source else None
    return dataclasses.replace(article, source=source), note


def _html(response: Response) -> str:
    sniffed = response.body[:512].lstrip().lower()
    if response.content_type not in HTML_TYPES and not (
        not response.content_type and sniffed.startswith((b"<!doctype html", b"<html"))
    ):
        raise FetchError(f"not HTML ({response.content_type or 'no content type'})")
    if not response.body.strip():
        raise FetchError("empty page")
    if response.charset:
        try:
            return response.body.decode(response.charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: let the bytes speak
    from trafilatura.utils import decode_file  # reads <meta charset> and guesses like a browser

    return decode_file(response.body)


@dataclass(frozen=True)
class PageSource:
    """A URL to fetch as one article (pipeline.Source); `fallback` comes from the feed that listed it."""

    url: str
    fetcher: Fetcher
    fallback: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.url

    def load(self) -> tuple[Article, str | None]:
        return page_article(self.fetcher, self.url, self.fallback)
