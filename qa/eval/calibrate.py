"""Fit the answer policy's confidence floor on the dev half and report it on the test half.

A run made with the floor at 0 records each answer's selector confidence; raising the floor to t turns
every answer with confidence < t into a refusal, so each t's figures follow from the records without
re-running. The floor kept is the one with the best dev accuracy (answered right + refused right); on a
tie, the middle of the best plateau, so neither edge of it decides."""

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
    floors = sorted({0.0} | {round(r["confidence"] or 0.0, 4) for r in dev if not r["refused"]})
    # a floor just above a confidence refuses that answer: sweep the midpoints too
    floors = sorted(set(floors) | {round((a + b) / 2, 4) for a, b in pairwise(floors)})
    scored = [(figures(dev, t)["accuracy"] or 0.0, t) for t in floors]
    best = max(score for score, _ in scored)
    plateau = [t for score, t in scored if score == best]
    floor = plateau[len(plateau) // 2]
    return {
        "floor": floor,
        "dev": figures(dev, floor),
        "test": figures(test, floor),
        "dev_at_zero": figures(dev, 0.0),
        "test_at_zero": figures(test, 0.0),
        "curve": [{"floor": t, "dev_accuracy": s} for s, t in scored],
    }
