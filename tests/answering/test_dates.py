from qa.answering.dates import about_present, as_of_note, attribute_dates
from qa.types import Citation


def cite(n, source, published="2022-01-10", publisher="News 1st"):
    return Citation(n, source, "T", published, "q", publisher)


def test_a_relative_day_gets_the_publisher_and_date_once_per_article():
    text = "Talks begin on Monday in Geneva [1]. They continue on Tuesday [1]. NATO meets on Wednesday [2]."
    out = attribute_dates(text, [cite(1, "a.txt"), cite(2, "b.txt", "2022-01-11", None)])
    assert out == (
        "According to News 1st (10 January 2022): Talks begin on Monday in Geneva [1]. "
        "They continue on Tuesday [1]. According to the article (11 January 2022): NATO meets on "
        "Wednesday [2]."
    )


def test_sentences_without_relative_dates_or_without_a_dated_citation_are_untouched():
    text = "Russia has 100,000 troops near Ukraine [1]. Talks begin on Monday [2]."
    assert attribute_dates(text, [cite(1, "a.txt"), cite(2, "b.txt", None)]) == text


def test_an_answer_about_now_says_as_of_when_and_how_old_its_evidence_is():
    fresh = as_of_note("Ryabkov leads [1].", [cite(1, "a.txt")], "2022-01-12", 30)
    assert fresh == "As of 10 January 2022, according to News 1st: Ryabkov leads [1]."
    old = as_of_note("Ryabkov leads [1].", [cite(1, "a.txt")], "2022-06-30", 30)
    assert old.endswith("(That was reported 5 months before 30 June 2022.)")
    assert as_of_note("Undated [1].", [cite(1, "a.txt", None)], "2022-06-30", 30) == "Undated [1]."


def test_questions_about_now_are_told_apart_by_whole_phrases():
    words = ("this week", "now", "currently")
    assert about_present("Who is currently leading the talks?", words)
    assert about_present("What happened this week in Geneva?", words)
    assert not about_present("What did Ryabkov know about the talks?", words)  # "know" is not "now"
