import pytest

from qa.answering.candidates import Candidate
from qa.answering.versions import DIFFER, Versions, differ, versions, with_versions
from qa.types import Passage


def candidate(i: int, sentence: str, source: str, score: float = 0.8, publisher: str = "AP") -> Candidate:
    return Candidate(i, sentence, Passage(i, source, sentence, {"source": source, "publisher": publisher}), score)


A = candidate(1, "Officials said 100,000 troops are massed at the border.", "a.txt")
B = candidate(2, "Officials said 130,000 troops are massed at the border.", "b.txt", publisher="BNN")
C = candidate(3, "Officials said 100,000 troops are massed at the border now.", "c.txt")
Q = "How many troops are massed at the border?"


def test_other_figures_or_other_names_differ_shared_ones_agree():
    assert differ(A.sentence, B.sentence, Q, 0.5)
    assert not differ(A.sentence, C.sentence, Q, 0.5)
    assert differ(
        "The 2020 year-end No 1 was Ashleigh Barty.",
        "The 2020 year-end No 1 was Angelique Kerber.",
        "Who was the year-end No 1 in 2020?",
        0.5,
    )
    assert not differ("Sergei Ryabkov led the delegation.", "Ryabkov, a deputy minister, led it.", "Who led it?", 0.5)


def test_a_figure_each_lacks_is_a_second_version_an_extra_figure_is_not():
    q = "When was the iPhone 11 released?"
    assert differ("It was released on September 20, 2019.", "It was released on September 21, 2021.", q, 0.5)
    assert differ(
        "Preorders began September 13, 2019 and it was released September 20, 2019.",
        "Preorders began September 13, 2019 and it was released September 21, 2021.",
        q,
        0.5,
    )
    assert not differ("It was released on September 20, 2019.", "It was released on September 20, 2019, at 9.", q, 0.5)


def test_two_different_facts_are_not_two_versions():
    assert not differ(
        "Chloé Zhao was named Director of the Year for Nomadland.",
        "The Palm Springs festival offers a chance to view the Oscar films.",
        "Who was named?",
        0.5,
    )


def test_a_chosen_sentence_from_another_article_with_another_figure_is_the_second_version():
    found = versions(Q, [A], [A, B], 0.5)
    assert found.differ and found.other == B
    text = with_versions("100,000 troops are massed [1].", found, [A, B])
    assert text.endswith(
        "The articles differ: BNN reports “Officials said 130,000 troops are massed at the border.” [2]."
    )


def test_agreeing_evidence_is_no_conflict():
    assert versions(Q, [A], [A, C], 0.5) == Versions(False)


def test_a_written_answer_citing_two_versions_quotes_each_with_its_own_citation():
    found = versions(Q, [A, B], [A, B], 0.5)
    assert found.differ and found.other is None and found.pair == (A, B)
    assert with_versions("About 100,000 troops are massed [1][2].", found, [A, B]) == (
        "About 100,000 troops are massed [1][2]. The articles differ: AP reports “" + A.sentence + "” [1]; "
        "BNN reports “" + B.sentence + "” [2]."
    )


def test_an_answer_that_already_quotes_both_versions_only_says_they_differ():
    found = versions(Q, [A, B], [A, B], 0.5)
    assert with_versions(f"{A.sentence} [1] {B.sentence} [2]", found, [A, B]).endswith(DIFFER)


def test_two_versions_naming_different_people_differ_though_they_share_other_names():
    nadal = "Rafael Nadal has clinched the year-end No. 1 ATP Ranking at the Nitto ATP Finals."
    djokovic = "Novak Djokovic has clinched the year-end No. 1 ATP Ranking at the Nitto ATP Finals."
    assert differ(nadal, djokovic, "Who was the men's year-end No 1 in 2019?", 0.5)
    assert not differ(nadal, nadal.replace("Rafael Nadal", "Nadal"), "Who was the year-end No 1?", 0.5)


@pytest.mark.parametrize(
    ("sentence", "name", "other"),
    [
        # figures that agree do not hide names that differ
        (
            "Meeting in Geneva, the Acme Trust board elected Maria Lopez as its chair on 3 March 2015.",
            "Maria Lopez",
            "John Smith",
        ),
        # a name of two words counts once against the names the sentences share ("Austrian")
        (
            "The prize was awarded to the Austrian writer Abdulrazak Gurnah for an influential work.",
            "Abdulrazak Gurnah",
            "Peter Handke",
        ),
    ],
)
def test_another_name_in_the_same_statement_is_another_version(sentence, name, other):
    assert differ(sentence, sentence.replace(name, other), "Who was chosen?", 0.5)
    assert not differ(sentence, sentence.replace(name, name.split()[-1]), "Who was chosen?", 0.5)
    assert not differ(sentence, sentence.replace(name, f"{name}, born in East Africa,"), "Who was chosen?", 0.5)
