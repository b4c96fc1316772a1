from qa.library import matching, ordered, page

ARTICLES = [
    {"source": "a.txt", "title": "Talks open in Geneva", "publisher": "AP", "published": "2022-01-10"},
    {"source": "b.txt", "title": "Ferry approved", "publisher": "Courier", "published": "2021-03-04"},
    {"source": "c.txt", "title": "Geneva dinner", "publisher": "AP", "published": "2022-01-09"},
    {"source": "d.txt", "title": None, "publisher": None, "published": None},
]


def test_search_needs_every_word_in_title_publisher_author_or_file():
    assert [s["source"] for s in matching(ARTICLES, "geneva ap")] == ["a.txt", "c.txt"]
    assert [s["source"] for s in matching(ARTICLES, "d.txt")] == ["d.txt"]
    assert matching(ARTICLES, "") == ARTICLES


def test_sorting_keeps_articles_without_the_field_last_in_both_directions():
    assert [s["source"] for s in ordered(ARTICLES, "published")] == ["a.txt", "c.txt", "b.txt", "d.txt"]
    assert [s["source"] for s in ordered(ARTICLES, "published", False)] == ["b.txt", "c.txt", "a.txt", "d.txt"]
    assert [s["source"] for s in ordered(ARTICLES, "title", False)][:3] == ["b.txt", "c.txt", "a.txt"]


def test_a_page_counts_what_matched_not_only_what_it_shows():
    shown = page(ARTICLES, offset=1, limit=2)
    assert shown["total"] == 4 and [s["source"] for s in shown["items"]] == ["c.txt", "b.txt"]
    assert shown["by_publisher"] == {"AP": 2, "Courier": 1, "unknown": 1}
    assert shown["by_month"] == {"2021-03": 1, "2022-01": 2, "undated": 1}
