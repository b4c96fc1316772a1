"""The real app (python app.py) on 127.0.0.1, driven through gradio_client and plain HTTP."""

import sys

import httpx
import pytest
from gradio_client import Client

from tests.conftest import free_port, raw_text, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    log_dir = tmp_path_factory.mktemp("ui")
    env = {
        "QA_STORE_PATH": str(log_dir / "store"),
        "QA_BACKEND": "extractive",
        "QA_PORT": str(port),
        # nothing listens there: the "openai" generator's server is down
        "QA_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
        "QA_OPENAI_TIMEOUT": "5",
    }
    url = f"http://127.0.0.1:{port}"
    process = start_server([sys.executable, "app.py"], f"{url}/healthz", log_dir / "ui.log", env=env)
    yield url
    stop_server(process)


def test_ask_endpoint_returns_a_cited_answer(app_url):
    result = Client(app_url, verbose=False).predict(
        "Where is the NATO-Russia Council meeting?", "extractive", api_name="/ask"
    )
    assert not result["refused"] and "Brussels" in result["answer"]
    assert all(c["quote"] in raw_text(c["source"]) for c in result["citations"])


def test_chat_endpoint_streams_into_the_chat_and_fills_the_sources_panel(app_url):
    client = Client(app_url, verbose=False)
    messages, sources, box = client.predict(
        "How many troops has Russia gathered near Ukraine?", [], "extractive", 5, [], "", "", "", api_name="/chat"
    )
    assert messages[-1]["role"] == "assistant" and "100,000" in str(messages[-1]["content"])
    assert 'id="cite-0-1"' in sources and "<mark>" in sources
    assert box == ""


def test_http_answer_api_and_health(app_url):
    assert httpx.get(f"{app_url}/readyz").json()["chunks"] > 0
    response = httpx.post(
        f"{app_url}/api/answer", json={"question": "Who is Melinda Haring?", "backend": "extractive"}, timeout=60
    )
    assert response.status_code == 200 and response.json()["citations"]
    assert httpx.post(f"{app_url}/api/answer", json={"question": " "}).status_code == 422


def test_chat_gives_the_same_question_limit_message(app_url):
    messages, _, _ = Client(app_url, verbose=False).predict(
        "why? " * 1000, [], "extractive", 5, [], "", "", "", api_name="/chat"
    )
    assert "the limit is 2000" in str(messages[-1]["content"])


def test_llm_server_down_is_a_fast_clear_chat_message_and_the_rest_keeps_working(app_url):
    import time

    client = Client(app_url, verbose=False)
    started = time.perf_counter()
    messages, _, _ = client.predict(
        "How many troops has Russia gathered near Ukraine?", [], "openai", 5, [], "", "", "", api_name="/chat"
    )
    assert time.perf_counter() - started < 20
    assert "⚠️ the openai generator at http://127.0.0.1" in str(messages[-1]["content"])
    messages, _, _ = client.predict(
        "How many troops has Russia gathered near Ukraine?", [], "extractive", 5, [], "", "", "", api_name="/chat"
    )
    assert "100,000" in str(messages[-1]["content"])
    assert httpx.get(f"{app_url}/api/sources").json()["total"] >= 5


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", "null"])
def test_settings_the_browser_kept_badly_count_as_none_kept(raw):
    from qa.ui.app import _stored_settings

    assert _stored_settings(raw) == {}


def test_a_kept_number_of_passages_outside_the_slider_is_dropped():
    from qa.ui.app import _kept_top_k

    assert _kept_top_k({"top_k": 3}) == 3
    assert [_kept_top_k({"top_k": v}) for v in (0, 11, "3", None, 2.5)] == [None] * 5
