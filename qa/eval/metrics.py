"""Scoring one answer against its question, and aggregating a run."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from collections import defaultdict
from pathlib import Path

from qa.eval.dataset import TYPES, Question
from qa.eval.nuggets import broad_record


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def contains_any(answer: str, accept: tuple[str, ...]) -> bool:
    """Any accept string occurs, normalised, starting at a word boundary ("deni" matches "denies";
    "gun" does not match "begun")."""
    haystack = f" {normalise(answer)} "
    return any(f" {normalise(a)}" in haystack for a in accept if normalise(a))


def file_name(source: str) -> str:
    return Path(source).name


def score(question: Question, answer: dict, source_text, as_of: str | None = None) -> dict:
    """Per-question record. `source_text(source)` returns an article's text, for quote support; `as_of`, the
    date the question was asked on, if any."""
    gold = {file_name(s) for s in question.sources}
    retrieved = [file_name(p["source"]) for p in answer.get("debug", {}).get("passages", [])]
    cited = [file_name(c["source"]) for c in answer["citations"]]
    refused = bool(answer["refused"])
    correct = (not refused and contains_any(answer["answer"], question.accept)) if question.answerable else refused
    first_gold = next((i for i, s in enumerate(retrieved, start=1) if s in gold), None)
    broad = broad_record(question, answer, contains_any, file_name) if question.type == "summary" else {}
    if broad:  # a broad answer is right when it covers at least half its key points
        correct = not refused and (broad["nugget_recall"] or 0) >= 0.5
    return broad | {
        "id": question.id,
        "type": question.type,
        "question": question.question,
        "answer": answer["answer"],
        "refused": refused,
        "correct": correct,
        "both_versions": (
            question.type == "conflict"
            and not refused
            and contains_any(answer["answer"], question.accept)
            and contains_any(answer["answer"], question.accept_other)
        ),
        "gold_sources": sorted(gold),
        "retrieved": retrieved,
        "cited": cited,
        "recall": len(gold & set(retrieved)) / len(gold) if gold else None,
        "hit": first_gold is not None if gold else None,
        "rr": 1 / first_gold if first_gold else 0.0,
        "cited_gold": sum(s in gold for s in cited),
        "cited_recall": len(gold & set(cited)) / len(gold) if gold else None,
        "as_of": as_of,
        "in_week": _in_week(answer, as_of) if as_of and not refused else None,
        "states_date": "As of " in answer["answer"] if as_of and not refused else None,
        "quotes_supported": sum(
            bool(c["quote"]) and c["quote"] in source_text(c["source"]) for c in answer["citations"]
        ),
        "citations": len(cited),
        "first_token": answer["timings"].get("first_token", answer["timings"].get("total")),
        "total": answer["timings"].get("total"),
        "evidence": answer["timings"].get("evidence"),
        "standalone_question": answer.get("debug", {}).get("standalone_question"),
        "confidence": answer.get("confidence"),
        "conflict": bool(answer.get("conflict")),
        "refusal_reason": answer.get("debug", {}).get("refusal_reason"),
        "verdicts": answer.get("debug", {}).get("verdicts", []),
        "reader": question.reader,
        "kind_asked": question.kind or None,
        "kind": answer.get("debug", {}).get("kind", {}).get("kind"),
        "candidate_hit": _candidate_hit(question.evidence, answer) if question.evidence else None,
        # what the generator chose from and chose, so a later change to the choice can be replayed offline
        "candidates": answer.get("debug", {}).get("candidates", []),
        "chosen": answer.get("debug", {}).get("selection", {}).get("ids", []),
    }


def _candidate_hit(evidence: str, answer: dict) -> bool | None:
    """Whether a sentence stating the answer (the row's evidence, a sentence or a fragment of one) was among the
    candidates the generator chose from; None when the answer never reached that step."""
    found = answer.get("debug", {}).get("candidates")
    if found is None:
        return None
    wanted = normalise(evidence)
    return any(wanted in s or s in wanted for s in (normalise(c["sentence"]) for c in found))


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)


def _in_week(answer: dict, as_of: str) -> bool:
    """Whether the newest cited article is from the week of `as_of`."""
    dates = [c["published"] for c in answer["citations"] if c.get("published")]
    return bool(dates) and in_week_of(max(dates), as_of)


def in_week_of(published: str, as_of: str) -> bool:
    """Published within 7 days either side of `as_of` (both YYYY-MM-DD; anything else is not)."""
    try:
        return abs((dt.date.fromisoformat(published) - dt.date.fromisoformat(as_of)).days) <= 7
    except ValueError:
        return False


def _by_reader(records: list[dict]) -> dict:
    """Per reader label: how many rows, answered correctly (a refusal on an unanswerable row is correct), refused."""
    labels = sorted({str(r["reader"]) for r in records if r.get("reader")})
    groups = {label: [r for r in records if r.get("reader") == label] for label in labels}
    return {
        label: {
            "rows": len(rows),
            "correct": _mean([r["correct"] for r in rows]),
            "refused": _mean([r["refused"] for r in rows]),
        }
        for label, rows in groups.items()
    }


def _broad(records: list[dict]) -> dict:
    """Broad answers: nugget recall and line support (summary rows), and how questions were routed: a summary
    row given its own kind, a fact row kept on the fact path (a fact sent down the broad path loses its answer)."""
    summary = [r for r in records if r["type"] == "summary"]
    facts = [r for r in records if r["type"] != "summary" and r.get("kind")]
    lines = sum(r["lines"] for r in summary)
    return {
        "nugget_recall": _mean([r["nugget_recall"] for r in summary if r.get("nugget_recall") is not None]),
        "line_support": round(sum(r["lines_supported"] for r in summary) / lines, 4) if lines else None,
        "lines_per_answer": _mean([r["lines"] for r in summary]),
        "kind_accuracy": _mean([r["kind"] == r["kind_asked"] for r in summary if r.get("kind")]),
        "kind_broad": _mean([r["kind"] != "fact" for r in summary if r.get("kind")]),
        "facts_kept_fact": _mean([r["kind"] == "fact" for r in facts]),
    }


def aggregate(records: list[dict]) -> dict:
    answerable = [r for r in records if r["type"] != "unanswerable"]
    unanswerable = [r for r in records if r["type"] == "unanswerable"]
    conflicts = [r for r in records if r["type"] == "conflict"]
    citations = sum(r["citations"] for r in answerable)
    all_citations = sum(r["citations"] for r in records)
    by_type = defaultdict(list)
    for r in records:
        by_type[r["type"]].append(r["correct"])
    firsts = [r["first_token"] for r in records if r["first_token"] is not None and not r["refused"]]
    totals = [r["total"] for r in records if r["total"] is not None]
    return {
        "questions": len(records),
        "accuracy": _mean([r["correct"] for r in records]),
        "accuracy_by_type": {t: _mean(by_type[t]) for t in TYPES if by_type[t]},
        "answer_accuracy": _mean([r["correct"] for r in answerable]),
        "conflict_both_versions": _mean([r["both_versions"] for r in conflicts]),
        "conflict_flagged": _mean([r.get("conflict", False) for r in conflicts]),
        "false_conflict_rate": _mean(
            [r.get("conflict", False) for r in records if r["type"] != "conflict" and not r["refused"]]
        ),
        "refusal_accuracy": _mean([r["refused"] for r in unanswerable]),
        "false_refusal_rate": _mean([r["refused"] for r in answerable]),
        "recall_at_k": _mean([r["recall"] for r in answerable if r["recall"] is not None]),
        "hit_at_k": _mean([r["hit"] for r in answerable if r.get("hit") is not None]),
        "mrr": _mean([r["rr"] for r in answerable if r["recall"] is not None]),
        "citation_precision": round(sum(r["cited_gold"] for r in answerable) / citations, 4) if citations else None,
        "citation_recall": _mean([r["cited_recall"] for r in answerable if r["cited_recall"] is not None]),
        "quote_support": (
            round(sum(r["quotes_supported"] for r in records) / all_citations, 4) if all_citations else None
        ),
        "cited_in_week": _mean([r["in_week"] for r in records if r.get("in_week") is not None]),
        "states_date": _mean([r["states_date"] for r in records if r.get("states_date") is not None]),
        "candidate_recall": _mean([r["candidate_hit"] for r in answerable if r.get("candidate_hit") is not None]),
        "by_reader": _by_reader(records),
        **_broad(records),
        "latency_first_token_p50": _percentile(firsts, 0.5),
        "latency_first_token_p95": _percentile(firsts, 0.95),
        "latency_evidence_p50": _percentile([r["evidence"] for r in records if r.get("evidence") is not None], 0.5),
        "latency_total_p50": _percentile(totals, 0.5),
        "latency_total_p95": _percentile(totals, 0.95),
    }
