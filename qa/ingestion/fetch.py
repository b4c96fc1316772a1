"""Polite, safe HTTP for ingest: robots.txt, a per-host delay and connection limit, timeouts, retries with
backoff, a size limit, http/https only, and no private or loopback address unless the settings allow it.

The address check runs where the socket is opened (after DNS, for every connection, so for every redirect
too): a name that resolves to 127.0.0.1 is refused as surely as the literal address. Redirects are followed
here, one hop at a time, so each hop is also checked against robots.txt."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from qa.config import Settings
from qa.errors import QAError

USER_AGENT = "qa/0.1 (news question answering; reads robots.txt)"
REDIRECTS = {301, 302, 303, 307, 308}
RETRIED = {429, 500, 502, 503, 504}  # the server says "later"; anything else is the answer
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more is honoured at this: one page a minute is already slow
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: crawlers must read at least 500 KiB of a robots.txt
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
MAX_RETRY_AFTER = 30.0  # longer waits are not worth holding an ingest for; the URL fails and is tried next round


class FetchError(QAError, ValueError):
    """A URL that could not be fetched; `reason` is what the user reads. Transient failures (timeouts,
    server errors) are tried again by the next watch round, permanent ones (404, not HTML) are not."""

    http_status = 422

    def __init__(self, reason: str, transient: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.transient, self.retry_after = reason, transient, retry_after


class PrivateAddress(FetchError):
    """The host resolves to a private, loopback, link-local or otherwise non-public address."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when the caller's ETag/Last-Modified still hold
    content_type: str  # lowercased, without parameters
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself and connects to an address it has checked (no second lookup to rebind)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = addresses_of(host, port, self.allow_private)
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


def addresses_of(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to; PrivateAddress unless all are public or private ones are allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        # not retried: a name that does not resolve is a typo or a dead site far more often than a DNS blip
        raise FetchError(f"cannot resolve {host} ({exc.strerror})") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not allow_private and (private := [a for a in addresses if not is_public(a)]):
        raise PrivateAddress(
            f"private address: {host} resolves to {private[0]} (set QA_FETCH_ALLOW_PRIVATE=true for an intranet)"
        )
    return addresses


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool, max_connections: int):
        super().__init__(trust_env=False)
        # httpx has no public way to give its pool a network backend; the pool is otherwise what it builds itself
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            network_backend=GuardedBackend(allow_private),
        )


class HostGate:
    """At most `limit` requests to a host at once, their starts spaced by `delay` seconds."""

    def __init__(self, delay: float, limit: int):
        self.delay, self.limit = delay, limit
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.BoundedSemaphore, list[float]]] = {}

    def slot(self, host: str, delay: float | None = None) -> threading.BoundedSemaphore:
        """Waits for the host's turn; the caller holds the returned semaphore for the request."""
        with self._lock:
            semaphore, next_start = self._hosts.setdefault(host, (threading.BoundedSemaphore(self.limit), [0.0]))
            now = time.monotonic()
            wait = max(0.0, next_start[0] - now)
            next_start[0] = max(now, next_start[0]) + max(self.delay, delay or 0.0)
        semaphore.acquire()
        time.sleep(wait)
        return semaphore


class Fetcher:
    """One per ingest run or watch loop: it keeps connections, robots.txt files and each host's timing."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = httpx.Client(
            transport=GuardedTransport(settings.fetch_allow_private, settings.fetch_concurrency * 2),
            timeout=httpx.Timeout(settings.fetch_timeout),
            headers={"User-Agent": settings.fetch_user_agent or USER_AGENT},
            follow_redirects=False,
            trust_env=False,
        )
        self.gate = HostGate(settings.fetch_delay, settings.fetch_host_concurrency)
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, max_bytes: int, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` following redirects, each hop checked; raises FetchError with the reason."""
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        for _ in range(self.settings.fetch_max_redirects + 1):
            check_url(url)
            # refused before robots.txt and the host's delay: a private host costs no wait (each connection checks
            # again, against a name that resolves elsewhere the second time)
            parts = httpx.URL(url)
            addresses_of(
                parts.host, parts.port or (443 if parts.scheme == "https" else 80), self.settings.fetch_allow_private
            )
            robots = self._robots_for(url)
            agent = self.client.headers["User-Agent"]
            if robots is not None and not robots.can_fetch(agent, url):
                raise FetchError("disallowed by robots.txt")
            crawl_delay = float(robots.crawl_delay(agent) or 0) if robots is not None else 0.0
            response = self._with_retries(url, max_bytes, conditional, min(crawl_delay, MAX_CRAWL_DELAY))
            if response.status not in REDIRECTS:
                return response
            url = response.url
        raise FetchError(f"more than {self.settings.fetch_max_redirects} redirects")

    def _with_retries(self, url: str, max_bytes: int, headers: dict, crawl_delay: float) -> Response:
        for attempt in range(self.settings.fetch_retries + 1):
            try:
                return self._once(url, max_bytes, headers, crawl_delay)
            except FetchError as exc:
                if not exc.transient or attempt == self.settings.fetch_retries:
                    raise
                wait = exc.retry_after or self.settings.fetch_backoff * 2**attempt
                time.sleep(min(wait, MAX_RETRY_AFTER))
        raise AssertionError("unreachable")

    def _once(self, url: str, max_bytes: int, headers: dict, crawl_delay: float) -> Response:
        semaphore = self.gate.slot(urlsplit(url).netloc.lower(), crawl_delay)
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers) as reply:
                if reply.status_code in REDIRECTS:
                    return _redirect(url, reply)
                _check_status(reply)
                body = _read(reply, max_bytes, started + self.settings.fetch_timeout * 2)
                return _response(reply, body)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timeout after {self.settings.fetch_timeout:g} s", transient=True) from exc
        except httpx.TransportError as exc:
            raise FetchError(f"connection failed ({type(exc).__name__}: {exc})", transient=True) from exc
        finally:
            semaphore.release()

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        """The site's robots.txt rules (None: everything allowed), read once a day per site."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            read_at, rules = self._robots.get(origin, (-ROBOTS_TTL, None))
            if time.monotonic() - read_at >= ROBOTS_TTL:
                rules = self._read_robots(origin)
                self._robots[origin] = (time.monotonic(), rules)
            return rules

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        url = origin + "/robots.txt"
        try:
            response = self._with_retries(url, ROBOTS_MAX_BYTES, {}, 0.0)
            for _ in range(self.settings.fetch_max_redirects):  # robots.txt may move, e.g. to https
                if response.status not in REDIRECTS:
                    break
                check_url(response.url)
                response = self._with_retries(response.url, ROBOTS_MAX_BYTES, {}, 0.0)
            else:
                raise FetchError(f"more than {self.settings.fetch_max_redirects} redirects")
        except PrivateAddress:
            raise
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4") and not exc.transient:
                return None  # RFC 9309: a robots.txt that is not there (4xx) allows everything
            # RFC 9309 again: a site whose robots.txt cannot be read (5xx, down) is treated as disallowing all
            reason = f"robots.txt unreadable, so nothing is fetched from {origin} ({exc.reason})"
            raise FetchError(reason, transient=True) from exc
        parser = urllib.robotparser.RobotFileParser(url)
        parser.parse(response.body.decode(response.charset or "utf-8", errors="replace").splitlines())
        return parser


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'}: {url}")
    try:
        host = httpx.URL(url).host  # what the client will parse: a URL it refuses is refused here, with a reason
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid URL: {url!r} ({exc})") from exc
    if not host:
        raise FetchError(f"no host in {url}")


def _redirect(url: str, reply: httpx.Response) -> Response:
    location = reply.headers.get("location")
    if not location:
        raise FetchError(f"HTTP {reply.status_code} redirect without a Location")
    return Response(urljoin(url, location), reply.status_code, "", None, b"")


def _check_status(reply: httpx.Response) -> None:
    status = reply.status_code
    if status == 304 or 200 <= status < 300:
        return
    wait = reply.headers.get("retry-after", "")  # seconds; the HTTP-date form is rare and left to the backoff
    reason = f"HTTP {status} {reply.reason_phrase}".strip()
    raise FetchError(reason, transient=status in RETRIED, retry_after=float(wait) if wait.isdigit() else None)


def _read(reply: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    too_big = f"over the size limit of {max_bytes / 1_048_576:.1f} MB (QA_MAX_ARTICLE_BYTES)"
    if int(reply.headers.get("content-length") or 0) > max_bytes:
        raise FetchError(too_big)
    parts, size = [], 0
    for part in reply.iter_bytes():
        size += len(part)
        if size > max_bytes:
            raise FetchError(too_big)
        if time.monotonic() > deadline:  # a server trickling bytes slower than the read timeout notices
            raise FetchError("timeout: the page took too long to arrive", transient=True)
        parts.append(part)
    return b"".join(parts)


def _response(reply: httpx.Response, body: bytes) -> Response:
    content_type = reply.headers.get("content-type", "")
    return Response(
        url=str(reply.url),
        status=reply.status_code,
        content_type=content_type.split(";")[0].strip().lower(),
        charset=reply.charset_encoding,
        body=body,
        etag=reply.headers.get("etag"),
        last_modified=reply.headers.get("last-modified"),
    )
