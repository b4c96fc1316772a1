"""The harness on a user's own articles and question file: run, reports, comparison."""

import json

from rich.console import Console

from qa.eval import dataset, report, runner

ARTICLE = (
    "Valley Rail Line Reopens\n\nBy: Tom Reyes\n\nThe valley rail line reopened on Monday after a two-year "
    "closure. The regional transport board spent 40 million euros on new track. Board chair Lena Ortiz "
    "said trains will run every 30 minutes.\n"
)
ROWS = [
    {
        "id": "u1",
        "type": "single",
        "question": "How much did the transport board spend on new track?",
        "accept": ["40 million"],
        "sources": ["rail.txt"],
        "evidence": "spent 40 million euros on new track",
    },
    {
        "id": "u2",
        "type": "single",
        "question": "How often will trains run on the valley line?",
        "accept": ["30 minutes"],
        "sources": ["rail.txt"],
        "evidence": "trains will run every 30 minutes",
    },
    {"id": "u3", "type": "unanswerable", "question": "What is the capital of Peru?"},
]


def test_user_articles_and_questions(fresh_service, tmp_path):
    (tmp_path / "rail.txt").write_text(ARTICLE)
    fresh_service.ingest([tmp_path / "rail.txt"], show_progress=False)
    questions_file = tmp_path / "mine.jsonl"
    questions_file.write_text("\n".join(json.dumps(r) for r in ROWS))
    result = runner.run(fresh_service, dataset.load(questions_file), backend="extractive", show_progress=False)
    metrics = result["metrics"]
    assert metrics["questions"] == 3 and metrics["recall_at_k"] == 1.0
    assert metrics["accuracy"] == 1.0 and metrics["quote_support"] == 1.0
    out = report.write(result, tmp_path / "report")
    assert json.loads(out.read_text())["metrics"] == metrics
    for name in ("report.md", "accuracy_by_type.png", "latency.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0
    assert "| accuracy | 1.000 |" in (tmp_path / "report" / "report.md").read_text()


def test_compare_lists_fixed_and_broken_questions():
    base = {
        "meta": {"backend": "a"},
        "metrics": {"accuracy": 0.5},
        "records": [
            {"id": "x", "type": "single", "question": "Q1", "correct": False, "answer": "no"},
            {"id": "y", "type": "single", "question": "Q2", "correct": True, "answer": "yes"},
        ],
    }
    new = {
        "meta": {"backend": "b"},
        "metrics": {"accuracy": 0.5},
        "records": [
            {"id": "x", "type": "single", "question": "Q1", "correct": True, "answer": "yes"},
            {"id": "y", "type": "single", "question": "Q2", "correct": False, "answer": "no"},
        ],
    }
    console = Console(record=True, width=120)
    report.compare(base, new, console)
    text = console.export_text()
    assert "fixed x" in text and "broke y" in text and "+0.000" in text
