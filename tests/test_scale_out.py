"""The scale-out path with real servers on 127.0.0.1: a `chroma run` server as the store, and
llama-cpp-python's OpenAI-compatible server (with the packaged model) as the generator."""

import os
import sys
import time

import pytest

from qa.llm.base import GeneratorError
from qa.service import Service
from tests.conftest import SEEDS, free_port, make_settings, raw_text, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    port = free_port()
    chroma = os.path.join(os.path.dirname(sys.executable), "chroma")
    root = tmp_path_factory.mktemp("chroma")
    process = start_server(
        [chroma, "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/api/v2/heartbeat",
        root / "chroma.log",
    )
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


def test_ingest_and_answer_through_a_chroma_server(chroma_url, tmp_path):
    service = Service(make_settings(tmp_path, chroma_url=chroma_url))
    first = service.ingest([SEEDS], show_progress=False)
    again = service.ingest([SEEDS], show_progress=False)
    assert first.added > 0 and again.added == 0  # idempotent on the server too
    answer = service.answer("Who escorted Ryabkov to the dinner in Geneva?")
    assert "Fomin" in answer.answer
    assert all(c.quote in raw_text(c.source) for c in answer.citations)
    # a second, stateless replica sees the same store
    replica = Service(make_settings(tmp_path / "replica", chroma_url=chroma_url))
    assert replica.store.count() == service.store.count()


@pytest.mark.llm
def test_answer_through_an_openai_compatible_llm_server(seeded_service, tmp_path):
    from qa.llm.model_files import assemble

    model = assemble(seeded_service.settings.model_path)
    port = free_port()
    process = start_server(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--model_alias",
            "qwen",
        ],
        f"http://127.0.0.1:{port}/v1/models",
        tmp_path / "llm-server.log",
    )
    try:
        settings = make_settings(
            tmp_path, backend="openai", openai_base_url=f"http://127.0.0.1:{port}/v1", openai_model="qwen"
        )
        service = Service(settings)
        service.ingest([SEEDS], show_progress=False)
        answer = service.answer("How many troops has Russia gathered near Ukraine?")
        assert not answer.refused and "100,000" in answer.answer
        assert answer.citations and all(c.quote in raw_text(c.source) for c in answer.citations)
    finally:
        stop_server(process)


def test_llm_server_down_is_a_fast_clear_error(seeded_service, tmp_path):
    settings = make_settings(
        tmp_path, backend="openai", openai_base_url=f"http://127.0.0.1:{free_port()}/v1", openai_timeout=5
    )
    service = Service(settings)
    service.ingest([SEEDS], show_progress=False)
    started = time.perf_counter()
    with pytest.raises(GeneratorError, match="openai"):
        service.answer("How many troops has Russia gathered near Ukraine?")
    assert time.perf_counter() - started < 10
