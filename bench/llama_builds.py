"""Prompt reading and writing speed (tokens/s) of several llama.cpp builds, in one run, rounds alternating so
that the machine's drift falls on every build alike. Each build is an unpacked llama-cpp-python wheel; each
measurement runs in a child process with that folder first on sys.path.

    python bench/llama_builds.py native=/tmp/native portable=/tmp/portable --rounds 3

The Makefile's build choice (LLAMA_TARGET) rests on these figures: docs/benchmarks.md, "llama.cpp builds".
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from common import ROOT, save

from qa.config import Settings
from qa.llm.model_files import assemble

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from llama_cpp import Llama, llama_print_system_info
llama = Llama(model_path=sys.argv[2], n_ctx=4096, n_batch=512, n_threads=2, seed=0, verbose=False)
ids = llama.tokenize(open(sys.argv[3], encoding="utf-8").read().encode())[:500]
started = time.perf_counter(); llama.eval(ids); read = len(ids) / (time.perf_counter() - started)
llama.reset()
started = time.perf_counter()
out = llama.create_completion("Write a long story about a lighthouse keeper.", max_tokens=96, temperature=0)
written = out["usage"]["completion_tokens"] / (time.perf_counter() - started)
print(json.dumps({"read": read, "write": written, "system": llama_print_system_info().decode()}))
"""


def measure(folder: str, model: str, text: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, folder, model, text], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("builds", nargs="+", metavar="NAME=FOLDER")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    builds = dict(item.split("=", 1) for item in args.builds)
    model = str(assemble(Settings().model_path))
    text = str(next((ROOT / "seeds").glob("000_*.txt")))
    runs: dict[str, list[dict]] = {name: [] for name in builds}
    for round_ in range(args.rounds):
        for name, folder in builds.items():
            runs[name].append(measure(folder, model, text))
            print(f"round {round_ + 1} {name}: {runs[name][-1]}", flush=True)
    summary = {}
    for name, results in runs.items():
        errors = [r["error"] for r in results if "error" in r]
        if errors:
            summary[name] = {"error": errors[0]}
            continue
        summary[name] = {
            "read_tokens_per_s": round(statistics.median(r["read"] for r in results), 1),
            "write_tokens_per_s": round(statistics.median(r["write"] for r in results), 1),
            "built_for": results[0]["system"],
        }
    print(json.dumps(summary, indent=2))
    save("llama_builds", {"rounds": args.rounds, "builds": summary})


if __name__ == "__main__":
    main()
