"""The `qa` command as a user runs it: a real subprocess with its own temporary store."""

import json
import os
import subprocess
import sys

import pytest

from qa.config import PROJECT_ROOT


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "QA_STORE_PATH": str(tmp_path / "store"), "QA_BACKEND": "extractive"}


def run(env, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "qa.cli", *args], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ask_json_seeds_an_empty_store_and_prints_the_answer(env):
    out = json.loads(run(env, "ask", "How many troops has Russia gathered near Ukraine?", "--json").stdout)
    assert not out["refused"] and out["citations"][0]["source"].startswith("seeds/")
    assert "100,000" in out["answer"]


def test_ingest_summary_then_ask_human_readable(env, tmp_path):
    story = tmp_path / "ferry.txt"
    story.write_text("Lakeside Approves Ferry\n\nThe council of Lakeside approved a ferry route to Port Alder on "
                     "Tuesday. Mayor Ines Valdez said the ferry would run twice a day from June.\n")
    first = run(env, "ingest", str(story))
    assert "1 files (0 skipped), chunks: 1 added, 0 unchanged" in first.stdout
    assert "0 added, 1 unchanged" in run(env, "ingest", str(story)).stdout
    out = run(env, "ask", "What did Mayor Ines Valdez say about the ferry?").stdout
    assert "Ines Valdez" in out and "ferry.txt" in out


def test_errors_are_messages_not_tracebacks(env, tmp_path):
    empty = run(env, "ask", "   ", check=False)
    assert empty.returncode == 2 and "question is empty" in empty.stderr and "Traceback" not in empty.stderr
    bad = tmp_path / "blob.txt"
    bad.write_bytes(b"\x00" * 64)
    skipped = run(env, "ingest", str(bad), check=False)
    assert skipped.returncode == 1 and "binary" in skipped.stderr
