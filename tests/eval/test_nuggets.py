import json

import pytest

from qa.config import PROJECT_ROOT
from qa.eval import dataset
from qa.eval.dataset import Nugget, Question, QuestionSetError
from qa.eval.metrics import aggregate, score

ROW = Question(
    "s1",
    "summary",
    "Summarize the talks.",
    kind="overview",
    nuggets=(
        Nugget("Sherman led the US side", ("Sherman",), ("a.txt",)),
        Nugget("Ryabkov led Russia's", ("Ryabkov",), ("b.txt",)),
        Nugget("100,000 troops", ("100,000",), ("a.txt",)),
    ),
)


def cite(n, source, quote):
    return {"n": n, "source": source, "title": None, "published": None, "quote": quote}


def answer(text, citations, kind="overview", refused=False):
    return {
        "answer": text,
        "refused": refused,
        "citations": citations,
        "timings": {"total": 3.0},
        "debug": {"kind": {"kind": kind}},
    }


def test_a_point_counts_when_a_line_states_it_and_cites_a_sentence_or_article_that_does():
    text = "**AP**\n- Wendy Sherman led the US side [1].\n- Ryabkov led Russia's side [2].\n- Troops: 100,000 [1]."
    cites = [
        cite(1, "seeds/a.txt", "Wendy Sherman led the US side."),
        cite(2, "seeds/c.txt", "The Russians came."),  # not the point's article, and does not say it
    ]
    record = score(ROW, answer(text, cites), lambda s: "")
    assert record["nuggets_covered"] == 2 and record["nugget_recall"] == pytest.approx(2 / 3)
    assert record["correct"]  # at least half the points
    assert record["lines"] == 3 and record["lines_supported"] == 1  # Ryabkov is not in [2]; 100,000 is not in [1]


def test_an_answer_written_as_prose_is_one_line():
    text = "Wendy Sherman led the US side [1], facing Ryabkov [2]."
    cites = [cite(1, "seeds/a.txt", "Wendy Sherman led the US side."), cite(2, "seeds/b.txt", "Ryabkov led.")]
    record = score(ROW, answer(text, cites, kind="fact"), lambda s: "")
    assert record["lines"] == 1 and record["nuggets_covered"] == 2 and record["lines_supported"] == 1


def test_a_refused_broad_answer_covers_nothing_and_routing_is_aggregated():
    refused = score(ROW, answer("The articles don't say.", [], refused=True), lambda s: "")
    assert refused["nugget_recall"] == 0 and not refused["correct"] and refused["lines"] == 0
    fact = score(Question("q1", "single", "Who?", accept=("x",)), answer("x", [], kind="overview"), lambda s: "")
    metrics = aggregate([refused, fact])
    assert metrics["kind_accuracy"] == 1.0 and metrics["facts_kept_fact"] == 0.0 and metrics["nugget_recall"] == 0


def test_a_summary_row_needs_a_broad_kind_and_nuggets(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"id": "s", "type": "summary", "kind": "fact", "question": "?", "nuggets": []}))
    with pytest.raises(QuestionSetError, match="kind"):
        dataset.load(path)
    path.write_text(json.dumps({"id": "s", "type": "summary", "kind": "overview", "question": "?", "nuggets": [{}]}))
    with pytest.raises(QuestionSetError, match="nuggets"):
        dataset.load(path)


@pytest.mark.parametrize("name", ["summaries.jsonl", "summaries-realtimeqa.jsonl"])
def test_the_shipped_summary_sets_are_balanced_and_their_points_are_in_their_sources(name):
    rows = dataset.load(PROJECT_ROOT / "eval" / name)
    assert len(rows) >= 16 and {q.split for q in rows} == {"dev", "test"}
    assert sum(q.split == "dev" for q in rows) == len(rows) // 2
    folder = PROJECT_ROOT / "seeds" if name == "summaries.jsonl" else None
    for q in rows:
        assert 4 <= len(q.nuggets) <= 8, q.id
        for nugget in q.nuggets:
            assert nugget.sources, (q.id, nugget.point)
            if folder is not None:  # the realtimeqa articles live in ../shared, read by the eval only
                texts = " ".join((folder / s).read_text(encoding="utf-8").lower() for s in nugget.sources)
                assert any(a.lower() in texts for a in nugget.accept), (q.id, nugget.point)
