"""`qa doctor` as a user runs it: a real subprocess, a line per check, OK or what to do."""

import os
import subprocess
import sys

import pytest

from qa.config import PROJECT_ROOT
from tests.conftest import free_port

CHECKS = (
    "python",
    "packages",
    "model file",
    "answer model",
    "question-kind model",
    "llama.cpp",
    "cpu",
    "store",
    "embedder",
    "port",
)


def doctor(tmp_path, **env):
    variables = {**os.environ, "QA_STORE_PATH": str(tmp_path / "store"), "QA_PORT": str(free_port()), **env}
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "doctor"],
        env=variables,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = {line.split(":")[0][6:]: line for line in result.stdout.splitlines() if line[:4] in ("OK  ", "FAIL")}
    return result, lines


@pytest.mark.llm
def test_doctor_on_a_healthy_install_says_ok_on_every_line(tmp_path):
    result, lines = doctor(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(lines) == list(CHECKS)
    assert all(line.startswith("OK") for line in lines.values()), result.stdout
    assert "sha256 checked" in lines["model file"] and "loads the model and writes" in lines["llama.cpp"]
    assert "AMX" not in lines["cpu"].split("llama.cpp built for:")[1]
    assert "everything checked is OK" in result.stdout


def test_doctor_on_a_missing_model_says_what_to_do_and_checks_the_rest(tmp_path):
    result, lines = doctor(tmp_path, QA_MODEL_PATH=str(tmp_path / "absent.gguf"))
    assert result.returncode == 1
    assert list(lines) == list(CHECKS)
    assert lines["model file"].startswith("FAIL") and "run `qa model`" in lines["model file"]
    assert lines["llama.cpp"].startswith("FAIL") and "model file is missing" in lines["llama.cpp"]
    for name in ("python", "answer model", "store", "embedder", "port"):
        assert lines[name].startswith("OK"), lines[name]


def test_doctor_says_when_the_port_is_taken(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _, lines = doctor(tmp_path, QA_PORT=str(port), QA_MODEL_PATH=str(tmp_path / "absent.gguf"))
    assert lines["port"].startswith("FAIL") and "QA_PORT" in lines["port"] and str(port) in lines["port"]


def test_the_build_summary_is_read_as_the_features_it_enables():
    from qa.doctor import built_for

    summary = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 0 | AMX_INT8 = 1 | REPACK = 1 | "
    assert built_for(summary) == ["SSE3", "AVX2", "AMX_INT8", "REPACK"]
