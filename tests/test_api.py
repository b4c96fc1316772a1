"""The HTTP API on a real uvicorn process (qa serve), with httpx and the official openai client."""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from qa.config import PROJECT_ROOT
from tests.conftest import free_port, raw_text, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    root = tmp_path_factory.mktemp("api")
    log_dir = root
    env = {"QA_STORE_PATH": str(root / "store"), "QA_UPLOAD_DIR": str(root / "uploads"), "QA_BACKEND": "extractive"}
    url = f"http://127.0.0.1:{port}"
    process = start_server(
        [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], f"{url}/readyz", log_dir / "api.log", env=env
    )
    yield {"url": url, "uploads": root / "uploads"}
    stop_server(process)


def test_answer_json(server):
    r = httpx.post(f"{server['url']}/api/answer", json={"question": "Who is Melinda Haring?"}, timeout=60)
    body = r.json()
    assert r.status_code == 200 and not body["refused"]
    assert body["citations"] and all(c["quote"] in raw_text(c["source"]) for c in body["citations"])


def test_as_of_answers_from_what_was_published_by_then_and_says_so(server):
    body = httpx.post(
        f"{server['url']}/api/answer",
        json={"question": "How many troops has Russia gathered near Ukraine?", "as_of": "2022-01-10"},
        timeout=60,
    ).json()
    dated = [c["published"] for c in body["citations"] if c["published"]]
    assert not body["refused"] and all(d <= "2022-01-10" for d in dated)
    assert body["answer"].startswith("As of ") == bool(dated)  # said as of when, wherever a date is known


def test_answer_stream_is_server_sent_events(server):
    with httpx.stream(
        "POST",
        f"{server['url']}/api/answer",
        timeout=60,
        json={"question": "Where is the NATO-Russia Council meeting?", "stream": True},
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line.removeprefix("event: ") for line in r.iter_lines() if line.startswith("event: ")]
    # the sources first (retrieved, then chosen), the unchecked draft, the checked answer last
    assert events[:2] == ["evidence", "evidence"] and "token" in events and events[-1] == "answer"
    assert events.index("token") > 1 and events.count("answer") == 1


def test_a_broad_answer_streams_each_line_checked_then_the_whole_answer(server):
    with httpx.stream(
        "POST",
        f"{server['url']}/api/answer",
        timeout=60,
        json={"question": "Give me a timeline of the week of talks.", "kind": "timeline", "stream": True},
    ) as r:
        lines = list(r.iter_lines())
    events = [
        (lines[i].removeprefix("event: "), json.loads(lines[i + 1].removeprefix("data: ")))
        for i in range(len(lines) - 1)
        if lines[i].startswith("event: ")
    ]
    tokens = [data for name, data in events if name == "token"]
    answer = events[-1][1]
    assert tokens and all(not t["draft"] for t in tokens)  # each line arrives once verified
    assert answer["debug"]["kind"]["kind"] == "timeline" and not answer["refused"]
    shown = [line for line in answer["answer"].splitlines() if line.startswith("- ")]
    assert len(shown) == len(tokens) >= 2 and all(c["quote"] in raw_text(c["source"]) for c in answer["citations"])


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"question": ""}, 422),
        ({"question": "x" * 30_000}, 422),
        ({}, 422),
        ({"question": "ok?", "backend": "gpt-99"}, 422),
        ({"question": "ok?", "k": 0}, 422),
        ({"question": "ok?", "as_of": "last Tuesday"}, 422),
        ({"question": "ok?", "kind": "poem"}, 422),
    ],
)
def test_bad_requests_get_4xx(server, payload, status):
    assert httpx.post(f"{server['url']}/api/answer", json=payload, timeout=30).status_code == status


def test_question_limit_message_is_the_one_the_cli_and_chat_give(server):
    r = httpx.post(f"{server['url']}/api/answer", json={"question": "why? " * 1000}, timeout=60)
    assert r.status_code == 422 and "the limit is 2000" in r.json()["detail"]


def test_oversized_body_is_413(server):
    r = httpx.post(
        f"{server['url']}/api/answer",
        content=b"{" + b" " * 300_000 + b"}",
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413


def test_upload_list_ask_delete(server):
    story = (
        "Harbour Town Opens Night Market\n\nThe night market in Harbour Town opened on Friday with 80 "
        "stalls. Organiser Priya Nand said the market would run every weekend until October.\n"
    )
    files = [
        ("files", ("../../escape market.txt", story.encode(), "text/plain")),
        ("files", ("image.png", b"\x89PNG", "image/png")),
    ]
    results = httpx.post(f"{server['url']}/api/ingest", files=files, timeout=120).json()["files"]
    assert results[0]["status"] == "added" and results[1]["status"] == "skipped"
    assert (server["uploads"] / "escape market.txt").exists()  # the folder part of the name was dropped
    found = httpx.get(f"{server['url']}/api/sources", params={"q": "night market", "sort": "title"}).json()
    assert found["total"] == 1 and sum(found["by_publisher"].values()) == 1
    entry = found["items"][0]
    assert entry["source"].endswith("escape market.txt")
    assert entry["chunks"] >= 1 and entry["title"] == "Harbour Town Opens Night Market"
    answer = httpx.post(
        f"{server['url']}/api/answer",
        json={"question": "How many stalls did the Harbour Town night market open with?"},
        timeout=60,
    ).json()
    assert "80 stalls" in answer["answer"]
    removed = httpx.delete(f"{server['url']}/api/sources/{entry['id']}").json()
    assert removed["removed_chunks"] == entry["chunks"]
    listed = httpx.get(f"{server['url']}/api/sources", params={"limit": 500}).json()["items"]
    assert all(s["id"] != entry["id"] for s in listed)
    assert httpx.delete(f"{server['url']}/api/sources/{entry['id']}").status_code == 404
    unknown = httpx.post(f"{server['url']}/api/sources/remove", json={"ids": [listed[0]["id"], "nope"]})
    assert unknown.status_code == 404 and len(httpx.get(f"{server['url']}/api/sources").json()["items"]) == len(
        listed
    )  # a selection with an unknown id removes nothing


def test_openai_client_works_unchanged(server):
    from openai import OpenAI

    client = OpenAI(base_url=f"{server['url']}/v1", api_key="unused")
    assert "qa" in [m.id for m in client.models.list().data]
    reply = client.chat.completions.create(
        model="qa", messages=[{"role": "user", "content": "How many troops has Russia gathered near Ukraine?"}]
    )
    text = reply.choices[0].message.content
    assert "100,000" in text and "Sources:" in text
    assert reply.model_extra["citations"][0]["source"].startswith("seeds/")
    chunks = list(
        client.chat.completions.create(
            model="qa", stream=True, messages=[{"role": "user", "content": "Where is the NATO-Russia Council meeting?"}]
        )
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "Brussels" in streamed and chunks[-1].choices[0].finish_reason == "stop"


def test_concurrent_answers_never_mix(server):
    questions = {
        "Who is Melinda Haring?": "Haring",
        "Where does Rajan Menon work?": "Menon",
        "What did Christopher Granville tell CNBC?": "Granville",
        "Who is Fiona Hill?": "Hill",
    }

    def ask(question):
        return question, httpx.post(f"{server['url']}/api/answer", json={"question": question}, timeout=120).json()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, list(questions) * 4))
    for question, body in results:
        assert body["debug"]["standalone_question"] == question
        quotes = " ".join(c["quote"] for c in body["citations"]) + body["answer"]
        assert questions[question] in quotes or body["refused"]


def test_refuses_to_bind_beyond_localhost_without_a_token(tmp_path):
    import subprocess

    env = {**os.environ, "QA_STORE_PATH": str(tmp_path / "store"), "QA_BACKEND": "extractive"}
    env.pop("QA_API_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "QA_API_TOKEN" in result.stderr


def test_token_is_required_when_set(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "QA_STORE_PATH": str(tmp_path / "store"),
        "QA_BACKEND": "extractive",
        "QA_API_TOKEN": "s3cret-token",
        "QA_OPENAI_API_KEY": "sk-key-that-must-not-leak",
    }
    process = start_server(
        [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], f"{url}/healthz", tmp_path / "api.log", env=env
    )
    try:
        question = {"question": "Who is Melinda Haring?"}
        assert httpx.post(f"{url}/api/answer", json=question).status_code == 401
        wrong = httpx.post(f"{url}/api/answer", json=question, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = httpx.post(
            f"{url}/api/answer", json=question, headers={"Authorization": "Bearer s3cret-token"}, timeout=60
        )
        assert right.status_code == 200 and right.json()["citations"]
        assert httpx.get(f"{url}/config").status_code == 401  # the chat wants a login too
        assert httpx.post(f"{url}/login", data={"username": "qa", "password": "nope"}).status_code == 400
        assert httpx.post(f"{url}/login", data={"username": "qa", "password": "s3cret-token"}).status_code == 200
        log = (tmp_path / "api.log").read_text()
        assert "s3cret-token" not in log and "sk-key-that-must-not-leak" not in log
    finally:
        stop_server(process)
