from qa.answering.dates import attribute_dates
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
