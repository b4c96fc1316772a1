"""The answer-sentence model as shipped in models/answer-sentence/ (the real weights, no stand-in)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from qa.answering.answer_model import FOLDER, AnswerModel, AnswerModelError, answer_model

# Written for these tests: neutral questions, each with a sentence that states its answer and an on-topic sentence
# that does not (none is from an evaluation set).
CASES = [
    (
        "Which city will host the regional chess championship next spring?",
        "The regional chess championship will be held in Tampere next spring, the organisers announced on Monday.",
        "The regional chess championship drew more than two hundred players from eleven clubs last year.",
    ),
    (
        "How many new buses did the city council order?",
        "The city council ordered 48 new electric buses, to be delivered by the end of next year.",
        "The city council met on Tuesday evening to discuss the public transport budget.",
    ),
    (
        "Who was appointed as the new director of the national museum?",
        "Maria Lindqvist was appointed director of the national museum, the culture ministry said.",
        "The national museum has been without a permanent director since the spring, the ministry said.",
    ),
    (
        "When will the new bridge over the river open to traffic?",
        "The new bridge over the river will open to traffic on 14 March, the transport agency said.",
        "Construction of the new bridge over the river has cost more than the agency first planned.",
    ),
]


@pytest.fixture(scope="module")
def model() -> AnswerModel:
    return answer_model()


@pytest.mark.parametrize("question, states, on_topic", CASES)
def test_a_sentence_stating_the_answer_outscores_an_on_topic_one(model, question, states, on_topic):
    stating, other = model.probabilities(question, [states, on_topic])
    assert stating > other


def test_probabilities_are_probabilities(model):
    question, *_ = CASES[0]
    sentences = [s for case in CASES for s in case[1:]]
    p = model.probabilities(question, sentences)
    assert p.shape == (len(sentences),)
    assert np.all((p >= 0) & (p <= 1))
    assert model.probabilities(question, []).shape == (0,)


def test_one_batched_call_equals_one_at_a_time(model):
    question, *_ = CASES[1]
    sentences = [s for case in CASES for s in case[1:]]
    together = model.probabilities(question, sentences)
    alone = np.concatenate([model.probabilities(question, [s]) for s in sentences])
    # each pair runs alone inside the call, so its batchmates cannot move its score
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-6)


def test_loaded_once_per_process():
    assert answer_model() is answer_model()


def _copy(tmp_path):
    folder = tmp_path / "answer-sentence"
    folder.mkdir()
    for name in ("manifest.json", "tokenizer.json", "model.onnx"):
        shutil.copy(FOLDER / name, folder / name)
    return folder


def test_weights_that_do_not_match_the_recorded_sha256_are_refused(tmp_path):
    folder = _copy(tmp_path)
    data = bytearray((folder / "model.onnx").read_bytes())
    data[-1] ^= 0xFF
    (folder / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(AnswerModelError, match=r"sha256 .* expected .*Restore both from the repository"):
        AnswerModel(folder)


def test_a_manifest_recording_another_sha256_is_refused(tmp_path):
    folder = _copy(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(AnswerModelError, match="damaged or not the model the manifest describes"):
        AnswerModel(folder)


@pytest.mark.parametrize("missing", ["model.onnx", "manifest.json"])
def test_a_missing_file_is_named(tmp_path, missing):
    folder = _copy(tmp_path)
    (folder / missing).unlink()
    with pytest.raises(AnswerModelError, match=missing.replace(".", r"\.") + " is missing"):
        AnswerModel(folder)
