"""The real server under 20 concurrent clients × 10 questions (extractive): every request answered, each
client gets the answer to its own question, and memory stays flat once warm (figures: bench/soak.py)."""

import sys

import httpx
import pytest

from bench.common import eval_questions
from bench.soak import soak
from tests.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root, port = tmp_path_factory.mktemp("load"), free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"QA_STORE_PATH": str(root / "store"), "QA_BACKEND": "extractive", "QA_QUEUE_MAX_WAITING": "64"}
    process = start_server(
        [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], f"{url}/readyz", root / "server.log", env=env
    )
    yield url, process.pid
    stop_server(process)


def test_twenty_clients_ten_questions_each(server):
    url, pid = server
    questions = eval_questions(("single", "multi"))
    for question in questions[:3]:
        httpx.post(f"{url}/api/answer", json={"question": question}, timeout=120)
    result = soak(url, pid, clients=20, per_client=10, questions=questions)
    assert result["requests"] == 200 and result["errors"] == 0 and result["mixed"] == 0
    memory = result["rss_mb"]
    # the first half warms thread pools and caches; the second half must not keep growing
    assert memory["end"] - memory["after_first_half"] < 0.1 * memory["after_first_half"], memory
