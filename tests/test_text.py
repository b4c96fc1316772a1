import pytest

from qa.text import fits_answer_type, name_phrases, names, numbers, sentences


@pytest.mark.parametrize(
    "sentence, fits",
    [
        ("The hosts served fondue to the twelve visiting ministers.", True),
        ("Some 100,000 troops are massed at the border.", True),
        ("Forty-two delegates attended.", True),
        ("Dozens of reporters waited outside.", True),
        ("The ministers enjoyed the fondue.", False),
        ("Nobody said anything [3].", False),  # a citation marker is not a number
    ],
)
def test_how_many_answers_need_a_quantity(sentence, fits):
    assert fits_answer_type("How many ministers were there?", sentence) is fits


def test_who_and_when_answers_need_a_name_and_a_time():
    assert fits_answer_type("Who led the talks?", "Wendy Sherman led them.")
    assert not fits_answer_type("Who led the talks?", "the deputy led them.")
    assert fits_answer_type("When did they meet?", "They met on Monday.")
    assert not fits_answer_type("When did they meet?", "They met in Geneva.")


def test_sentences_do_not_split_after_abbreviations_and_numbers_drop_commas():
    assert sentences("Gen. Fomin spoke. U.S. officials listened.") == ["Gen. Fomin spoke.", "U.S. officials listened."]
    assert numbers("about 100,000 troops and 2.5 years") == {"100000", "2.5"}


def test_name_words_one_space_apart_are_one_name():
    text = "Yesterday the Austrian writer Peter Handke met Sergei Ryabkov, and then Lavrov in Geneva."
    assert name_phrases(text) == [("austrian",), ("peter", "handke"), ("sergei", "ryabkov"), ("lavrov",), ("geneva",)]
    assert names(text) == {"austrian", "peter", "handke", "sergei", "ryabkov", "lavrov", "geneva"}
