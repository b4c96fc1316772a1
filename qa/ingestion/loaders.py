"""Turn a file into an Article: read, decode, extract (HTML), clean, attach metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path

from qa.errors import QAError
from qa.ingestion import cleaner, metadata
from qa.types import Article

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
MAX_BYTES = 2 * 1024 * 1024  # a news article is tens of KB; megabytes are a dump that would embed for minutes


class LoadError(QAError, ValueError):
    """A file that cannot become an article; the message says why and what to do."""

    http_status = 422


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, str | None]:
    """Decoded text and a note when it was not UTF-8."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("empty file: nothing to ingest")
    if len(data) > max_bytes:
        raise LoadError(
            f"file is {len(data) / 1_048_576:.1f} MB; articles over {max_bytes / 1_048_576:.1f} MB are "
            "refused (split it into articles, or raise QA_MAX_ARTICLE_BYTES)"
        )
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (NUL bytes): save the article as .txt, .md or .html")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        # Old news exports are often Windows-1252; every byte decodes, so nothing is lost.
        return data.decode("cp1252", errors="replace"), "not UTF-8: decoded as Windows-1252"


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return text, {}
    fields = {}
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        if value.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    if "date" in fields:
        fields["published"] = metadata.parse_date(fields.pop("date")) or ""
    return text[match.end() :], fields


def _sidecar(path: Path) -> dict[str, str]:
    side = path.with_name(path.name + ".meta.json")
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise LoadError(f"{side.name} is not valid JSON ({exc}); fix or delete it") from exc
    return {k: str(v) for k, v in data.items() if v}


def _from_html(html: str, url: str | None = None) -> tuple[str, metadata.Metadata, str | None]:
    """The article text, its metadata and the page's canonical URL (or og:url) when it names one."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        raise LoadError("no text extracted: no article text found in the HTML (only scripts, menus or markup)")
    meta = trafilatura.extract_metadata(html, default_url=url)
    found = metadata.Metadata(
        title=getattr(meta, "title", None),
        publisher=getattr(meta, "sitename", None) or metadata.publisher_from_url(getattr(meta, "url", None)),
        published=metadata.parse_date(getattr(meta, "date", None) or ""),
        author=getattr(meta, "author", None),
    )
    return text, found, getattr(meta, "url", None)


def _html_metadata(raw: str, html_meta: metadata.Metadata) -> metadata.Metadata:
    """The page's own metadata first; what it lacks, read from the extracted text."""
    return html_meta.merged(metadata.extract(raw).__dict__ | {k: v for k, v in html_meta.__dict__.items() if v})


def _article(raw: str, found: metadata.Metadata, source: str) -> Article:
    cleaned = cleaner.clean(raw)
    if len(cleaned.text.split()) < 5:
        raise LoadError("no text extracted: no article text left after removing boilerplate")
    return Article(
        source=source,
        text=cleaned.text,
        title=found.title,
        publisher=found.publisher,
        published=found.published,
        author=found.author,
    )


def from_html(html: str, url: str, fallback: dict[str, str] | None = None) -> tuple[Article, str | None]:
    """A fetched page as an Article whose source is `url`, and the canonical URL the page names, if any.
    `fallback` (e.g. a feed entry's title and date) fills what the page does not say."""
    raw, html_meta, canonical = _from_html(html, url)
    found = metadata.Metadata(**{k: v for k, v in (fallback or {}).items() if v}).merged(
        {k: v for k, v in _html_metadata(raw, html_meta).__dict__.items() if v}
    )
    return _article(raw, found, url), canonical


def from_fields(text: str, source: str, fields: dict[str, str]) -> Article:
    """An article given as fields (an export row): the text is cleaned as a file's is, and what the fields
    lack (a title, a date) is read from it."""
    return _article(text, metadata.extract(text).merged(fields), source)


def load(path: Path, source: str, max_bytes: int = MAX_BYTES) -> tuple[Article, str | None]:
    """Article from one file plus an optional note (e.g. a decoding fallback)."""
    if path.suffix.lower() not in SUFFIXES:
        raise LoadError(f"unsupported type {path.suffix or '(none)'}: use {', '.join(sorted(SUFFIXES))}")
    raw, note = read_text(path, max_bytes)
    overrides: dict[str, str] = {}
    if path.suffix.lower() in {".html", ".htm"}:
        raw, html_meta, _ = _from_html(raw)
        found = _html_metadata(raw, html_meta)
    else:
        if path.suffix.lower() in {".md", ".markdown"}:
            raw, overrides = _front_matter(raw)
            raw = re.sub(r"^#{1,6}\s+", "", raw, flags=re.MULTILINE)
        found = metadata.extract(raw)
    return _article(raw, found.merged(overrides | _sidecar(path)), source), note
