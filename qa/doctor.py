"""`qa doctor`: what a user runs when something is wrong. Each check is one line, OK or what to do; the checks
only read (nothing is assembled, ingested or rebuilt), and a failed one never stops the others."""

from __future__ import annotations

import platform
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement

from qa.config import Settings
from qa.errors import QAError

# The packages whose version decides whether an answer can be given at all.
KEY_PACKAGES = (
    "llama-cpp-python",
    "chromadb",
    "langchain-core",
    "sentence-transformers",
    "onnxruntime",
    "gradio",
    "torch",
    "tiktoken",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what to do

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def python_version(settings: Settings) -> Check:
    found = platform.python_version()
    ok = sys.version_info[:2] == (3, 11)
    return Check("python", ok, found if ok else f"{found}; qa needs Python 3.11 (`make install` builds .venv with it)")


def packages(settings: Settings) -> Check:
    """Installed versions against the pins `qa` was installed with."""
    pins = {}
    for text in metadata.requires("qa") or []:
        req = Requirement(text)
        pins[req.name.lower()] = req.specifier
    found, wrong = [], []
    for name in KEY_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        found.append(f"{name} {version}")
        spec = pins.get(name)
        if spec and not spec.contains(version, prereleases=True):
            wrong.append(f"{name} {version} (pinned {spec})")
    if wrong:
        return Check("packages", False, f"{'; '.join(wrong)}: run `make install`")
    return Check("packages", True, ", ".join(found))


def model_file(settings: Settings) -> Check:
    from qa.llm.model_files import ModelError, verify

    path = settings.model_path
    if not path.exists():
        return Check("model file", False, f"{path} is missing: run `qa model` (or `make install`) to assemble it")
    try:
        verify(path)
    except ModelError as exc:
        return Check("model file", False, str(exc))
    return Check("model file", True, f"{path} (sha256 checked)")


def answer_sentence_model(settings: Settings) -> Check:
    from qa.answering.answer_model import AnswerModel

    try:
        model = AnswerModel()
    except QAError as exc:
        return Check("answer model", False, str(exc))
    return Check("answer model", True, f"{model.weights} (sha256 checked)")


def question_kind_model(settings: Settings) -> Check:
    from qa.answering.kind_model import FOLDER, KindModel

    try:
        KindModel()
    except QAError as exc:
        return Check("question-kind model", False, str(exc))
    return Check("question-kind model", True, f"{FOLDER} (sha256 checked)")


def local_model_runs(settings: Settings) -> Check:
    """Loads the model and writes a few tokens in a child process, so a crash is a line here, not the end."""
    from qa.llm.model_files import ModelError
    from qa.llm.runtime_check import smoke_test

    if not settings.model_path.exists():
        return Check("llama.cpp", False, "not tried: the model file is missing (see above)")
    try:
        import llama_cpp
    except ImportError:
        return Check("llama.cpp", False, "llama-cpp-python is not installed: run `make install`")
    try:
        result = smoke_test(settings.model_path)
    except ModelError as exc:
        return Check("llama.cpp", False, str(exc))
    return Check("llama.cpp", True, f"{llama_cpp.__version__} loads the model and writes ({result.text.strip()!r})")


def build_features(settings: Settings) -> Check:
    """The CPU features llama.cpp was compiled for, beside those this CPU has. A build with the AMX path on
    a CPU with AMX is the known crash (upstream issue 20824)."""
    from qa.llm.runtime_check import cpu_flags

    flags = cpu_flags()
    try:
        from llama_cpp import llama_print_system_info
    except ImportError:
        return Check("cpu", False, f"this CPU: {' '.join(flags)}; llama-cpp-python is not installed")
    built = llama_print_system_info().decode()
    enabled = built_for(built)
    amx = [f for f in enabled if f.startswith("AMX")]
    detail = f"this CPU: {' '.join(flags) or 'unknown'}; llama.cpp built for: {' '.join(enabled) or 'baseline'}"
    if amx:
        return Check("cpu", False, f"{detail}. The build has the AMX path: rebuild with `make clean-llama install`")
    return Check("cpu", True, detail)


def built_for(system_info: str) -> list[str]:
    """The features llama.cpp's summary marks "= 1" ("CPU : SSE3 = 1 | AVX = 1 | … | AMX_INT8 = 0 |")."""
    names = (part.split("=")[0].rpartition(":")[2].strip() for part in system_info.split("|") if "= 1" in part)
    return list(dict.fromkeys(names))


def store(settings: Settings) -> Check:
    from qa.embeddings import make_embedder
    from qa.store import Store, with_store_embedder

    where = settings.chroma_url or str(settings.store_path)
    try:
        settings = with_store_embedder(settings)
        found = Store(settings, make_embedder(settings))
        articles, chunks = len(found.sources()), found.count()
    except QAError as exc:
        return Check("store", False, f"{where}: {exc}")
    embedder = (found.collection.metadata or {}).get("embedder") or "none recorded yet"
    if not chunks:
        return Check("store", True, f"{where}: empty (`qa ingest` adds seeds/; `make run` does it for you)")
    return Check("store", True, f"{where}: {articles} articles, {chunks} chunks, embedder {embedder}")


def embedder(settings: Settings) -> Check:
    from qa.embeddings import make_embedder

    try:
        vector = make_embedder(settings).embed_query("a test sentence")
    except QAError as exc:
        return Check("embedder", False, str(exc))
    return Check("embedder", True, f"{settings.embedder} ({len(vector)} dims)")


def port(settings: Settings) -> Check:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError:
            return Check(
                "port",
                False,
                f"{settings.host}:{settings.port} is in use (a running `qa serve`?): stop it or set QA_PORT",
            )
    return Check("port", True, f"{settings.host}:{settings.port} is free for `qa serve`")


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    python_version,
    packages,
    model_file,
    answer_sentence_model,
    question_kind_model,
    local_model_runs,
    build_features,
    store,
    embedder,
    port,
)


def run(settings: Settings) -> Iterator[Check]:
    for check in CHECKS:
        try:
            yield check(settings)
        except Exception as exc:  # a check that breaks is itself a finding, and the others still run
            yield Check(check.__name__.replace("_", " "), False, f"the check itself failed: {exc!r}")
