from qa.answering.candidates import Candidate
from qa.answering.write import claims, extractive
from qa.types import Passage

P = Passage(1, "a", "x", {"source": "a.txt"})
C3 = Candidate(3, "Sergei Ryabkov heads the Russian side.", P, 0.8)
C5 = Candidate(5, "Russia has gathered around 100,000 troops.", P, 0.7)


def test_markers_name_the_chosen_evidence():
    found = claims("Sergei Ryabkov heads the Russian side [3]. Russia has 100,000 troops [5].", [C3, C5])
    assert [(c.text, c.ids) for c in found] == [
        ("Sergei Ryabkov heads the Russian side.", (3,)),
        ("Russia has 100,000 troops.", (5,)),
    ]


def test_markers_after_the_full_stop_are_understood():
    assert claims("Ryabkov heads the Russian side. [3]", [C3, C5])[0].ids == (3,)


def test_a_sentence_without_a_marker_rests_on_all_the_chosen_evidence():
    assert claims("Ryabkov heads the Russian side.", [C3, C5])[0].ids == (3, 5)


def test_a_marker_for_a_sentence_that_was_not_chosen_is_ignored():
    assert claims("Ryabkov heads the Russian side [7].", [C3])[0].ids == (3,)


def test_narration_is_stripped_and_repeats_are_said_once():
    found = claims(
        "Sentence 3 states that Ryabkov heads the Russian side [3]. Ryabkov heads the Russian side [3].", [C3]
    )
    assert [c.text for c in found] == ["Ryabkov heads the Russian side."]


def test_the_extractive_answer_is_the_chosen_sentences_verbatim():
    assert extractive([C3, C5]) == f"{C3.sentence} [3] {C5.sentence} [5]"
