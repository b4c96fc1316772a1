"""Candidate sentences on the real seed store: the best ones, best first, each listed once."""

from qa.answering.candidates import candidates
from qa.llm.prompts import numbered
from qa.types import Passage

QUESTION = "Who led the Russian delegation at the Geneva talks?"


def test_the_best_sentences_are_kept_best_first_and_numbered_one_to_n(seeded_service):
    passages = seeded_service.retriever.retrieve(QUESTION, k=5)
    chosen = candidates(QUESTION, passages, seeded_service.scorer, 8)
    assert [c.id for c in chosen] == list(range(1, len(chosen) + 1))
    assert [c.score for c in chosen] == sorted((c.score for c in chosen), reverse=True)
    every = sorted(seeded_service.scorer.score(QUESTION, passages), key=lambda s: -s.score)
    unique = list(dict.fromkeys(" ".join(s.sentence.lower().split()) for s in every))
    assert [" ".join(c.sentence.lower().split()) for c in chosen] == unique[: len(chosen)]


def test_a_sentence_in_two_passages_is_listed_once(seeded_service):
    text = "Sergei Ryabkov led the Russian delegation. The talks lasted eight hours."
    twice = [Passage(1, "a", text, {"source": "a.txt"}), Passage(2, "b", text, {"source": "b.txt"})]
    chosen = candidates(QUESTION, twice, seeded_service.scorer, 10)
    assert len(chosen) == 2 and len({c.sentence for c in chosen}) == 2


def test_the_prompt_lists_each_candidate_with_its_number_publisher_and_date(seeded_service):
    passages = seeded_service.retriever.retrieve(QUESTION, k=5)
    chosen = candidates(QUESTION, passages, seeded_service.scorer, 8)
    listing = numbered(chosen).splitlines()
    assert len(listing) == len(chosen)
    for line, c in zip(listing, chosen):
        assert line.startswith(f"[{c.id}] ") and line.endswith(c.sentence)
        for shown in ("publisher", "published"):
            if c.passage.metadata.get(shown):
                assert str(c.passage.metadata[shown]) in line


def test_no_candidate_stating_an_answer_is_a_refusal_only_under_a_floor():
    from qa.answering.candidates import Candidate
    from qa.answering.evidence import unstated_reason

    passage = Passage(1, "a", "x", {"source": "a.txt"})
    found = [Candidate(1, "One.", passage, 0.9, 0.12), Candidate(2, "Two.", passage, 0.8, 0.31)]
    assert "best P 0.31 < 0.4" in unstated_reason(found, 0.4)
    assert unstated_reason(found, 0.3) is None
    assert unstated_reason(found, 0.0) is None  # no floor set: the model never refuses
    assert unstated_reason([Candidate(1, "One.", passage, 0.9)], 0.4) is None  # no model scores
