"""SIGKILL in the middle of an ingest, then ingest again: the store ends up exactly as a clean ingest."""

import os
import signal
import subprocess
import sys

import chromadb

from qa.config import PROJECT_ROOT
from tests.conftest import SEED_FILES


def make_corpus(folder, copies=6):
    folder.mkdir()
    for copy in range(copies):
        for seed in SEED_FILES:
            # at the top: a line after the article would fall to the comment/bio cut rules
            text = f"Reprint number {copy} of this story was filed today.\n\n" + seed.read_text(encoding="utf-8")
            (folder / f"{copy}_{seed.name}").write_text(text, encoding="utf-8")
    return folder


def stored(store):
    collection = chromadb.PersistentClient(path=str(store)).get_collection("articles")
    found = collection.get(include=["metadatas"])
    return found["ids"], found["metadatas"]


def ingest(env, corpus, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ingest", str(corpus)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_sigkill_during_ingest_then_reingest_is_consistent(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    # small write batches, so that chunks are already stored when the kill comes
    env = {**os.environ, "QA_STORE_PATH": str(tmp_path / "killed"), "QA_INGEST_BATCH": "16"}
    process = ingest(env, corpus)
    done = 0
    for line in process.stderr:  # one line per finished file when stderr is not a terminal
        done += line.startswith("[")
        if done == 8:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    partial, _ = stored(tmp_path / "killed")
    assert len(partial) > 0, "nothing was written before the kill: the test would prove nothing"

    rerun = ingest(env, corpus)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read()
    clean_env = {**os.environ, "QA_STORE_PATH": str(tmp_path / "clean")}
    clean = ingest(clean_env, corpus)
    assert clean.wait(timeout=600) == 0

    killed_ids, killed_meta = stored(tmp_path / "killed")
    clean_ids, _ = stored(tmp_path / "clean")
    assert len(killed_ids) == len(set(killed_ids))  # no duplicates
    assert sorted(killed_ids) == sorted(clean_ids)  # nothing missing, nothing extra
    assert {m["source"].rsplit("/", 1)[-1] for m in killed_meta} == {p.name for p in corpus.iterdir()}
