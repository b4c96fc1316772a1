"""Where the local model's answer time goes: p50 of each step of the question's path (select, first token,
write, verify, total) over the seed store's single-fact questions. Run it in two trees, alternating, to compare
code (the machine's speed drifts; compare within a round):

    here=$PWD; for round in 1 2 3; do for tree in /tmp/before $here; do
        (cd $tree && $here/.venv/bin/python $here/bench/llm_steps.py); done; done
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the tree this is run from, not the one this file lives in

import qa
from qa.config import Settings
from qa.eval.dataset import load
from qa.service import Service


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=12)
    args = parser.parse_args()
    questions = [q.question for q in load(Path("eval/questions.jsonl")) if q.type == "single"][: args.questions]
    store = Path(tempfile.mkdtemp(prefix="qa-bench-steps-")) / "store"
    service = Service(Settings(store_path=store, collection="bench", backend="llamacpp"))
    service.ensure_seeded(show_progress=False)
    service.answer(questions[0])  # loads the model and fills llama.cpp's cache with the system prompt
    timings = [service.answer(q).timings for q in questions]
    steps = ("select", "first_token", "write", "verify", "total")
    p50 = {s: round(statistics.median(t.get(s, 0.0) for t in timings), 3) for s in steps}
    print(json.dumps({"code": str(Path(qa.__file__).parent), "questions": len(questions), "p50_s": p50}))


if __name__ == "__main__":
    main()
