"""The shipped question set is well formed and its evidence is really in its sources."""

import json
from collections import Counter

import pytest

from qa.config import PROJECT_ROOT
from qa.eval.dataset import TYPES, QuestionSetError, load

QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"


@pytest.fixture(scope="module")
def questions():
    return load(QUESTIONS)


def test_counts_per_type(questions):
    counts = Counter(q.type for q in questions)
    assert len(questions) >= 60
    assert counts["single"] >= 30 and counts["multi"] >= 10 and counts["unanswerable"] >= 10
    assert counts["conflict"] >= 4 and counts["followup"] >= 6
    assert set(counts) <= set(TYPES)


def test_ids_unique(questions):
    assert len({q.id for q in questions}) == len(questions)


def test_evidence_is_verbatim_in_a_listed_source(questions):
    for q in questions:
        if not q.answerable:
            assert not q.sources and not q.evidence, q.id
            continue
        texts = [(PROJECT_ROOT / "seeds" / s).read_text(encoding="utf-8") for s in q.sources]
        assert any(q.evidence in t for t in texts), f"{q.id}: evidence not found in {q.sources}"


def test_followups_carry_history(questions):
    for q in questions:
        if q.type == "followup":
            assert q.history and q.history[0]["role"] == "user"


@pytest.mark.parametrize(
    "row, message",
    [
        ({"id": "x", "type": "weird", "question": "?"}, "type"),
        ({"id": "x", "type": "single", "question": "?"}, "accept"),
        ({"id": "x", "type": "conflict", "question": "?", "accept": ["a"]}, "accept_other"),
        ({"type": "single", "question": "?", "accept": ["a"]}, "missing id"),
    ],
)
def test_bad_rows_are_reported_with_their_line(tmp_path, row, message):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(QuestionSetError, match=message):
        load(path)


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "q.jsonl"
    row = json.dumps({"id": "a", "type": "unanswerable", "question": "?"})
    path.write_text(row + "\n" + row + "\n")
    with pytest.raises(QuestionSetError, match="duplicate"):
        load(path)


def test_a_reader_file_beside_the_set_labels_its_rows_and_gives_stated_rows_their_sentence(tmp_path):
    import json

    from qa.eval.dataset import load

    rows = [
        {"id": "a", "type": "single", "question": "Who?", "accept": ["Ann"]},
        {"id": "b", "type": "single", "question": "When?", "accept": ["May"]},
        {"id": "c", "type": "unanswerable", "question": "Why?"},
    ]
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    labels = [
        {"id": "a", "reader": "states", "reader_sentence": "Ann won."},
        {"id": "b", "reader": "mention_only", "reader_sentence": "May is a month."},
    ]
    (tmp_path / "reader.jsonl").write_text("\n".join(json.dumps(r) for r in labels))
    a, b, c = load(tmp_path / "q.jsonl")
    assert (a.reader, a.evidence) == ("states", "Ann won.")
    assert (b.reader, b.evidence) == ("mention_only", "")  # not stated: no evidence to look for
    assert c.reader == ""
