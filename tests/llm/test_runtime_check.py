"""Whether the compiled llama.cpp can run the model here, asked in a child process: a crashing child is a
message that says what happened and what to do, never the end of the caller."""

import shutil
import subprocess
from pathlib import Path

import pytest

from qa.config import Settings
from qa.llm import runtime_check
from qa.llm.model_files import ModelError

SEGFAULT = "import os, signal, sys\nopen(sys.argv[1] + '.tries', 'a').write('x')\nos.kill(os.getpid(), signal.SIGSEGV)"


def test_a_child_killed_by_sigsegv_is_a_message_with_the_signal_cpu_flags_and_what_to_do(tmp_path):
    with pytest.raises(ModelError) as caught:
        runtime_check.run_child(SEGFAULT, tmp_path / "model.gguf")
    message = str(caught.value)
    assert "SIGSEGV" in message and "child process" in message
    assert "CPU flags: " in message and all(f in message for f in runtime_check.cpu_flags())
    assert "QA_BACKEND=extractive" in message and "qa doctor" in message


def test_a_child_that_fails_is_a_message_with_its_last_line(tmp_path):
    with pytest.raises(ModelError, match=r"exit 1: .*no such model here"):
        runtime_check.run_child("raise SystemExit('no such model here')", tmp_path / "model.gguf")


def test_a_child_that_hangs_is_stopped_and_said(tmp_path):
    with pytest.raises(ModelError, match="did not write 4 tokens in 1 s"):
        runtime_check.run_child("import time; time.sleep(30)", tmp_path / "model.gguf", timeout=1)


def test_a_crashing_build_is_checked_once_per_process_and_fails_every_load_alike(tmp_path, monkeypatch):
    pytest.importorskip("llama_cpp")  # the check's key names the compiled library
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setattr(runtime_check, "SMOKE_CODE", SEGFAULT)
    for _ in range(2):
        with pytest.raises(ModelError, match="SIGSEGV"):
            runtime_check.ensure_runnable(model)
    assert Path(f"{model}.tries").read_text() == "x"  # the child ran once
    assert not runtime_check._stamp(model).exists()  # a failure leaves nothing that would skip the next check


@pytest.mark.llm
def test_the_real_model_loads_and_writes_in_a_child_and_the_stamp_skips_the_next_check(monkeypatch):
    from qa.llm.model_files import assemble

    monkeypatch.setattr(runtime_check, "_outcomes", {})  # as in a new process: nothing checked yet
    model = assemble(Settings().model_path)
    result = runtime_check.smoke_test(model)
    assert result.text.strip() and "AVX2 = 1" in result.system
    assert runtime_check._stamp(model).read_text() == runtime_check._identity(model)
    assert runtime_check.ensure_runnable(model) is None  # the stamp holds: no second child


@pytest.mark.llm
def test_the_installed_llama_cpp_has_no_amx_instructions():
    """The AMX path faults on some Xeons (llama.cpp issue 20824); the build must leave it out on every machine,
    AMX or not: no tile instruction anywhere in the compiled CPU backend."""
    import llama_cpp

    if not shutil.which("objdump"):
        pytest.skip("objdump (binutils) is not installed")
    libraries = sorted((Path(llama_cpp.__file__).parent / "lib").glob("libggml-cpu*.so*"))
    assert libraries, "no libggml-cpu in the installed llama_cpp"
    for library in libraries:
        code = subprocess.run(["objdump", "-d", str(library)], capture_output=True, text=True, check=True).stdout
        assert "vpdpbusd" in code or "vfmadd" in code  # the disassembly is real: vector code is there
        for instruction in ("ldtilecfg", "tdpbssd", "tileloadd"):
            assert instruction not in code, f"{library.name} holds {instruction}: built with the AMX path"
