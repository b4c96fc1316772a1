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
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ask_json_seeds_an_empty_store_and_prints_the_answer(env):
    out = json.loads(run(env, "ask", "How many troops has Russia gathered near Ukraine?", "--json").stdout)
    assert not out["refused"] and out["citations"][0]["source"].startswith("seeds/")
    assert "100,000" in out["answer"]


def test_ingest_summary_then_ask_human_readable(env, tmp_path):
    story = tmp_path / "ferry.txt"
    story.write_text(
        "Lakeside Approves Ferry\n\nThe council of Lakeside approved a ferry route to Port Alder on "
        "Tuesday. Mayor Ines Valdez said the ferry would run twice a day from June.\n"
    )
    first = run(env, "ingest", str(story))
    assert "1 files (0 skipped), chunks: 1 added, 0 unchanged" in first.stdout
    assert "0 added, 1 unchanged" in run(env, "ingest", str(story)).stdout
    out = run(env, "ask", "What did Mayor Ines Valdez say about the ferry?").stdout
    assert "Ines Valdez" in out and "ferry.txt" in out


def test_errors_are_messages_not_tracebacks(env, tmp_path):
    empty = run(env, "ask", "   ", check=False)
    assert empty.returncode == 2 and "question is empty" in empty.stderr and "Traceback" not in empty.stderr
    long = run(env, "ask", "why? " * 1000, check=False)
    assert long.returncode == 2 and "the limit is 2000" in long.stderr
    bad = tmp_path / "blob.txt"
    bad.write_bytes(b"\x00" * 64)
    skipped = run(env, "ingest", str(bad), check=False)
    assert skipped.returncode == 1 and "binary" in skipped.stderr
    unknown = run({**env, "QA_BACKEND": "gpt9"}, "ask", "Who met in Geneva?", check=False)
    assert unknown.returncode == 2 and "QA_BACKEND" in unknown.stderr and "llamacpp, extractive" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_eval_turns_chat_feedback_into_a_question_file(env, tmp_path):
    votes = tmp_path / "feedback.jsonl"
    votes.write_text(
        json.dumps(
            {
                "rating": "up",
                "question": "How many troops?",
                "answer": "About 100,000 [1].",
                "refused": False,
                "citations": [{"n": 1, "source": "seeds/a.txt", "quote": "q"}],
            }
        )
        + "\n"
        + json.dumps({"rating": "down", "question": "Who?", "answer": "x", "refused": False})
        + "\n"
    )
    target = tmp_path / "out" / "questions.jsonl"
    out = run(env, "eval", str(target), "--from-feedback", str(votes)).stdout
    assert "1 questions" in out and "1 to review" in out
    assert json.loads(target.read_text())["accept"] == ["100,000"]
    assert json.loads(target.with_suffix(".review.jsonl").read_text())["question"] == "Who?"
    missing = run(env, "eval", "--from-feedback", str(tmp_path / "none.jsonl"), check=False)
    assert missing.returncode != 0 and "no feedback file" in missing.stderr


def test_a_damaged_store_says_to_rebuild_and_rebuild_sets_it_aside(env, tmp_path):
    seed = str(PROJECT_ROOT / "seeds" / "001_08af7778073fba84.txt")
    run(env, "ingest", seed)
    (tmp_path / "store" / "chroma.sqlite3").write_bytes(os.urandom(4096))
    broken = run(env, "ask", "How many troops?", check=False)
    assert broken.returncode == 2 and "qa ingest --rebuild" in broken.stderr and "Traceback" not in broken.stderr
    rebuilt = run(env, "ingest", "--rebuild", seed)
    assert "moved it to" in rebuilt.stderr and "3 added" in rebuilt.stdout
    assert len(list(tmp_path.glob("store.damaged-*"))) == 1  # the old store is kept, not deleted
    assert "001_08af7778073fba84.txt" in run(env, "sources").stdout
