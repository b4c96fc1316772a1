"""Ingest run: files → articles → chunks → store, idempotent by content hash, with progress."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qa.config import PROJECT_ROOT, Settings
from qa.ingestion.chunker import chunk_article
from qa.ingestion.loaders import SUFFIXES, LoadError, load
from qa.store import Store


@dataclass
class FileResult:
    source: str
    status: str  # added | updated | unchanged | skipped
    chunks: int = 0
    added: int = 0
    removed: int = 0
    reason: str | None = None

    def to_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        skipped = sum(f.status == "skipped" for f in self.files)
        return (f"{len(self.files)} files ({skipped} skipped), chunks: {self.added} added, "
                f"{self.unchanged} unchanged, {self.removed} removed, {self.seconds:.1f} s")


def source_name(path: Path) -> str:
    """Stable name for a file: relative to the project (e.g. seeds/x.txt) or the working dir if inside it."""
    path = path.resolve()
    for base in (PROJECT_ROOT, Path.cwd()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def source_path(source: str) -> Path:
    path = Path(source)
    return path if path.is_absolute() else PROJECT_ROOT / path


def collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def ingest_file(store: Store, settings: Settings, path: Path, source: str | None = None) -> FileResult:
    source = source or source_name(path)
    if not path.exists():
        return FileResult(source, "skipped", reason="file not found")
    try:
        article, note = load(path, source, settings.max_article_bytes)
    except (LoadError, OSError) as exc:
        return FileResult(source, "skipped", reason=str(exc))
    doc_hash = hashlib.sha256(article.text.encode()).hexdigest()[:32]
    twins = store.sources_with_hash(doc_hash) - {source}
    if twins:
        return FileResult(source, "skipped", reason=f"same article text as {sorted(twins)[0]}")
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap)
    for chunk in chunks:
        chunk.metadata["doc_hash"] = doc_hash
    old = store.ids_for(source)
    new = [c for c in chunks if c.id not in old]
    stale = old - {c.id for c in chunks}
    # Add before delete: a kill in between leaves extra chunks that the next run removes, never a gap.
    store.add(new)
    store.delete(stale)
    status = "unchanged" if not new and not stale else ("updated" if old else "added")
    return FileResult(source, status, len(chunks), len(new), len(stale), note)


def prune(store: Store, keep: set[str]) -> int:
    """Remove chunks of articles whose files are gone (or not in `keep` when given)."""
    removed = 0
    for entry in store.sources():
        if entry["source"] not in keep and not source_path(entry["source"]).exists():
            ids = store.ids_for(entry["source"])
            store.delete(ids)
            removed += len(ids)
    return removed


def run(store: Store, settings: Settings, paths: list[Path], prune_missing: bool = False,
        show_progress: bool = True) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    files = collect(paths)
    columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    console = Console(stderr=True)
    with Progress(*columns, disable=not show_progress, transient=True, console=console) as progress:
        task = progress.add_task("", total=len(files))
        for number, path in enumerate(files, start=1):
            progress.update(task, description=path.name)
            result = ingest_file(store, settings, path)
            if show_progress and not console.is_terminal:  # logs and pipes get one line per file instead of a bar
                print(f"[{number}/{len(files)}] {result.status} {result.source}", file=sys.stderr, flush=True)
            report.files.append(result)
            report.added += result.added
            report.removed += result.removed
            report.unchanged += result.chunks - result.added
            progress.advance(task)
    if prune_missing:
        report.removed += prune(store, {f.source for f in report.files})
    report.seconds = time.perf_counter() - started
    return report
