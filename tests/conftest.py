"""Shared fixtures. Every test store lives under pytest's tmp dirs: nothing touches vectorstore/."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

# Isolate from the user's store and settings before qa reads any setting.
_SANDBOX = Path(tempfile.mkdtemp(prefix="qa-tests-"))
os.environ["QA_STORE_PATH"] = str(_SANDBOX / "default-store")
os.environ["QA_BACKEND"] = "extractive"
os.environ.pop("QA_CHROMA_URL", None)

from qa.config import PROJECT_ROOT, Settings  # noqa: E402

SEEDS = PROJECT_ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SANDBOX, ignore_errors=True)


def make_settings(tmp: Path, **overrides) -> Settings:
    return Settings(**{"store_path": tmp / "store", "collection": "test", "backend": "extractive", **overrides})


@pytest.fixture(scope="session")
def seeded_service(tmp_path_factory):
    """A real Chroma store with the five seed articles, the real embedder, the extractive generator."""
    from qa.service import Service

    service = Service(make_settings(tmp_path_factory.mktemp("seeded")))
    report = service.ingest([SEEDS], show_progress=False)
    assert report.added > 0
    return service


@pytest.fixture
def fresh_service(tmp_path):
    from qa.service import Service

    return Service(make_settings(tmp_path))


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 with pages, feeds and sitemaps (tests/ingestion/site.py)."""
    from tests.ingestion.site import Site

    with Site() as running:
        yield running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(command: list[str], ready_url: str, log: Path, env: dict | None = None, timeout: float = 180):
    """Start a real server process and wait until `ready_url` answers 200. Output goes to a file:
    a pipe nobody reads fills up and freezes the server."""
    import subprocess
    import time

    import httpx

    handle = log.open("w")
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False", **(env or {})},
    )
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{command[:3]} exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(1)
    process.kill()
    pytest.fail(f"{command[:3]} not ready in {timeout} s: {log.read_text()[-3000:]}")


INFINITY = PROJECT_ROOT / ".venv-embed" / "bin" / "infinity_emb"  # `make embed-server`


def start_infinity(port: int, log: Path, model_name: str = "all-MiniLM-L6-v2"):
    """infinity-emb serving the packaged MiniLM on 127.0.0.1 under `model_name` (torch, CPU, offline)."""
    from qa.embeddings import minilm_folder

    command = [str(INFINITY), "v2", "--model-id", str(minilm_folder()), "--served-model-name", model_name]
    command += ["--engine", "torch", "--device", "cpu", "--no-bettertransformer"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    quiet = {"INFINITY_ANONYMOUS_USAGE_STATS": "0", "DO_NOT_TRACK": "1"}
    return start_server(command, f"http://127.0.0.1:{port}/health", log, env=quiet)


def stop_server(process) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def raw_text(source: str) -> str:
    return (PROJECT_ROOT / source).read_text(encoding="utf-8")
