from qa.answering.candidates import Candidate
from qa.answering.verify import answers_question, verify
from qa.answering.write import Claim
from qa.config import AnswerPolicy
from qa.types import Passage

P = Passage(
    1,
    "a",
    "Russia has gathered around 100,000 troops along its border with Ukraine. Talks began in Geneva.",
    {"source": "a.txt", "publisher": "AP"},
)
TROOPS = Candidate(1, "Russia has gathered around 100,000 troops along its border with Ukraine.", P, 0.9)
LEXICAL = AnswerPolicy(verifier="lexical")
JUDGE = AnswerPolicy(verifier="judge", min_entailment=0.5)


def check(text: str, policy=LEXICAL, judge=None):
    return verify([Claim(text, (1,))], [TROOPS], policy, judge)[0]


def test_a_supported_sentence_is_kept():
    assert check("Russia has about 100,000 troops along the border with Ukraine.").kept


def test_a_number_the_evidence_does_not_have_is_never_kept_whatever_the_judge_says():
    verdict = check("Russia has gathered 200,000 troops along its border.", JUDGE, judge=lambda e, c, q: 0.99)
    assert not verdict.kept and "200000" in verdict.reason


def test_an_invented_name_is_never_kept():
    assert not check("Emmanuel Macron says Russia has 100,000 troops along the border.").kept


def test_the_judge_decides_relations_words_cannot_see():
    text = "Ukraine has gathered 100,000 troops along its border with Russia."  # same words, wrong relation
    assert check(text).kept  # word overlap cannot see who did what
    assert not check(text, JUDGE, judge=lambda evidence, claim, question: 0.1).kept
    assert check(text, JUDGE, judge=lambda evidence, claim, question: 0.9).kept


def test_the_judge_is_given_the_evidence_the_claim_and_the_question():
    seen = []
    verify(
        [Claim("Russia has 100,000 troops.", (1,))],
        [TROOPS],
        JUDGE,
        lambda e, c, q: seen.append((e, c, q)) or 1.0,
        "How many troops?",
    )
    assert seen == [([TROOPS.sentence], "Russia has 100,000 troops.", "How many troops?")]


def test_an_answer_must_say_more_than_the_question_and_be_of_the_asked_kind():
    assert answers_question("Has Russia gathered troops along its border?", "Russia has gathered troops [1].")
    assert answers_question("How many troops has Russia gathered?", "Russia has gathered troops [1].")
    assert answers_question("How many troops?", "Russia has 100,000 troops [1].") is None


def test_a_chosen_sentence_is_cited_only_when_it_carries_a_fair_share_of_the_claim():
    moved = Candidate(2, "Russia has moved troops along its border with Ukraine, officials said.", P, 0.5)
    claim = Claim("Russia has gathered around 100,000 troops along its border with Ukraine.", (1, 2))
    # `moved` holds 7 of the claim's 11 words, TROOPS all 11: a half share cites both, 0.7 only TROOPS
    assert verify([claim], [TROOPS, moved], AnswerPolicy(verifier="lexical", cite_share=0.5), None)[0].claim.ids == (
        1,
        2,
    )
    assert verify([claim], [TROOPS, moved], AnswerPolicy(verifier="lexical", cite_share=0.7), None)[0].claim.ids == (1,)
