"""Reports of a run: terminal table, JSON, Markdown with PNG plots; and run-to-run comparison."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

HEADLINE = [
    "accuracy",
    "answer_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "conflict_both_versions",
    "conflict_flagged",
    "false_conflict_rate",
    "recall_at_k",
    "hit_at_k",
    "mrr",
    "cited_in_week",
    "states_date",
    "citation_precision",
    "citation_recall",
    "candidate_recall",
    "quote_support",
    "latency_evidence_p50",
    "latency_first_token_p50",
    "latency_first_token_p95",
    "latency_total_p50",
    "latency_total_p95",
]


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _values(run: dict, name: str) -> list[str]:
    """A metric over all rows, then over each half (dev: tuned on; test: reported)."""
    return [_fmt(m.get(name)) for m in (run["metrics"], *run.get("by_split", {}).values())]


def print_table(run: dict, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"qa eval · {run['meta']['backend']} · {run['metrics']['questions']} questions")
    halves = run.get("by_split", {})
    table.add_column("metric")
    for column in ("value", *halves):
        table.add_column(column, justify="right")
    for name in HEADLINE:
        table.add_row(name, *_values(run, name))
    for kind, value in run["metrics"]["accuracy_by_type"].items():
        table.add_row(f"accuracy ({kind})", _fmt(value))
    for label in run["metrics"].get("by_reader", {}):
        for name in ("correct", "refused"):
            cells = [_fmt(m.get("by_reader", {}).get(label, {}).get(name)) for m in (run["metrics"], *halves.values())]
            table.add_row(f"reader {label}: {name}", *cells)
    console.print(table)
    wrong = [r for r in run["records"] if not r["correct"]]
    if wrong:
        console.print(f"[bold]{len(wrong)} wrong:[/bold] " + ", ".join(r["id"] for r in wrong))


def _plots(run: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    by_type = run["metrics"]["accuracy_by_type"]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar(list(by_type), list(by_type.values()), color="#4C72B0")
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.set_title(f"Accuracy by question type ({run['meta']['backend']})")
    fig.tight_layout()
    fig.savefig(out / "accuracy_by_type.png", dpi=110)
    names.append("accuracy_by_type.png")
    plt.close(fig)
    totals = [r["total"] for r in run["records"] if r["total"] is not None]
    firsts = [r["first_token"] for r in run["records"] if r["first_token"] is not None and not r["refused"]]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist([totals, firsts], bins=20, label=["total", "first token"], color=["#4C72B0", "#DD8452"])
    ax.set_xlabel("seconds")
    ax.set_ylabel("questions")
    ax.legend()
    ax.set_title("Latency per question")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    names.append("latency.png")
    plt.close(fig)
    return names


def markdown(run: dict, images: list[str]) -> str:
    meta, metrics = run["meta"], run["metrics"]
    lines = [
        f"# qa evaluation — {meta['backend']}",
        "",
        f"{metrics['questions']} questions · k={meta['k']} · {meta['embedder']} · {meta['chunks']} chunks · "
        f"{meta['date']}",
        "",
        f"| metric | {' | '.join(('all', *run.get('by_split', {})))} |",
        f"|---|{'---|' * (1 + len(run.get('by_split', {})))}",
    ]
    lines += [f"| {name} | {' | '.join(_values(run, name))} |" for name in HEADLINE]
    lines += [f"| accuracy[{k}] | {_fmt(v)} |" for k, v in metrics["accuracy_by_type"].items()]
    lines += [""] + [f"![{name}]({name})" for name in images]
    lines += [
        "",
        "## Wrong answers",
        "",
        "| id | type | question | answer | cited | retrieved |",
        "|---|---|---|---|---|---|",
    ]
    for r in run["records"]:
        if not r["correct"]:
            answer = r["answer"].replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {r['id']} | {r['type']} | {r['question']} | {answer} | {', '.join(r['cited'])} | "
                f"{', '.join(r['retrieved'][:5])} |"
            )
    return "\n".join(lines) + "\n"


def write(run: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(run, indent=2, ensure_ascii=False))
    images = _plots(run, out)
    (out / "report.md").write_text(markdown(run, images))
    return out / "report.json"


def compare(a: dict, b: dict, console: Console | None = None) -> None:
    """What changed from run A to run B: metrics, then question by question."""
    console = console or Console()
    table = Table(
        title=f"{a['meta'].get('label') or a['meta']['backend']} → {b['meta'].get('label') or b['meta']['backend']}"
    )
    for column in ("metric", "A", "B", "Δ"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for name in HEADLINE:
        x, y = a["metrics"].get(name), b["metrics"].get(name)
        delta = f"{y - x:+.3f}" if isinstance(x, (int, float)) and isinstance(y, (int, float)) else "—"
        table.add_row(name, _fmt(x), _fmt(y), delta)
    console.print(table)
    before = {r["id"]: r for r in a["records"]}
    for r in b["records"]:
        old = before.get(r["id"])
        if old is None:
            console.print(f"[cyan]+ {r['id']}[/cyan] new question")
        elif old["correct"] != r["correct"]:
            mark = "[green]fixed[/green]" if r["correct"] else "[red]broke[/red]"
            console.print(
                f"{mark} {r['id']} ({r['type']}): {r['question']}\n    A: {old['answer']}\n    B: {r['answer']}"
            )
        elif old["answer"] != r["answer"]:
            console.print(f"[yellow]changed[/yellow] {r['id']}: {r['question']}")
