"""Fit the answer policy's confidence floor on the dev half and report it on the test half.

A run made with the floor at 0 records each answer's selector confidence; raising the floor to t turns
every answer with confidence < t into a refusal, so each t's figures follow from the records without
re-running. Floors are tried between observed confidences (never on one: an answer sitting exactly on the
floor flips with the last digit), and the lowest with the best dev accuracy (answered right + refused right)
is kept: a floor must earn its refusals on dev. Runs on several corpora can be pooled (`fit_pooled`), so the
floor holds across kinds of collection rather than fitting one.

Evidence for the rule (docs/evaluation.md): the middle of the best plateau gave seed floors that matched
floor 0 on dev but cost 0.03 accuracy on test."""

from __future__ import annotations

from itertools import pairwise

from qa.eval.metrics import aggregate

FIGURES = ("accuracy", "answer_accuracy", "refusal_accuracy", "false_refusal_rate")


def at_floor(records: list[dict], floor: float) -> list[dict]:
    out = []
    for r in records:
        if not r["refused"] and (r["confidence"] or 0.0) < floor:
            r = {
                **r,
                "refused": True,
                "correct": r["type"] == "unanswerable",
                "both_versions": False,
                "citations": 0,
                "cited_gold": 0,
                "quotes_supported": 0,
                "conflict": False,
            }
        out.append(r)
    return out


def figures(records: list[dict], floor: float) -> dict:
    metrics = aggregate(at_floor(records, floor))
    return {name: metrics[name] for name in FIGURES}


def fit(dev: list[dict], test: list[dict]) -> dict:
    seen = sorted({round(r["confidence"] or 0.0, 4) for r in dev if not r["refused"]})
    floors = [0.0] + [round((a + b) / 2, 5) for a, b in pairwise(seen)]
    scored = [(figures(dev, t)["accuracy"] or 0.0, t) for t in floors]
    best = max(score for score, _ in scored)
    floor = min(t for score, t in scored if score == best)
    return {
        "floor": floor,
        "dev": figures(dev, floor),
        "test": figures(test, floor),
        "dev_at_zero": figures(dev, 0.0),
        "test_at_zero": figures(test, 0.0),
        "curve": [{"floor": t, "dev_accuracy": s} for s, t in scored],
    }


def fit_pooled(runs: dict[str, dict]) -> dict:
    """One floor from the dev halves of several runs (name → report made with the floor at 0), with each
    run's test half reported on its own."""
    pooled = {h: [r for run in runs.values() for r in half(run, h)] for h in ("dev", "test")}
    fitted = fit(pooled["dev"], pooled["test"])
    per_run = {
        name: {"test": figures(half(run, "test"), fitted["floor"]), "test_at_zero": figures(half(run, "test"), 0.0)}
        for name, run in runs.items()
    }
    return {**fitted, "runs": per_run}


def half(result: dict, split: str) -> list[dict]:
    return [r for r in result["records"] if r["split"] == split]
