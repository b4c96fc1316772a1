"""Which points does a broad answer choose? The summary rows of the seed and realtimeqa sets, asked with their own
kind on the extractive backend (the lines are the chosen sentences themselves, so nugget recall measures the
choice alone, in seconds, with no model), over a grid of the choice's settings; dev and test halves reported
separately: choose on dev.

    python bench/broad_selection.py --set STORE eval/summaries.jsonl --set STORE2 \
        eval/summaries-realtimeqa.jsonl --out FILE
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.config import Settings
from qa.eval import dataset, runner
from qa.service import Service

GRID = {
    "specificity": [0.0, 0.3, 0.5],
    "diversity": [0.3, 0.5, 0.7],
    "min_share": [0.0, 0.3, 0.5],
    "passages": [10, 20],
    "candidates": [30, 60],
}
FIRST = {"specificity": 0.0, "diversity": 0.5, "min_share": 0.5, "passages": 10, "candidates": 30}  # first trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", nargs=2, action="append", metavar=("STORE", "QUESTIONS"), required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    services = [
        (Service(Settings(store_path=Path(store), example_questions=0)), dataset.load(Path(questions)))
        for store, questions in args.set
    ]
    results = [{"setting": setting, "dev": recall(services, setting, "dev")} for setting in settings()]
    best = max(results, key=lambda r: r["dev"]["nugget_recall"])
    default = next(r for r in results if r["setting"] == FIRST)
    for row in (best, default):
        row["test"] = recall(services, row["setting"], "test")
    args.out.write_text(
        json.dumps({"grid": GRID, "best_on_dev": best, "default": default, "results": results}, indent=1)
    )
    print("default:", json.dumps(default), "\nbest on dev:", json.dumps(best))


def settings() -> list[dict]:
    return [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]


def recall(services, setting: dict, half: str) -> dict:
    recalls, lines = [], []
    for service, questions in services:
        service.settings.policy.broad = service.settings.policy.broad.model_copy(update=setting)
        mine = [q for q in questions if q.split == half]
        report = runner.run(service, mine, backend="extractive", show_progress=False, kind="row")
        recalls += [r["nugget_recall"] for r in report["records"]]
        lines += [r["lines"] for r in report["records"]]
    result = {"nugget_recall": round(sum(recalls) / len(recalls), 4), "lines": round(sum(lines) / len(lines), 2)}
    print(half, json.dumps(setting), json.dumps(result), file=sys.stderr, flush=True)
    return result


if __name__ == "__main__":
    main()
