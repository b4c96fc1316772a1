import pytest

from tests.conftest import raw_text

QUESTIONS = [
    "How many troops has Russia gathered near Ukraine?",
    "Where is the NATO-Russia Council meeting?",
    "Who escorted Ryabkov to the dinner in Geneva?",
    "What did Fred Kempe say about this week of meetings?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_cite_passages_whose_quotes_are_in_the_source(seeded_service, question):
    answer = seeded_service.answer(question, backend="extractive")
    assert not answer.refused
    assert answer.citations
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        assert citation.quote and citation.quote in raw_text(citation.source)


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "What did Emmanuel Macron say?"])
def test_off_topic_questions_are_refused(seeded_service, question):
    answer = seeded_service.answer(question, backend="extractive")
    assert answer.refused and answer.citations == []
    assert "don't say" in answer.answer


def test_answers_are_deterministic(seeded_service):
    first = seeded_service.answer(QUESTIONS[0], backend="extractive").to_dict()
    second = seeded_service.answer(QUESTIONS[0], backend="extractive").to_dict()
    assert first["answer"] == second["answer"] and first["citations"] == second["citations"]
