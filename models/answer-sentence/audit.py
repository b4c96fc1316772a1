"""How noisy the weak positives are: draw raw positives (a training week's article sentence that contains the
correct choice) at random, and show for each what the cleaning rules of build_data.py say about it.

    python models/answer-sentence/audit.py --n 40 > sample.txt      # then judge each one by hand
    python models/answer-sentence/audit.py --n 40 --verdicts noise_audit.jsonl   # precision before/after rules

A verdicts file has one line per drawn sentence: {"key": ..., "states": true|false} (the key printed for it).
Validation weeks are never drawn.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_data import CORPUS, choice_pattern, good_shape, load_weeks

from qa.text import sentences, terms


def raw_positives(corpus: Path, val_weeks: int) -> list[dict]:
    found = []
    weeks = load_weeks(corpus)
    for _, rows in weeks[:-val_weeks]:
        for row in rows:
            correct = [c for c in row["choices"] if c in row["answer"]]
            wrong = [c for c in row["choices"] if c not in row["answer"]]
            right_re, wrong_re = [choice_pattern(c) for c in correct], [choice_pattern(c) for c in wrong]
            choice_terms = set().union(*(terms(c) for c in row["choices"]))
            question_terms = terms(row["question"]) - choice_terms
            for doc in row["docs"]:
                text = doc.get("text") or ""
                quiz_page = all(p.search(text) for p in right_re + wrong_re)
                for i, sentence in enumerate(sentences(text)):
                    sentence = " ".join(sentence.split())
                    if not any(p.search(sentence) for p in right_re):
                        continue
                    key = hashlib.sha1(f"{row['id']} {doc['name']} {i}".encode()).hexdigest()[:12]
                    found.append(
                        {
                            "key": key,
                            "id": row["id"],
                            "question": row["question"],
                            "answer": correct[0],
                            "sentence": sentence,
                            "rules": {
                                "bad shape": not good_shape(sentence),
                                "quiz page": quiz_page,
                                "answer in question": any(p.search(row["question"]) for p in right_re),
                                "both choices": any(p.search(sentence) for p in wrong_re),
                                "topic terms": len((terms(sentence) - choice_terms) & question_terms),
                            },
                        }
                    )
    return found


def kept(item: dict, min_topic: int) -> bool:
    r = item["rules"]
    return not (r["bad shape"] or r["quiz page"] or r["answer in question"] or r["both choices"]) and (
        r["topic terms"] >= min_topic
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--val-weeks", type=int, default=8)
    parser.add_argument("--only-kept", action="store_true", help="draw among the positives the rules keep")
    parser.add_argument("--min-topic", type=int, default=2, help="the on-topic rule's threshold for --only-kept")
    parser.add_argument("--verdicts", help="a JSONL of hand verdicts: print precision before and after the rules")
    args = parser.parse_args()
    items = raw_positives(Path(args.corpus), args.val_weeks)
    pool = [i for i in items if kept(i, args.min_topic)] if args.only_kept else items
    sample = random.Random(args.seed).sample(pool, args.n)
    if not args.verdicts:
        print(f"# {len(items)} raw positives in the training weeks, {len(pool)} in the pool drawn from")
        for item in sample:
            print(json.dumps(item, ensure_ascii=False))
        return
    verdicts = {}
    for line in Path(args.verdicts).read_text().splitlines():
        if line.strip():
            v = json.loads(line)
            verdicts[v["key"]] = v["states"]
    by_key = {i["key"]: i for i in items}
    judged = [(by_key[k], s) for k, s in verdicts.items() if k in by_key]
    print(f"raw positives in the training weeks: {len(items)}; judged: {len(judged)}")
    print(f"states the answer, before the rules: {sum(s for _, s in judged)}/{len(judged)}")
    for min_topic in (1, 2, 3):
        k = [(i, s) for i, s in judged if kept(i, min_topic)]
        print(
            f"min_topic {min_topic}: kept {len(k)}/{len(judged)}, of which states {sum(s for _, s in k)}; "
            f"dropped {len(judged) - len(k)}, of which states {sum(s for i, s in judged if not kept(i, min_topic))}"
        )


if __name__ == "__main__":
    main()
