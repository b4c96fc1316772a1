"""Broad answers end to end on a real store: the points, their order, their grouping, streamed line by line."""

import pytest

from qa.chain import Token
from qa.types import Answer
from tests.conftest import make_settings

ARTICLES = {
    "gazette.md": """---
title: Tamsin bridge opens to traffic
publisher: Harbour Gazette
published: 2023-05-02
---
The new Tamsin bridge opened to traffic on Monday, May 1, after three years of work.
Engineers finished testing the Tamsin bridge deck on April 20.
Commuters crossing the Tamsin bridge from the east bank will save about twenty minutes a day.
""",
    "courier.md": """---
title: A new crossing for the Tamsin
publisher: Valley Courier
published: 2023-05-03
---
The Tamsin bridge project was approved by the regional council on 14 March 2020.
Drivers queued before dawn to be among the first across the new Tamsin bridge.
The old Tamsin ferry service will stop at the end of the month, the ferry company said.
""",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from qa.service import Service

    tmp = tmp_path_factory.mktemp("broad")
    (tmp / "articles").mkdir()
    for name, text in ARTICLES.items():
        (tmp / "articles" / name).write_text(text)
    service = Service(make_settings(tmp))
    service.ingest([tmp / "articles"], show_progress=False)
    return service


def test_a_timeline_orders_its_lines_by_the_dates_the_sentences_state_and_streams_them_checked(service):
    events = list(service.stream("Give me the history of the Tamsin bridge.", kind="timeline", backend="extractive"))
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.refused
    lines = answer.answer.splitlines()
    assert lines[:3] == [
        "- 14 March 2020: The Tamsin bridge project was approved by the regional council on 14 March 2020 [1].",
        "- 20 April 2023: Engineers finished testing the Tamsin bridge deck on April 20 [2].",
        "- 1 May 2023: The new Tamsin bridge opened to traffic on Monday, May 1, after three years of work [3].",
    ]
    assert [c.quote for c in answer.citations[:3]] == [
        line.split(": ", 1)[1].rsplit(" [", 1)[0] + "." for line in lines[:3]
    ]
    streamed = [e for e in events if isinstance(e, Token)]
    assert streamed and all(t.checked for t in streamed) and len(streamed) == len(lines)
    assert answer.debug["kind"] == {"kind": "timeline", "how": "asked", "probabilities": {}}


def test_a_comparison_groups_its_lines_under_each_outlet(service):
    answer = service.answer("What do the reports say about the Tamsin bridge?", kind="comparison", backend="extractive")
    lines = answer.answer.splitlines()
    headings = [line for line in lines if line.startswith("**")]
    assert sorted(headings) == ["**Harbour Gazette**", "**Valley Courier**"]
    below = lines.index("**Valley Courier**")
    courier = {c.n for c in answer.citations if c.publisher == "Valley Courier"}
    for line in lines[below + 1 :]:
        if line.startswith("**"):
            break
        assert int(line.rsplit("[", 1)[1].split("]")[0]) in courier


def test_without_a_model_to_ask_a_question_is_a_fact_and_an_unknown_kind_is_refused_clearly(service):
    answer = service.answer("When did the Tamsin bridge open?", backend="extractive")
    assert answer.debug["kind"]["how"] == "default" and "\n" not in answer.answer
    from qa.chain import QuestionError

    with pytest.raises(QuestionError, match="kind 'poem'"):
        service.answer("When did the Tamsin bridge open?", kind="poem", backend="extractive")


@pytest.mark.llm
def test_the_local_model_writes_lines_that_each_pass_verification_and_reads_a_kind_per_question(seeded_service):
    policy = seeded_service.settings.policy
    quoted = policy.broad
    policy.broad = quoted.model_copy(update={"writer": "model"})
    try:
        answer = seeded_service.answer(
            "Summarize what the articles report about the Geneva talks.", kind="overview", backend="llamacpp"
        )
    finally:
        policy.broad = quoted
    assert not answer.refused
    lines = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    kept = [v for v in answer.debug["verdicts"] if v["kept"]]
    assert 1 <= len(lines) == len(kept) <= quoted.lines["overview"]
    assert all(line.count("[") == 1 for line in lines)  # one claim, one sentence
    assert [v["claim"].rstrip(".!?") for v in kept] == [line[2:].rsplit(" [", 1)[0] for line in lines]
    probabilities = seeded_service.generator("llamacpp").kind("Give me a timeline of the talks.")
    assert set(probabilities) == {"fact", "parts", "overview", "comparison", "timeline"}
    assert sum(probabilities.values()) == pytest.approx(1.0)
