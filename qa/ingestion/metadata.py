"""Article metadata (title, publisher, published date, author) read from the raw page text.

Heuristics cover the common shapes of scraped news pages; a sidecar file `<article>.meta.json`
or front matter in a Markdown file overrides any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from qa.ingestion.cleaner import RULES


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    author: str | None = None

    def merged(self, override: dict[str, str]) -> Metadata:
        fields = {k: override.get(k) or getattr(self, k) for k in ("title", "publisher", "published", "author")}
        return Metadata(**fields)


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:\b|(?=T\d))"), ("%Y-%m-%d",)),  # ISO 8601 datetimes too (feeds, exports)
    (re.compile(rf"\b({_MONTH} \d{{1,2}},? \d{{4}})"), ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")),
    (re.compile(rf"\b(\d{{1,2}} {_MONTH},? \d{{4}})"), ("%d %B %Y", "%d %b %Y", "%d %B, %Y", "%d %b, %Y")),
    (re.compile(r"\b(\d{1,2}\.\d{1,2}\.\d{4})\b"), ("%d.%m.%Y",)),
)
_DATE_LINE = re.compile(
    r"^(?i:published|updated|status|posted|date)\b|^\d{1,2} \w{3,9},? \d{4}|^\w{3,9} \d{1,2}, \d{4}"
)
_AUTHOR = re.compile(r"^(?i:by:?|written by|author:)\s+(?P<name>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4})\s*$")
_AUTHOR_TAIL = re.compile(r"^(?i:more from)\s+(?P<name>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s*$")
# "(News 1st);" or "Russia (Washington Insider Magazine) -": a dateline credit at a paragraph start.
_CREDIT = re.compile(r"^(?:[A-Z][\w ]{0,30})?\((?P<name>[A-Z][\w&.' ]{2,40})\)\s*[;:\-–—]")
_COPYRIGHT = re.compile(r"(?i:copyright|©)\s*(?:©\s*)?(?:\d{4}\s*)?(?P<name>[\w.-]+\.[a-z]{2,})")
_NEWSROOM = re.compile(r"^(?P<name>[A-Z][\w]+(?: [A-Z]\w+)?) (?:Correspondents?|Newsroom|Staff|Reporters?)$")


def parse_date(text: str) -> str | None:
    """First date in `text` as YYYY-MM-DD, or None."""
    for pattern, formats in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        value = re.sub(r"\s+", " ", match.group(1).replace("Sept", "Sep"))
        for fmt in formats:
            try:
                return datetime.strptime(value, fmt).date().isoformat()
            except ValueError:
                continue
    return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_boilerplate(line: str) -> bool:
    return any(rule.pattern.match(line) for rule in RULES)


def find_title(lines: list[str]) -> str | None:
    """The first line that reads like a headline: 3 to 25 words, not boilerplate, not a date."""
    for line in lines[:12]:
        words = line.split()
        if (
            3 <= len(words) <= 25
            and not _is_boilerplate(line)
            and not _DATE_LINE.match(line)
            and not _AUTHOR.match(line)
        ):
            return line.rstrip(".")
    return None


def find_published(lines: list[str]) -> str | None:
    for line in lines[:15]:
        if _DATE_LINE.match(line) or re.match(r"^\s*date \d{4}-\d{2}-\d{2}", line):
            date = parse_date(line)
            if date:
                return date
    return None


def find_author(lines: list[str]) -> str | None:
    for line in lines:
        match = _AUTHOR.match(line) or _AUTHOR_TAIL.match(line)
        if match:
            return match.group("name")
    return None


def find_publisher(lines: list[str]) -> str | None:
    for line in lines[:20]:
        match = _CREDIT.match(line)
        if match:
            return match.group("name").strip()
    for line in lines:
        match = _AUTHOR.match(line)
        newsroom = _NEWSROOM.match(match.group("name")) if match else None
        if newsroom:
            return newsroom.group("name")
    for line in reversed(lines):
        match = _COPYRIGHT.search(line)
        if match:
            return match.group("name")
    return None


def extract(raw: str) -> Metadata:
    lines = _lines(raw)
    return Metadata(find_title(lines), find_publisher(lines), find_published(lines), find_author(lines))


def publisher_from_url(url: str | None) -> str | None:
    host = urlparse(url).hostname if url else None
    return host.removeprefix("www.") if host else None
