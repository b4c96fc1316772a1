"""Candidate sentences on the real seed store: the best ones, best first, each listed once."""

from qa.answering.candidates import Freshness, candidates
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


def _dated(n: int, text: str, published: str | None) -> Passage:
    return Passage(n, f"p{n}", text, {"source": f"{n}.txt", **({"published": published} if published else {})})


def test_a_question_about_now_ranks_the_fresh_articles_sentence_ahead_of_an_old_one(seeded_service):
    question = "Who leads the Russian delegation?"
    old = _dated(1, "Sergei Ryabkov leads the Russian delegation to the talks.", "2019-03-01")
    new = _dated(2, "The Russian delegation is led by a deputy foreign minister this time.", "2022-01-09")
    undated = _dated(3, "The weather in Geneva was cold that week.", None)
    plain = candidates(question, [old, new, undated], seeded_service.scorer, 3)
    assert [c.passage for c in plain] == [old, new, undated]  # by meaning and words alone
    fresh = Freshness("2022-01-10", days=30, bonus=1.0)
    ranked = candidates(question, [old, new, undated], seeded_service.scorer, 3, fresh)
    assert [c.passage for c in ranked] == [new, old, undated] and [c.id for c in ranked] == [1, 2, 3]
    assert ranked[0].score == plain[1].score + 1.0 and ranked[1].score == plain[0].score


def test_freshness_counts_only_articles_published_within_its_days_before_now():
    fresh = Freshness("2024-01-19", days=30, bonus=0.2)
    assert fresh(_dated(1, "x", "2024-01-19")) == fresh(_dated(1, "x", "2023-12-20")) == 0.2
    assert fresh(_dated(1, "x", "2023-12-19")) == 0.0  # 31 days old
    assert fresh(_dated(1, "x", "2024-01-20")) == 0.0  # after now: not evidence of "now" (as_of filters it anyway)
    assert fresh(_dated(1, "x", None)) == fresh(_dated(1, "x", "January 2024")) == 0.0
