import json

import pytest

from qa import feedback
from qa.eval import dataset

ANSWER = {
    "answer": "Russia has gathered around 100,000 troops near Ukraine [1].",
    "refused": False,
    "citations": [{"n": 1, "source": "seeds/001_a.txt", "quote": "Russia has gathered around 100,000 troops."}],
    "debug": {"backend": "extractive"},
}


def test_votes_append_one_line_each(tmp_path):
    path = tmp_path / "fb" / "feedback.jsonl"
    feedback.save(path, feedback.record("How many troops?", ANSWER, "up"))
    feedback.save(path, feedback.record("Who led?", {"answer": "x", "refused": False}, "down", " wrong name "))
    first, second = feedback.load(path)
    assert first["rating"] == "up" and first["backend"] == "extractive" and first["citations"][0]["n"] == 1
    assert second["comment"] == "wrong name"


def test_a_rating_must_be_up_or_down():
    with pytest.raises(ValueError):
        feedback.record("q", ANSWER, "meh")


def test_a_broken_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"rating": "up"}\nnot json\n')
    with pytest.raises(ValueError, match=r"feedback\.jsonl:2"):
        feedback.load(path)


def test_votes_become_questions_the_eval_harness_loads(tmp_path):
    entries = [
        feedback.record("How many troops has Russia gathered?", ANSWER, "up"),
        feedback.record("What did Macron say?", {"answer": "The articles don't say.", "refused": True}, "up"),
        feedback.record("Who led?", ANSWER, "down", "wrong"),
        feedback.record("What is the mood?", {"answer": "tense and cold [1]", "refused": False}, "up"),
    ]
    questions, review = feedback.to_questions(entries)
    assert [q["type"] for q in questions] == ["single", "unanswerable"]
    assert questions[0]["accept"][0] == "100,000" and questions[0]["sources"] == ["001_a.txt"]
    assert [r["question"] for r in review] == ["Who led?", "What is the mood?"]
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in questions))
    loaded = dataset.load(path)
    assert loaded[0].accept[0] == "100,000" and not loaded[1].answerable


def test_names_already_in_the_question_are_not_accept_strings():
    answer = {"answer": "Sergei Ryabkov met Wendy Sherman in Geneva [1].", "refused": False, "citations": []}
    questions, _ = feedback.to_questions([feedback.record("Whom did Ryabkov meet in Geneva?", answer, "up")])
    assert "ryabkov" not in questions[0]["accept"] and "sherman" in questions[0]["accept"]
