from collections import Counter

from qa.config import PROJECT_ROOT
from qa.eval import dataset
from qa.eval.dataset import Question


def test_the_shipped_set_is_split_in_halves_stratified_by_type():
    questions = dataset.load(PROJECT_ROOT / "eval" / "questions.jsonl")
    halves = dataset.split_of(questions)
    for kind in dataset.TYPES:
        counts = Counter(halves[q.id] for q in questions if q.type == kind)
        assert abs(counts["dev"] - counts["test"]) <= 1, kind
    assert len(dataset.select(questions, "dev")) + len(dataset.select(questions, "test")) == len(questions)


def test_rows_without_a_split_are_halved_by_a_stable_hash_of_their_id():
    rows = [Question(f"x{i}", "single", "q?", accept=("a",)) for i in range(10)]
    first, again = dataset.split_of(rows), dataset.split_of(list(reversed(rows)))
    assert first == again and Counter(first.values()) == {"dev": 5, "test": 5}
    assert dataset.split_of([Question("y", "single", "q?", accept=("a",), split="test")]) == {"y": "test"}


def test_a_chosen_half_or_a_few_of_its_rows_keep_the_whole_sets_halves():
    rows = [Question(f"x{i}", "single", "q?", accept=("a",)) for i in range(12)]  # no split of their own
    halves = dataset.split_of(rows)
    test_half = dataset.select(rows, "test")
    assert len(test_half) == 6 and dataset.split_of(test_half) == {q.id: "test" for q in test_half}
    few = dataset.select(rows, "all")[:5]  # as `qa eval --ids` takes a few
    assert dataset.split_of(few) == {q.id: halves[q.id] for q in few}
