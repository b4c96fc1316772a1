"""The quality gate of CI: the shipped question set, run for real, must meet eval/thresholds.json.

Thresholds sit just under the measured baseline in docs/evaluation.md; raise them as quality improves,
never lower them to pass."""

import json

import pytest

from qa.config import PROJECT_ROOT
from qa.eval import dataset, gate, runner

THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.json"
QUESTIONS = dataset.load(PROJECT_ROOT / "eval" / "questions.jsonl")


def check(service, name: str, questions, backend: str, kind: str = "auto") -> None:
    result = runner.run(service, questions, backend=backend, show_progress=False, kind=kind)
    problems = gate.failures(result["metrics"], gate.load_thresholds(THRESHOLDS, name))
    assert not problems, f"{name}: {problems}\n{json.dumps(result['metrics'], indent=1)}"


def test_extractive_full_set_meets_thresholds(seeded_service):
    check(seeded_service, "extractive", QUESTIONS, "extractive")


def test_extractive_broad_answers_on_the_seed_summary_set_meet_thresholds(seeded_service):
    """Each summary row asked with its own kind: the points chosen and quoted (measured 0.332 in session 14)."""
    summaries = dataset.load(PROJECT_ROOT / "eval" / "summaries.jsonl")
    check(seeded_service, "extractive_summaries", summaries, "extractive", kind="row")


@pytest.mark.llm
def test_local_llm_subset_meets_thresholds(seeded_service):
    ids = set(json.loads(THRESHOLDS.read_text())["llamacpp_subset"]["ids"])
    subset = [q for q in QUESTIONS if q.id in ids]
    assert {q.type for q in subset} == {q.type for q in QUESTIONS} and len(subset) >= 15
    check(seeded_service, "llamacpp_subset", subset, "llamacpp")


def test_gate_reports_each_failing_metric():
    problems = gate.failures(
        {"accuracy": 0.5, "false_refusal_rate": 0.2},
        {"min": {"accuracy": 0.6, "recall_at_k": 0.9}, "max": {"false_refusal_rate": 0.1}},
    )
    assert problems == ["accuracy = 0.5 < 0.6", "recall_at_k = None < 0.9", "false_refusal_rate = 0.2 > 0.1"]
