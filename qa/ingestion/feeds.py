"""RSS, Atom and sitemaps (news sitemaps and sitemap indexes included) → the article URLs they list.

Parsed with lxml without entities or network access (a feed is untrusted XML). Each entry keeps the
stamp its feed gives (Atom updated, RSS pubDate, sitemap lastmod): a watch round fetches an entry again
only when that stamp changes."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from qa.ingestion import metadata
from qa.ingestion.fetch import Fetcher, FetchError, check_url

SITEMAP_DEPTH = 2  # an index of indexes is as deep as real sites go; deeper is a loop or a trap


@dataclass(frozen=True)
class Entry:
    url: str
    stamp: str = ""  # the feed's own last-change mark; "" when it gives none
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


@dataclass
class FeedRead:
    url: str
    entries: list[Entry] = field(default_factory=list)
    not_modified: bool = False  # the server answered 304 to our ETag/Last-Modified
    etag: str | None = None
    last_modified: str | None = None


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def read(
    fetcher: Fetcher,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    depth: int = 0,
) -> FeedRead:
    """Fetch a feed or sitemap and list its entries, newest first, at most `feed_max_items`."""
    settings = fetcher.settings
    response = fetcher.get(url, settings.feed_max_bytes, etag, last_modified)
    result = FeedRead(response.url, etag=response.etag, last_modified=response.last_modified)
    if response.status == 304:
        result.not_modified = True
        return result
    root = _root(_gunzipped(response.body, settings.feed_max_bytes))
    kind = etree.QName(root).localname.lower()
    if kind == "sitemapindex":
        result.entries = _index(fetcher, root, response.url, depth)
    elif kind in ("rss", "rdf", "feed", "urlset"):
        result.entries = list({e.url: e for e in _entries(root, kind, response.url)}.values())
    else:
        raise FetchError(f"not a feed or sitemap (the document is <{kind}>)")
    result.entries.sort(key=lambda e: e.published or "", reverse=True)
    del result.entries[settings.feed_max_items :]
    return result


def _gunzipped(body: bytes, max_bytes: int) -> bytes:
    if not body.startswith(b"\x1f\x8b"):  # sitemap.xml.gz, served as a file rather than gzip-encoded
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise FetchError(f"a broken gzip file ({exc})") from exc
    if len(data) > max_bytes:
        raise FetchError(f"over {max_bytes / 1_048_576:.0f} MB once unpacked (QA_FEED_MAX_BYTES)")
    return data


def _root(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body.strip(), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FetchError(f"not a feed or sitemap (not XML: {exc})") from exc
    if root is None:
        raise FetchError("not a feed or sitemap (no XML in the response)")
    return root


def _index(fetcher: Fetcher, root: etree._Element, base: str, depth: int) -> list[Entry]:
    """A sitemap index: the entries of the sitemaps it lists, in its order, until there are `feed_max_items`
    (one that fails is passed over)."""
    if depth >= SITEMAP_DEPTH:
        raise FetchError("sitemap indexes nested too deep")
    entries: list[Entry] = []
    for loc in root.iterfind("{*}sitemap/{*}loc"):
        if len(entries) >= fetcher.settings.feed_max_items:
            break  # enough to choose the newest from; each further sitemap would cost a polite request
        try:
            child = urljoin(base, (loc.text or "").strip())
            check_url(child)
            entries += read(fetcher, child, depth=depth + 1).entries
        except FetchError:
            continue  # the others still count; the index itself was read
    return entries


def _entries(root: etree._Element, kind: str, base: str):
    items = {"rss": "{*}channel/{*}item", "rdf": "{*}item", "feed": "{*}entry", "urlset": "{*}url"}[kind]
    for item in root.iterfind(items):
        link = _atom_link(item) if kind == "feed" else _text(item, "{*}loc" if kind == "urlset" else "{*}link")
        if kind == "rss" and not link:  # a guid that is a permalink stands in for a missing link
            guid = item.find("{*}guid")
            link = (guid.text or "").strip() if guid is not None and guid.get("isPermaLink") != "false" else ""
        url = urljoin(base, link) if link else ""
        if not url.startswith(("http://", "https://")):
            continue
        dated = _dated(item, kind)
        stamp = _text(item, "{*}updated") or _text(item, "{*}lastmod") or dated
        title = _text(item, "{*}title") or _text(item, "{*}news/{*}title")
        yield Entry(url, stamp, title or None, _date(dated))


def _dated(item: etree._Element, kind: str) -> str:
    paths = {
        "rss": ("{*}pubDate", "{*}date"),
        "rdf": ("{*}date",),
        "feed": ("{*}published", "{*}updated"),
        "urlset": ("{*}news/{*}publication_date", "{*}lastmod"),
    }[kind]
    return next((value for path in paths if (value := _text(item, path))), "")


def _atom_link(entry: etree._Element) -> str:
    for link in entry.iterfind("{*}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "").strip()
    return ""


def _text(item: etree._Element, path: str) -> str:
    found = item.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str) -> str | None:
    """An RSS date (RFC 822) or an ISO one, as YYYY-MM-DD."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return metadata.parse_date(value)
