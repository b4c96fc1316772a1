"""Build (question, sentence, label) pairs for the answer-sentence model from ../shared/corpora/realtimeqa-train.

Each quiz question comes with four choices (one correct) and the articles a web search returned for it. The
articles are split into sentences with the project's own splitter (`qa.text.sentences`, the units the answer path
scores at run time) and labelled weakly:

- positive: a sentence of a retrieved article that contains the correct choice; the quiz's own evidence
  sentence(s) when they contain the correct choice;
- hard negative: a sentence that contains a wrong choice (and not the correct one);
- easy negative: another sentence of the same articles (no choice in it: the most on-topic ones first, one at
  random), and one sentence of another question's articles of the same week (off topic).

Weak labels are noisy ("contains the string" is not "states the answer"). The cleaning rules are general (none
names a question, an article or a word of one), each can be switched off (`--raw` switches all off), and the
counts of what each removed are written to the stats file:

- quiz pages: an article that mentions every choice (a quiz, a list) labels nothing;
- answer in the question: when the correct choice is written in the question, its mention labels nothing;
- both choices: a sentence with the correct and a wrong choice is neither positive nor hard negative;
- on topic: a positive must share at least `--min-topic` content terms (stemmed, no stop words) with the
  question besides the choice's own words;
- sentence shape: 5 to 80 words with a lower-case letter (headlines, bylines and menus are not sentences).

Split by week: the last `--val-weeks` weeks are held out for validation (and calibration); nothing of them is
trained on. Output: train.jsonl, val.jsonl, stats.json in `--out`. Deterministic for a seed.

    python models/answer-sentence/build_data.py --out /work/runs/s13/answer-model/data
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.text import sentences, terms  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "realtimeqa-train"

NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
        + ["eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        + ["twenty"]
    )
}


def choice_pattern(choice: str) -> re.Pattern[str]:
    """The choice as a whole word or phrase, any case; a number word also matches its digits and back."""
    text = choice.strip()
    forms = {re.escape(text)}
    low = text.lower()
    if low in NUMBER_WORDS:
        forms.add(NUMBER_WORDS[low])
    for word, digit in NUMBER_WORDS.items():
        if low == digit:
            forms.add(word)
    alternatives = "|".join(sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])", re.IGNORECASE)


def good_shape(sentence: str) -> bool:
    words = sentence.split()
    return 5 <= len(words) <= 80 and any(c.islower() for c in sentence)


def load_weeks(corpus: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    weeks = []
    for path in sorted((corpus / "weeks").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            weeks.append((path.name.split(".")[0], [json.loads(line) for line in handle if line.strip()]))
    if not weeks:
        raise SystemExit(f"no weeks found under {corpus / 'weeks'}")
    return weeks


class Rules:
    def __init__(self, args: argparse.Namespace):
        raw = args.raw
        self.quiz_pages = not raw and not args.keep_quiz_pages
        self.answer_in_question = not raw and not args.keep_answer_in_question
        self.both_choices = not raw and not args.keep_both_choices
        self.min_topic = 0 if raw else args.min_topic
        self.shape = not raw
        self.rank = not raw  # raw: the kept sentences of each kind are drawn at random, not the most on-topic


def label_question(
    row: dict[str, Any], rules: Rules, rng: random.Random, stats: Counter[str], per_question: dict[str, int]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The pairs of one question, and its articles' unlabelled sentences (a pool for off-topic negatives)."""
    question = row["question"].strip()
    correct = [c for c in row["choices"] if c in row["answer"]]
    wrong = [c for c in row["choices"] if c not in row["answer"]]
    if not correct:
        stats["question without its answer among the choices"] += 1
        return [], []
    right_re = [choice_pattern(c) for c in correct]
    wrong_re = [choice_pattern(c) for c in wrong]
    choice_terms = set().union(*(terms(c) for c in row["choices"]))
    question_terms = terms(question) - choice_terms
    answer_in_question = any(p.search(question) for p in right_re)
    if answer_in_question:
        stats["questions with the answer in the question"] += 1

    def topic(sentence: str) -> int:
        return len((terms(sentence) - choice_terms) & question_terms) if rules.rank or rules.min_topic else 0

    positives: dict[str, tuple[int, str]] = {}
    hard: dict[str, int] = {}
    easy: dict[str, int] = {}
    pool: list[str] = []
    for doc in row["docs"]:
        text = doc.get("text") or ""
        mentions_all = all(p.search(text) for p in right_re + wrong_re)
        if mentions_all:
            stats["docs mentioning every choice"] += 1
        for sentence in sentences(text):
            sentence = " ".join(sentence.split())
            if rules.shape and not good_shape(sentence):
                stats["sentences of a bad shape (dropped)"] += 1
                continue
            has_right = any(p.search(sentence) for p in right_re)
            has_wrong = any(p.search(sentence) for p in wrong_re)
            if has_right or has_wrong:
                if mentions_all and rules.quiz_pages:
                    stats["choice sentences dropped: quiz page"] += 1
                    continue
                if has_right and has_wrong and rules.both_choices:
                    stats["choice sentences dropped: both choices"] += 1
                    continue
                if has_right:
                    if answer_in_question and rules.answer_in_question:
                        stats["positives dropped: answer in the question"] += 1
                        continue
                    overlap = topic(sentence)
                    if overlap < rules.min_topic:
                        stats["positives dropped: off topic"] += 1
                        continue
                    positives.setdefault(sentence, (overlap, "doc"))
                else:
                    hard.setdefault(sentence, topic(sentence))
            else:
                easy.setdefault(sentence, topic(sentence))
                pool.append(sentence)
    for sentence in sentences(row.get("quiz_evidence") or ""):
        sentence = " ".join(sentence.split())
        if any(p.search(sentence) for p in right_re) and not (
            rules.both_choices and any(p.search(sentence) for p in wrong_re)
        ):
            if rules.shape and not good_shape(sentence):
                continue
            positives[sentence] = (10**6 if rules.rank else 0, "evidence")  # the quiz author's own evidence goes first

    def most_topical(items: dict[str, int], n: int) -> list[str]:
        keys = list(items)
        rng.shuffle(keys)  # ties broken at random (seeded)
        return sorted(keys, key=lambda s: -items[s])[:n]

    chosen_pos = most_topical({s: v[0] for s, v in positives.items()}, per_question["positives"])
    chosen_hard = most_topical(hard, per_question["hard"])
    rest = {s: v for s, v in easy.items() if s not in chosen_pos and s not in chosen_hard}
    chosen_easy = most_topical(rest, per_question["topical"])
    leftover = [s for s in rest if s not in chosen_easy]
    chosen_easy += rng.sample(leftover, min(per_question["random"], len(leftover)))

    base = {"id": row["id"], "week": row["id"][1:9], "question": question}
    pairs = [{**base, "sentence": s, "label": 1, "kind": "positive_" + positives[s][1]} for s in chosen_pos]
    pairs += [{**base, "sentence": s, "label": 0, "kind": "hard"} for s in chosen_hard]
    pairs += [{**base, "sentence": s, "label": 0, "kind": "easy"} for s in chosen_easy]
    return pairs, pool


def build(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    rules = Rules(args)
    weeks = load_weeks(Path(args.corpus))
    if args.limit_weeks:
        weeks = weeks[: args.limit_weeks]
    val_names = {name for name, _ in weeks[-args.val_weeks :]}
    per_question = {"positives": args.positives, "hard": args.hard, "topical": args.topical, "random": args.random}
    stats: Counter[str] = Counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    split_rows: dict[str, list[dict[str, Any]]] = {"train": [], "val": []}
    for name, rows in weeks:
        split = "val" if name in val_names else "train"
        week_pairs: list[list[dict[str, Any]]] = []
        pools: list[list[str]] = []
        for row in rows:
            stats[f"{split} questions"] += 1
            pairs, pool = label_question(row, rules, rng, stats, per_question)
            week_pairs.append(pairs)
            pools.append(pool)
        for i, pairs in enumerate(week_pairs):
            others = [s for j, pool in enumerate(pools) if j != i for s in pool]
            if pairs and others and args.off_topic:
                base = {k: pairs[0][k] for k in ("id", "week", "question")}
                for s in rng.sample(others, min(args.off_topic, len(others))):
                    pairs.append({**base, "sentence": s, "label": 0, "kind": "off_topic"})
            if any(p["label"] == 1 for p in pairs):
                stats[f"{split} questions with a positive"] += 1
            split_rows[split] += pairs
    for split, pairs in split_rows.items():
        if split == "train":
            rng.shuffle(pairs)
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for pair in pairs:
                handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
        kinds = Counter(p["kind"] for p in pairs)
        stats.update({f"{split} pairs": len(pairs), **{f"{split} pairs {k}": v for k, v in kinds.items()}})
    result = {
        "args": vars(args),
        "train_weeks": sorted({n for n, _ in weeks} - val_names),
        "val_weeks": sorted(val_names),
        "counts": dict(sorted(stats.items())),
    }
    (out / "stats.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--out", required=True, help="a folder outside the repository")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--val-weeks", type=int, default=8)
    parser.add_argument("--limit-weeks", type=int, default=0, help="first N weeks only (a quick trial)")
    parser.add_argument("--positives", type=int, default=4, help="most on-topic positives kept per question")
    parser.add_argument("--hard", type=int, default=3, help="hard negatives per question")
    parser.add_argument("--topical", type=int, default=2, help="on-topic easy negatives per question")
    parser.add_argument("--random", type=int, default=1, help="random easy negatives per question")
    parser.add_argument("--off-topic", type=int, default=1, help="sentences of the week's other questions")
    parser.add_argument("--raw", action="store_true", help="no cleaning rule (the weak labels as they come)")
    parser.add_argument("--min-topic", type=int, default=2, help="chosen on the hand-judged sample (README)")
    parser.add_argument("--keep-quiz-pages", action="store_true")
    parser.add_argument("--keep-answer-in-question", action="store_true")
    parser.add_argument("--keep-both-choices", action="store_true")
    args = parser.parse_args()
    result = build(args)
    print(json.dumps(result["counts"], indent=2))


if __name__ == "__main__":
    main()
