"""`qa` command line: ask, ingest, watch, sources, serve, model. Thin: parsing and printing only."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.answering.kinds import KINDS
from qa.config import get_settings
from qa.llm.registry import BACKENDS


def _filters(args: argparse.Namespace) -> dict:
    return {
        "sources": args.source or (),
        "publishers": args.publisher or (),
        "date_from": args.date_from,
        "date_to": args.date_to,
        "as_of": args.as_of,
    }


def print_answer(answer) -> None:
    print()
    print(answer.answer)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.publisher, c.published) if x)
        print(f"\n[{c.n}] {c.title or c.source}" + (f" — {meta}" if meta else "") + f" ({c.source})")
        print(f"    “{c.quote}”")


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.chain import Token
    from qa.service import get_service
    from qa.types import Answer

    service = get_service()
    service.ensure_seeded(show_progress=not args.json)
    kwargs = {"k": args.k, "filters": _filters(args), "backend": args.backend, "kind": args.kind}
    if args.json:
        print(json.dumps(service.answer(args.question, **kwargs).to_dict(), indent=2, ensure_ascii=False))
        return 0
    # The model's draft streams to the terminal (stderr) as it is written; stdout gets the grounded answer.
    draft = sys.stderr.isatty()
    final = None
    for event in service.stream(args.question, **kwargs):
        if isinstance(event, Token):
            if draft:
                print(event.text, end="", flush=True, file=sys.stderr)
        elif isinstance(event, Answer):
            final = event
    if draft:
        print("\n", file=sys.stderr)
    print_answer(final)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.service import get_service

    service = _service_for_rebuild() if args.rebuild else get_service()
    if args.rebuild:
        service.rebuild()
    feeds = args.feed + args.sitemap
    paths = args.paths or ([] if feeds else [service.settings.seeds_dir])
    report = service.ingest(paths, prune=args.prune, feeds=feeds, fields=args.field)
    for result in report.files:
        if result.status == "skipped":
            print(f"skipped {result.source}: {result.reason}", file=sys.stderr)
        elif result.reason:
            print(f"note {result.source}: {result.reason}", file=sys.stderr)
    print(report.summary())
    return 1 if report.files and all(f.status == "skipped" for f in report.files) else 0


def cmd_watch(args: argparse.Namespace) -> int:
    from qa.config import seconds
    from qa.ingestion import watch
    from qa.service import get_service

    service = get_service()
    listed = (lambda: watch.feeds_file(Path(args.feeds))) if args.feeds else list
    if not listed() and not service.watch_state.feeds:
        raise SystemExit("qa watch: no feeds: give a file with one feed or sitemap URL a line")
    print(f"watching; state in {service.settings.watch_state()}", file=sys.stderr)
    ok = watch.loop(service, seconds(args.every), once=args.once, extra=listed, show_progress=args.progress)
    return 0 if ok else 1


def _service_for_rebuild():
    """--rebuild must work when the store cannot even be opened: the broken one is moved aside."""
    from qa.config import get_settings
    from qa.service import get_service
    from qa.store import StoreError, set_aside

    try:
        return get_service()
    except StoreError:
        settings = get_settings()
        if settings.chroma_url or not settings.store_path.exists():
            raise
        print(
            f"the store could not be opened; moved it to {set_aside(settings)} and building a new one", file=sys.stderr
        )
        return get_service()


def cmd_sources(args: argparse.Namespace) -> int:
    from qa.service import get_service

    for entry in get_service().store.sources():
        meta = ", ".join(str(entry[k]) for k in ("publisher", "published") if entry.get(k))
        print(
            f"{entry['source']}  {entry['chunks']} chunks  {entry.get('title') or ''}" + (f" ({meta})" if meta else "")
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from qa.server import serve

    serve(args.host, args.port)
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from qa.answering.answer_model import answer_model
    from qa.answering.kind_model import kind_model
    from qa.embedder_files import dynamic_int8
    from qa.llm.model_files import assemble
    from qa.llm.runtime_check import smoke_test

    path = assemble(get_settings().model_path)
    print(f"model ready: {path}")
    print(f"embedder ready: {dynamic_int8(path.parent)}")
    print(f"answer-sentence model ready: {answer_model().weights} (sha256 checked)")
    print(f"question-kind model ready: sha256 {kind_model().sha256[:16]}… checked")
    print("smoke test: loading the model in a child process and writing 4 tokens…", flush=True)
    result = smoke_test(path)  # a crash or a failure raises ModelError, which says what to do
    print(f"smoke test passed: {result.text.strip()!r}\nllama.cpp built for: {result.system}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from qa import doctor

    failed = 0
    for check in doctor.run(get_settings()):
        print(check.line(), flush=True)
        failed += not check.ok
    print(f"{failed} problem(s) found" if failed else "everything checked is OK")
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.eval import calibrate, dataset, gate, report, runner

    if args.compare:
        first, second = (json.loads(Path(p).read_text()) for p in args.compare)
        report.compare(first, second)
        return 0
    if args.fit_floor:
        return _fit_floor([Path(p) for p in args.fit_floor], Path(args.out or "eval/calibration/pooled.json"))
    if args.from_feedback:
        return _feedback_to_questions(Path(args.from_feedback), Path(args.questions or "eval/feedback_questions.jsonl"))
    if not args.questions:
        raise SystemExit("qa eval: give a question file (JSONL), --compare A.json B.json or --from-feedback FILE")
    from qa.service import get_service

    questions = dataset.select(dataset.load(Path(args.questions)), None if args.calibrate else args.split)
    if args.ids:
        wanted = set(args.ids.split(","))
        questions = [q for q in questions if q.id in wanted]
    service = get_service()
    service.ensure_seeded(show_progress=True)
    backend = args.backend or service.settings.backend
    if args.calibrate:  # answer everything the selector chose; the floor is fitted from the records
        policy = service.settings.policy
        service.settings.policy = policy.model_copy(update={"min_confidence": {**policy.min_confidence, backend: 0.0}})
    result = runner.run(
        service,
        questions,
        backend=backend,
        k=args.k,
        label=args.label or "",
        split=args.split,
        as_of=args.as_of or "",
        kind=args.kind,
    )
    report.print_table(result)
    out = Path(args.out or f"eval/runs/{backend}")
    print(f"report: {report.write(result, out)} and {out / 'report.md'}")
    if args.calibrate:
        fitted = calibrate.fit(*(calibrate.half(result, h) for h in dataset.SPLITS))
        path = out / "calibration.json"
        path.write_text(json.dumps({"backend": backend, "questions": args.questions, **fitted}, indent=1))
        print(f"fitted floor for {backend}: {fitted['floor']} (dev {fitted['dev']}, test {fitted['test']}) → {path}")
    if args.gate:
        problems = gate.failures(result["metrics"], gate.load_thresholds(Path(args.thresholds), args.gate))
        for problem in problems:
            print(f"gate {args.gate}: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


def _fit_floor(reports: list[Path], target: Path) -> int:
    from qa.eval import calibrate

    runs = {str(p.parent.name): json.loads(p.read_text()) for p in reports}
    backends = {run["meta"].get("backend") for run in runs.values()}
    if len(backends) != 1:
        raise SystemExit(f"qa eval --fit-floor: the runs mix backends {sorted(map(str, backends))}")
    fitted = calibrate.fit_pooled(runs)
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"backend": backends.pop(), "runs_from": [str(p) for p in reports], **fitted}
    target.write_text(json.dumps(record, indent=1))
    print(f"pooled floor: {fitted['floor']} (dev {fitted['dev']}, test {fitted['test']})")
    for name, figures in fitted["runs"].items():
        print(f"  {name}: test {figures['test']} (floor 0: {figures['test_at_zero']})")
    print(f"→ {target}")
    return 0


def _feedback_to_questions(source: Path, target: Path) -> int:
    """Readers' votes → a question file for `qa eval`, and the votes a person must look at."""
    from qa import feedback

    if not source.exists():
        raise SystemExit(f"qa eval: no feedback file at {source} (votes from the chat are saved to QA_FEEDBACK_PATH)")
    questions, review = feedback.to_questions(feedback.load(source))
    review_path = target.with_suffix(".review.jsonl")
    for path, rows in ((target, questions), (review_path, review)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(questions)} questions → {target}; {len(review)} to review (add accept strings) → {review_path}")
    print(f"next: qa eval {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="qa", description="Cited answers from your news articles.")
    sub = root.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question from the ingested articles")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--backend", choices=list(BACKENDS))
    ask.add_argument("--k", type=int, help="passages to retrieve")
    ask.add_argument("--source", action="append", help="only this article (file name); repeatable")
    ask.add_argument("--publisher", action="append", help="only this publisher; repeatable")
    ask.add_argument("--from", dest="date_from", help="published on or after YYYY-MM-DD")
    ask.add_argument("--to", dest="date_to", help="published on or before YYYY-MM-DD")
    ask.add_argument("--as-of", help="answer as on YYYY-MM-DD: nothing published later, and that date is 'now'")
    ask.add_argument(
        "--kind",
        choices=["auto", *KINDS],
        default="auto",
        help="the kind of answer: one fact, or lines (parts, overview, comparison, timeline); auto decides",
    )
    ask.set_defaults(run=cmd_ask)
    ingest = sub.add_parser("ingest", help="ingest files or folders (default: seeds/)")
    ingest.add_argument("paths", nargs="*", help="files, folders, exports (.jsonl, .csv) or page URLs")
    ingest.add_argument("--prune", action="store_true", help="remove articles whose files are gone")
    ingest.add_argument("--rebuild", action="store_true", help="empty the store first")
    ingest.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS or Atom feed; repeatable")
    ingest.add_argument(
        "--sitemap", action="append", default=[], metavar="URL", help="a sitemap (news sitemaps, indexes); repeatable"
    )
    ingest.add_argument(
        "--field",
        action="append",
        metavar="OURS=THEIRS",
        help="an export's field name for one of ours (title, text, url, published, publisher, author), e.g. "
        "text=body; repeatable. Unmapped fields are read under our names",
    )
    ingest.set_defaults(run=cmd_ingest)
    watch = sub.add_parser("watch", help="keep feeds and sitemaps current: ingest what is new or changed, each round")
    watch.add_argument(
        "feeds", nargs="?", metavar="FEEDS.txt", help="one feed or sitemap URL a line; added to the watched"
    )
    watch.add_argument("--every", default="30m", help="time between rounds: 30m, 2h, 90s (at least a minute)")
    watch.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    watch.add_argument("--progress", action="store_true", help="a progress bar while a round ingests")
    watch.set_defaults(run=cmd_watch)
    sub.add_parser("sources", help="list ingested articles").set_defaults(run=cmd_sources)
    serve = sub.add_parser("serve", help="serve the chat and the API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("doctor", help="check the install: packages, model, llama.cpp, store, embedder, port").set_defaults(
        run=cmd_doctor
    )
    sub.add_parser(
        "model", help="assemble and verify the local model, check it runs here; derive the int8-compute embedder"
    ).set_defaults(run=cmd_model)
    ev = sub.add_parser("eval", help="evaluate answers against a question set (JSONL)")
    ev.add_argument("questions", nargs="?")
    ev.add_argument("--backend", choices=list(BACKENDS))
    ev.add_argument("--k", type=int)
    ev.add_argument("--as-of", help="ask every question without its own as_of on this date (YYYY-MM-DD)")
    ev.add_argument("--out", help="report folder (default eval/runs/BACKEND)")
    ev.add_argument(
        "--kind",
        choices=["auto", "row"],
        default="auto",
        help="auto: each question's kind of answer is decided as in the chat; row: summary rows are asked with "
        "their own kind (measures the broad answers apart from the decision)",
    )
    ev.add_argument("--ids", help="only these question ids, comma-separated")
    ev.add_argument("--label", help="a name for this run in comparisons")
    ev.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="all",
        help="only the dev half (tune on it) or the test half (report it); see docs/evaluation.md",
    )
    ev.add_argument(
        "--calibrate",
        action="store_true",
        help="run both halves with no confidence floor, fit the floor on dev, report it on test",
    )
    ev.add_argument("--gate", help="fail (exit 1) below the thresholds of this name in --thresholds")
    ev.add_argument("--thresholds", default=str(Path(__file__).resolve().parent.parent / "eval" / "thresholds.json"))
    ev.add_argument(
        "--from-feedback",
        metavar="FEEDBACK.jsonl",
        help="turn the chat's votes into questions (written to QUESTIONS, default eval/feedback_questions.jsonl)",
    )
    ev.add_argument(
        "--fit-floor",
        nargs="+",
        metavar="REPORT.json",
        help="fit one confidence floor on the dev halves of several --calibrate runs (one per corpus)",
    )
    ev.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"), help="what changed between two runs")
    ev.set_defaults(run=cmd_eval)
    return root


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from qa.errors import QAError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValidationError as exc:  # a QA_* setting with a value it cannot take
        for problem in exc.errors():
            where = ".".join(map(str, problem["loc"]))
            print(f"error: setting {where} (QA_{where.upper()}): {problem['msg']}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
