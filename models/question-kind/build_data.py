"""Build (question, kind) examples for the question-kind model from ../shared/corpora/realtimeqa-train.

- fact: the real quiz questions of the corpus (one fact each; weeks sampled evenly), and questions the local model
  writes for an article under the fact prompt (so that both classes share the model's style and the classifier
  learns the intent, not who wrote the question);
- parts, overview, comparison, timeline: questions the local model (the packaged Qwen2.5 1.5B, temperature 0)
  writes for the lead of an article of the corpus, one per kind, under a prompt that describes the kind and
  nothing of any evaluation question.

Articles: per week, the first question's longest doc with at least 800 characters; its title and first 700
characters go into the prompt. Split by week: the last `--val-weeks` weeks are held out for validation. Output:
data.jsonl ({question, kind, week, origin}) and stats.json in `--out`. Deterministic for a seed; the model writes
~4 questions a second… a minute per 40 articles on 2 cores.

    python models/question-kind/build_data.py --out /work/runs/s14/kind-data
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.progress import track  # noqa: E402

from qa.config import get_settings  # noqa: E402
from qa.llm.llamacpp import llamacpp_generator  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "realtimeqa-train"
ASK = {
    "fact": "asks for one specific fact it reports (a name, a number, a date, a place or a reason)",
    "parts": "asks for two or three specific facts it reports, joined in one question with 'and'",
    "overview": "asks for a summary or an overview of the news it reports (what happened, what is known)",
    "comparison": "asks how two sides, people or sources in it differ, or what each side wants or says",
    "timeline": "asks for the sequence of events it reports, in order (a timeline, what happened when)",
}
PROMPT = (
    "News article:\n{title}\n{text}\n\nWrite one question a reader might type into a news chat about this story "
    "that {ask}. Name what it is about; do not say 'the article'. Reply with the question only."
)


def weeks() -> list[tuple[str, list[dict]]]:
    found = []
    for path in sorted((CORPUS / "weeks").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            found.append((path.name.split(".")[0], [json.loads(line) for line in handle]))
    return found


def article(rows: list[dict]) -> dict | None:
    docs = [d for d in rows[0].get("docs", []) if len(d.get("text") or "") >= 800]
    return max(docs, key=lambda d: len(d["text"])) if docs else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quiz-per-week", type=int, default=4, help="real quiz questions per week (fact)")
    parser.add_argument("--val-weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    generator = llamacpp_generator(get_settings())
    examples = []
    all_weeks = weeks()
    for week, rows in track(all_weeks, description="writing questions"):
        for row in rng.sample(rows, min(args.quiz_per_week, len(rows))):
            examples.append({"question": row["question"], "kind": "fact", "week": week, "origin": "quiz"})
        doc = article(rows)
        if doc is None:
            continue
        for kind, ask in ASK.items():
            prompt = PROMPT.format(title=doc.get("title") or "", text=doc["text"][:700], ask=ask)
            text = generator._complete(generator._prompt([{"role": "user", "content": prompt}]), 48, None)
            question = text.strip().splitlines()[0].strip().strip('"') if text.strip() else ""
            if question.endswith("?"):
                examples.append({"question": question, "kind": kind, "week": week, "origin": "model"})
    held_out = {w for w, _ in all_weeks[-args.val_weeks :]}
    for example in examples:
        example["split"] = "val" if example["week"] in held_out else "train"
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "data.jsonl", "w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example, ensure_ascii=False) + "\n")
    stats = Counter(f"{e['split']}:{e['kind']}:{e['origin']}" for e in examples)
    (args.out / "stats.json").write_text(json.dumps(dict(sorted(stats.items())), indent=1))
    print(json.dumps(dict(sorted(stats.items())), indent=1))


if __name__ == "__main__":
    main()
