"""The quality gate: a run's metrics against the thresholds recorded in eval/thresholds.json."""

from __future__ import annotations

import json
from pathlib import Path


def load_thresholds(path: Path, name: str) -> dict:
    data = json.loads(path.read_text())
    if name not in data:
        raise KeyError(f"{path} has no thresholds named {name!r} (has: {', '.join(data)})")
    return data[name]


def failures(metrics: dict, thresholds: dict) -> list[str]:
    """Human-readable list of every metric below its minimum or above its maximum."""
    problems = []
    for name, minimum in thresholds.get("min", {}).items():
        value = metrics.get(name)
        if value is None or value < minimum:
            problems.append(f"{name} = {value} < {minimum}")
    for name, maximum in thresholds.get("max", {}).items():
        value = metrics.get(name)
        if value is None or value > maximum:
            problems.append(f"{name} = {value} > {maximum}")
    return problems
