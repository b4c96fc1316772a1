from datetime import date

from qa.answering.timeline import Dated, nearest, stated_date


def test_a_day_and_month_are_read_with_the_articles_year():
    found = stated_date("The NATO-Russia Council meets in Brussels on Wednesday, January 12.", "2022-01-10")
    assert found == Dated(date(2022, 1, 12), True)
    assert stated_date("The treaty was signed on 8 December 1987.", "2022-01-10") == Dated(date(1987, 12, 8), True)


def test_a_weekday_alone_is_the_one_nearest_the_articles_date():
    assert stated_date("The OSCE meets in Vienna on Thursday.", "2022-01-11") == Dated(date(2022, 1, 13), True)
    assert stated_date("A dinner on Sunday opened the talks.", "2022-01-11") == Dated(date(2022, 1, 9), True)
    assert nearest(date(2022, 1, 10), 0) == date(2022, 1, 10)


def test_words_and_numbers_that_are_not_dates_fall_back_to_the_articles_date():
    for sentence in ("He said it may take 10 days.", "In 2019 the US left the treaty.", "Status: 10.01.2022 3:50 AM."):
        assert stated_date(sentence, "2022-01-11") == Dated(date(2022, 1, 11), False), sentence
    assert stated_date("He said it may take 10 days.", None) is None
