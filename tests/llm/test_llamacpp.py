"""The real local LLM (packaged Qwen2.5 1.5B GGUF via llama-cpp-python) on the real seeded store."""

import pytest

from qa.llm.model_files import ModelError, verify
from tests.conftest import raw_text


@pytest.fixture(scope="module")
def llm_service(seeded_service):
    seeded_service.generator("llamacpp")  # assembles + verifies the model once, loads it once
    return seeded_service


@pytest.mark.llm
def test_local_llm_answers_with_a_valid_citation(llm_service):
    answer = llm_service.answer("How many troops has Russia gathered near Ukraine?", backend="llamacpp")
    assert not answer.refused
    assert "100,000" in answer.answer
    assert answer.citations
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        assert citation.quote in raw_text(citation.source)
        assert "100,000" in citation.quote or citation.n != answer.citations[0].n
    assert answer.timings["first_token"] < answer.timings["total"]


@pytest.mark.llm
def test_local_llm_streams_tokens_before_the_answer(llm_service):
    from qa.chain import Token

    events = list(llm_service.stream("Who led the Russian delegation in Geneva?", backend="llamacpp"))
    tokens = [e for e in events if isinstance(e, Token)]
    assert len(tokens) > 3  # streamed, not one block
    assert "Ryabkov" in events[-1].answer and not events[-1].refused


@pytest.mark.llm
def test_unanswerable_question_is_refused(llm_service):
    answer = llm_service.answer("What did Emmanuel Macron say about the talks?", backend="llamacpp")
    assert answer.refused and answer.citations == []


def test_a_damaged_model_file_is_refused(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF" + b"\x00" * 1024)
    with pytest.raises(ModelError, match="sha256"):
        verify(fake)
    assert not (tmp_path / "model.gguf.verified").exists()
