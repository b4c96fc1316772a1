"""Can the compiled llama.cpp run the local model on this CPU? Asked in a child process, so that a crash (a
signal, such as SIGSEGV in llama.cpp's AMX path on some Xeons, upstream issue 20824) is reported with what to
do instead of killing the caller. Asked once per process, and skipped when a stamp records that the same
library already generated on the same CPU with the same model (the answer cannot change until one of them does)."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from qa.llm.model_files import ModelError

# The flags that decide which matrix code llama.cpp may run; the message names those this CPU has.
CPU_FLAGS = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16")
TIMEOUT_S = 180  # loading 1 GB and writing 4 tokens takes ~3 s; a slow disk, tenfold

# What the child runs: load the model, write a few tokens, print llama.cpp's own build summary as JSON.
SMOKE_CODE = """
import json, sys
from llama_cpp import Llama, llama_print_system_info
llama = Llama(model_path=sys.argv[1], n_ctx=256, n_batch=64, n_threads=2, seed=0, verbose=False)
out = llama.create_completion("The capital of France is", max_tokens=4, temperature=0)
print(json.dumps({"text": out["choices"][0]["text"], "system": llama_print_system_info().decode()}))
"""

_FIX = (
    "Rebuild llama-cpp-python for this CPU (`make clean-llama install`, which builds it without the AMX path), "
    "run `qa doctor` to see what is wrong, or answer without the local model meanwhile: QA_BACKEND=extractive"
)


@dataclass(frozen=True)
class SmokeResult:
    text: str  # the few tokens the model wrote
    system: str  # llama.cpp's build summary: the CPU features it was compiled for


def _cpu_info() -> dict[str, str]:
    """The first processor's entries in /proc/cpuinfo (Linux; empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    pairs = (line.partition(":") for line in text.split("\n\n")[0].splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs}


def cpu_flags() -> list[str]:
    """The CPU_FLAGS this machine reports."""
    info = _cpu_info()
    found = set((info.get("flags") or info.get("Features") or "").split())
    return [f for f in CPU_FLAGS if f in found]


def run_child(code: str, model: Path, timeout: float = TIMEOUT_S) -> SmokeResult:
    """Run `code` in a fresh interpreter with the model path as its argument; its last stdout line is the
    SmokeResult as JSON. Raises ModelError saying how the child failed: a signal, an exit code, a timeout."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(model)], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ModelError(f"the local model did not write 4 tokens in {timeout:.0f} s (child process). {_FIX}") from exc
    if done.returncode < 0:
        raise ModelError(_crashed(-done.returncode))
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"the local model failed to load or write (exit {done.returncode}: {tail}). {_FIX}")
    reply = json.loads(lines[-1])
    return SmokeResult(reply["text"], reply["system"])


def _crashed(signum: int) -> str:
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    flags = cpu_flags()
    amx = [f for f in flags if f.startswith("amx")]
    why = (
        f" This CPU has {', '.join(amx)}: llama.cpp's AMX matrix path is known to crash (upstream issue 20824)."
        if amx
        else ""
    )
    return (
        f"the local model crashed with {name} while loading or writing (checked in a child process; "
        f"CPU flags: {' '.join(flags) or 'unknown'}).{why} {_FIX}"
    )


def _identity(model: Path) -> str:
    """What the check's answer depends on: the compiled library, the CPU, the model, the interpreter."""
    try:
        import llama_cpp
    except ImportError as exc:
        raise ModelError("llama-cpp-python is not installed: run `make install`") from exc
    lib = Path(llama_cpp.__file__).parent / "lib"
    libs = sorted(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in lib.glob("*.so*"))
    stat = model.stat()
    info = _cpu_info()
    cpu = " ".join(info.get(k, "") for k in ("vendor_id", "model name", "flags", "Features"))
    # the environment, not the executable's name: `.venv/bin/python` and `python3` are the same interpreter
    parts = [*libs, f"{model}:{stat.st_size}:{stat.st_mtime_ns}", cpu, sys.prefix, sys.version]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stamp(model: Path) -> Path:
    return model.with_name(model.name + ".runs")


_lock = threading.Lock()
_outcomes: dict[Path, SmokeResult | ModelError | None] = {}


def _check(model: Path) -> SmokeResult | ModelError | None:
    identity = _identity(model)
    stamp = _stamp(model)
    if stamp.exists() and stamp.read_text() == identity:
        return None  # this library already ran this model on this CPU
    try:
        result = run_child(SMOKE_CODE, model)
    except ModelError as exc:
        return exc
    stamp.write_text(identity)
    return result


def ensure_runnable(model: Path) -> SmokeResult | None:
    """Raise ModelError (with what to do) unless the local model loads and writes in a child process. Once per
    process, failures included (a crashing build fails every request alike); None when a stamp from an earlier
    check still holds."""
    model = model.resolve()
    with _lock:
        if model not in _outcomes:
            _outcomes[model] = _check(model)
        outcome = _outcomes[model]
    if isinstance(outcome, ModelError):
        raise outcome
    return outcome


def smoke_test(model: Path) -> SmokeResult:
    """The check itself, always run (for `qa model` and `qa doctor`); refreshes the stamp when it passes."""
    result = run_child(SMOKE_CODE, model)
    _stamp(model).write_text(_identity(model))
    return result
