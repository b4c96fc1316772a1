"""Exports from news APIs and archives: JSONL (one JSON object a line) or CSV (a header row), one article a row.

Field names are mapped to ours (title, text, url, published, publisher, author); the default mapping takes
those names as they are. A row that cannot be an article is reported by its line number; the others count."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qa.ingestion import metadata
from qa.ingestion.loaders import LoadError, from_fields
from qa.types import Article

SUFFIXES = {".jsonl", ".ndjson", ".csv"}
FIELDS = ("title", "text", "url", "published", "publisher", "author")


@dataclass(frozen=True)
class Row:
    """One row of an export, read lazily: `load` turns it into an Article or says why not."""

    name: str  # "<export>:<line>", for progress and reasons
    line: int
    values: dict | None  # None: the line itself could not be read
    problem: str | None
    source: str
    mapping: dict[str, str]

    def load(self) -> tuple[Article, str | None]:
        if self.values is None:
            raise LoadError(f"line {self.line}: {self.problem}")
        return row_article(self.values, self.mapping, self.source, self.line), None


def mapping(pairs: list[str] | None) -> dict[str, str]:
    """'ours=theirs' pairs (e.g. text=body) over the default, which takes our names as they are."""
    result = {name: name for name in FIELDS}
    for pair in pairs or []:
        ours, sep, theirs = pair.partition("=")
        if not sep or ours.strip() not in FIELDS or not theirs.strip():
            raise LoadError(f"field mapping {pair!r}: write OURS=THEIRS with OURS one of {', '.join(FIELDS)}")
        result[ours.strip()] = theirs.strip()
    return result


def rows(path: Path, export_name: str, fields: dict[str, str]) -> Iterator[Row]:
    """Every row of the export; an unreadable file raises LoadError, an unreadable line is a Row saying so."""
    if path.suffix.lower() not in SUFFIXES:
        raise LoadError(f"not an export: use {', '.join(sorted(SUFFIXES))}")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise LoadError(f"cannot open {path}: {exc.strerror}") from exc
    with handle:
        reader = _csv(handle) if path.suffix.lower() == ".csv" else _jsonl(handle)
        for line, values, problem in reader:
            source = f"{export_name}#{line}"
            yield Row(f"{export_name}:{line}", line, values, problem, source, fields)


def _jsonl(handle) -> Iterator[tuple[int, dict | None, str | None]]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, None, f"not JSON ({exc.msg})"
            continue
        yield (line, value, None) if isinstance(value, dict) else (line, None, "not a JSON object")


def _csv(handle) -> Iterator[tuple[int, dict | None, str | None]]:
    csv.field_size_limit(sys.maxsize)  # an article's text is one field, far longer than csv's 128 KB default
    reader = csv.DictReader(handle)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield reader.line_num, None, f"not CSV ({exc})"
            return  # the reader cannot find the next row after a broken one
        if None in row:
            yield reader.line_num, None, "more fields than the header names"
            continue
        yield reader.line_num, row, None


def row_article(values: dict, fields: dict[str, str], fallback_source: str, line: int) -> Article:
    got = {ours: values.get(theirs) for ours, theirs in fields.items()}
    text = got.pop("text")
    if not isinstance(text, str) or not text.strip():
        raise LoadError(f"line {line}: no text (field {fields['text']!r})")
    url = str(got.pop("url") or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise LoadError(f"line {line}: url {url[:80]!r} is not http(s)")
    from qa.ingestion.web import normalized  # here: httpx and courlan load only when an export has URLs

    strings = {k: str(v).strip() for k, v in got.items() if v not in (None, "")}
    if "published" in strings:
        strings["published"] = _date(strings["published"])
    try:
        return from_fields(text, normalized(url) if url else fallback_source, strings)
    except LoadError as exc:
        raise LoadError(f"line {line}: {exc}") from exc


def _date(value: str) -> str:
    """An export's date as YYYY-MM-DD: ISO 8601 with a time (what APIs give), else any form the files take."""
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return metadata.parse_date(value) or ""
