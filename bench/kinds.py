"""The kind-of-answer decision (qa.answering.kinds): the local model's P(kind) and the question-kind model's
(models/question-kind/) for every question of the given sets; for each source (the generator, the model, both
added in log space) the per-kind bias fitted on their dev halves, and the routing it gives on both halves.

    python bench/kinds.py eval/questions.jsonl eval/summaries.jsonl ../shared/corpora/... --out FILE

A summary row's kind is its own; every other row asks for a fact. The costs are not even: a fact question sent down
the broad path loses its one answer, a broad question answered as a fact still gets one cited fact. So the bias
keeps at least FACTS_KEPT of the dev halves' fact rows on the fact path and, within that, routes the most broad rows
to a broad kind, then to their own kind; ties go to the smaller biases (macro recall, each kind's share routed
right averaged over kinds, sent half of the dev fact rows down the broad path: docs/evaluation.md, session 14).
Fitted values go to AnswerPolicy.broad.kind_bias by hand, with this output as evidence."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.answering.kinds import BROAD, FACT, KINDS
from qa.config import get_settings
from qa.eval import dataset
from qa.llm import make_generator

GRID = [x / 2 for x in range(-8, 9)]  # -4.0 … 4.0 in steps of 0.5, for each broad kind
FACTS_KEPT = 0.98


def probabilities(paths: list[Path]) -> list[dict]:
    generator = make_generator(get_settings(), "llamacpp")
    rows = []
    for path in paths:
        for q in dataset.select(dataset.load(path), None):
            started = time.perf_counter()
            p = generator.kind(q.question)
            rows.append(
                {
                    "set": path.name,
                    "id": q.id,
                    "split": q.split,
                    "want": q.kind or FACT,
                    "question": q.question,
                    "p": p,
                    "seconds": round(time.perf_counter() - started, 3),
                }
            )
            print(
                f"{path.name} {q.id} {rows[-1]['want']} -> {max(p, key=p.get)} {rows[-1]['seconds']}s",
                file=sys.stderr,
                flush=True,
            )
    return rows


def with_model(rows: list[dict], paths: list[Path]) -> list[dict]:
    """Each row with the question-kind model's probabilities ("m"), its question looked up in the sets if missing."""
    from qa.answering.kind_model import kind_model

    questions = {(path.name, q.id): q.question for path in paths for q in dataset.load(path)}
    for row in rows:
        row["m"] = kind_model().probabilities(row.get("question") or questions[(row["set"], row["id"])])
    return rows


def scored(rows: list[dict], source: str) -> list[dict]:
    """The log-probabilities the decision reads: the generator's ("p"), the model's ("m") or both added."""
    keys = {"generator": ("p",), "model": ("m",), "both": ("p", "m")}[source]
    return [r | {"log": {k: sum(math.log(max(r[key][k], 1e-9)) for key in keys) for k in KINDS}} for r in rows]


def routed(row: dict, bias: dict[str, float]) -> str:
    return max(KINDS, key=lambda k: row["log"][k] + bias.get(k, 0.0))


def macro_recall(rows: list[dict], bias: dict[str, float]) -> float:
    recalls = []
    for kind in KINDS:
        mine = [r for r in rows if r["want"] == kind]
        if mine:
            recalls.append(sum(routed(r, bias) == kind for r in mine) / len(mine))
    return sum(recalls) / len(recalls)


def objective(rows: list[dict], bias: dict[str, float]) -> tuple:
    facts = [r for r in rows if r["want"] == FACT]
    broad = [r for r in rows if r["want"] != FACT]
    kept = sum(routed(r, bias) == FACT for r in facts) / len(facts) if facts else 1.0
    return (
        kept >= FACTS_KEPT,
        sum(routed(r, bias) != FACT for r in broad),
        sum(routed(r, bias) == r["want"] for r in broad),
        -sum(map(abs, bias.values())),
    )


def fit(rows: list[dict]) -> dict[str, float]:
    candidates = (dict(zip(BROAD, values)) for values in itertools.product(GRID, repeat=len(BROAD)))
    return max(candidates, key=lambda bias: objective(rows, bias))


def report(rows: list[dict], bias: dict[str, float]) -> dict:
    out = {}
    for half in ("dev", "test"):
        mine = [r for r in rows if r["split"] == half]
        facts = [r for r in mine if r["want"] == FACT]
        broad = [r for r in mine if r["want"] != FACT]
        out[half] = {
            "macro_recall": round(macro_recall(mine, bias), 4),
            "facts_kept_fact": f"{sum(routed(r, bias) == FACT for r in facts)}/{len(facts)}",
            "broad_routed_broad": f"{sum(routed(r, bias) != FACT for r in broad)}/{len(broad)}",
            "broad_exact_kind": f"{sum(routed(r, bias) == r['want'] for r in broad)}/{len(broad)}",
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=Path, help="reuse the generator's probabilities of an earlier --out")
    args = parser.parse_args()
    rows = json.loads(args.rows.read_text())["rows"] if args.rows else probabilities(args.sets)
    rows = with_model(rows, args.sets)
    result: dict = {"rows": rows, "seconds_p50": sorted(r["seconds"] for r in rows)[len(rows) // 2]}
    for source in ("generator", "model", "both"):
        mine = scored(rows, source)
        bias = fit([r for r in mine if r["split"] == "dev"])
        result[source] = {"bias": bias, "without_bias": report(mine, {}), "with_bias": report(mine, bias)}
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))


if __name__ == "__main__":
    main()
