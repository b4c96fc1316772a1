"""Scoring a broad answer (summary rows) against its key points, after TREC 2024 RAG's nugget evaluation (the share
of key points an answer covers, with support) and ALCE's per-statement citation precision.

- nugget recall: points covered by some answer line that holds one of the point's accept strings and cites a
  sentence that holds one too, or an article the point's row names as its source;
- line support: answer lines whose cited sentences hold every name and number of the line and at least
  `SUPPORT_OVERLAP` of its content words (a lexical proxy: no judging model is assumed here);
- lines per answer."""

from __future__ import annotations

import re

from qa.eval.dataset import Question
from qa.text import MARKER, missing_names, numbers, strip_markers, terms

SUPPORT_OVERLAP = 0.6  # a paraphrase keeps most content words; a line about something else keeps few


def lines_of(answer: dict) -> list[tuple[str, list[dict]]]:
    """Each answer line ("- …", headings skipped) with the citations it names; an answer written as prose (a
    question answered as a fact) is one line."""
    by_n = {c["n"]: c for c in answer.get("citations", [])}
    text = answer.get("answer", "")
    raws = [raw.lstrip()[2:] for raw in text.splitlines() if raw.lstrip().startswith("- ")] or [text]
    return [(strip_markers(raw).strip(), [by_n[int(n)] for n in MARKER.findall(raw) if int(n) in by_n]) for raw in raws]


def supported(line: str, cited: list[dict]) -> bool:
    body = re.sub(r"^(reported )?\d{1,2} \w+ \d{4}: ", "", line)  # a timeline's date comes from the article
    evidence = " ".join(c["quote"] for c in cited)
    if not cited or numbers(body) - numbers(evidence) or missing_names(body, evidence):
        return False
    wanted = terms(body)
    return not wanted or len(wanted & terms(evidence)) / len(wanted) >= SUPPORT_OVERLAP


def broad_record(question: Question, answer: dict, contains_any, file_name) -> dict:
    lines = [] if answer["refused"] else lines_of(answer)
    covered = [
        any(
            contains_any(text, nugget.accept)
            and any(contains_any(c["quote"], nugget.accept) or file_name(c["source"]) in nugget.sources for c in cited)
            for text, cited in lines
        )
        for nugget in question.nuggets
    ]
    good = [supported(text, cited) for text, cited in lines]
    return {
        "nuggets": len(covered),
        "nuggets_covered": sum(covered),
        "nugget_recall": sum(covered) / len(covered) if covered else None,
        "lines": len(lines),
        "lines_supported": sum(good),
    }
