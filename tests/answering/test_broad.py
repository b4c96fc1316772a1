from datetime import date

import numpy as np
import pytest

from qa.answering.broad import Line, compose, in_time_order, points
from qa.answering.candidates import Candidate
from qa.answering.kinds import FACT, decide, named
from qa.answering.timeline import Dated
from qa.config import BroadPolicy
from qa.types import Passage


def candidate(i: int, sentence: str, score: float, publisher: str = "AP", published: str = "2022-01-10") -> Candidate:
    metadata = {"source": f"{publisher}.txt", "publisher": publisher, "published": published}
    return Candidate(i, sentence, Passage(i, f"{publisher}{i}", sentence, metadata), score)


def unit(*rows) -> np.ndarray:
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_points_skip_a_sentence_saying_what_a_chosen_one_says_and_prefer_new_content():
    found = [
        candidate(1, "Sherman led the US side.", 0.9),
        candidate(2, "The US side was led by Sherman.", 0.88),  # the same meaning
        candidate(3, "Ryabkov led the Russian side.", 0.7),
        candidate(4, "Talks continue in Vienna.", 0.2),  # below half the best's relevance
    ]
    vectors = unit([1, 0, 0], [0.99, 0.05, 0], [0.3, 1, 0], [0, 0, 1])
    policy = BroadPolicy(min_share=0.5, specificity=0.0)
    chosen = [c.id for c, _ in points("overview", "Who led?", found, vectors, policy)]
    assert chosen == [1, 3]


def test_a_sentence_with_facts_of_its_own_is_worth_more_than_one_repeating_the_question():
    from qa.answering.broad import specific

    question = "What happened at the Geneva talks?"
    assert specific("The talks in Geneva are under way.", question) == 0
    assert specific("Ryabkov called it a complicated discussion with Wendy Sherman on 9 January.", question) == 1.0
    found = [candidate(1, "The talks in Geneva are under way today.", 0.6), candidate(2, "Ryabkov met Sherman.", 0.5)]
    policy = BroadPolicy(specificity=0.5, diversity=1.0)
    assert points("overview", question, found, unit([1, 0], [0, 1]), policy)[0][0].id == 2


def test_a_timeline_takes_dated_sentences_and_orders_them_by_date():
    found = [
        candidate(1, "The OSCE meets in Vienna on Thursday.", 0.9, published="2022-01-11"),
        candidate(2, "A working dinner in Geneva on Sunday opened the week.", 0.8, published="2022-01-11"),
        candidate(3, "NATO and Russia meet in Brussels on Wednesday, January 12.", 0.7, published="2022-01-11"),
        candidate(4, "Tensions have been high for weeks.", 0.85, published="2022-01-11"),
    ]
    chosen = points(
        "timeline", "When?", found, unit([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]), BroadPolicy()
    )
    assert [(c.id, d.day) for c, d in chosen] == [(2, date(2022, 1, 9)), (3, date(2022, 1, 12)), (1, date(2022, 1, 13))]


def test_a_timeline_with_too_few_dated_sentences_fills_up_with_undated_ones_placed_by_their_articles_date():
    found = [
        candidate(1, "The OSCE meets in Vienna on Thursday.", 0.9, published="2022-01-11"),
        candidate(2, "Tensions have been high for weeks.", 0.85, published="2022-01-08"),
        candidate(3, "Diplomats expect little progress.", 0.8, published="2022-01-12"),
    ]
    chosen = points("timeline", "When?", found, unit([1, 0, 0], [0, 1, 0], [0, 0, 1]), BroadPolicy())
    assert [(c.id, d.day, d.stated) for c, d in chosen] == [
        (2, date(2022, 1, 8), False),
        (3, date(2022, 1, 12), False),
        (1, date(2022, 1, 13), True),
    ]


def test_undated_points_go_last_in_their_chosen_order():
    a, b, c = (candidate(i, f"Sentence number {i} here.", 0.5) for i in (1, 2, 3))
    ordered = in_time_order([(a, None), (b, Dated(date(2022, 1, 12), True)), (c, Dated(date(2022, 1, 9), False))])
    assert [p.id for p, _ in ordered] == [3, 2, 1]


def test_lines_are_renumbered_in_order_and_a_comparison_is_grouped_by_outlet():
    ap = candidate(7, "Russia wants NATO to stop expanding.", 0.9, "AP")
    bnn = candidate(3, "The US wants Russia to pull back its troops.", 0.8, "BNN")
    ap2 = candidate(5, "Russia denies planning an invasion.", 0.7, "AP")
    lines = [
        Line("Russia wants NATO to stop expanding", ap, 1.0),
        Line("The US wants a pullback.", bnn, 0.9),
        Line("Russia denies it plans an invasion!", ap2, 0.8),
    ]
    text, cited = compose("comparison", lines)
    assert text.splitlines() == [
        "**AP**",
        "- Russia wants NATO to stop expanding [1].",
        "- Russia denies it plans an invasion [2]!",
        "**BNN**",
        "- The US wants a pullback [3].",
    ]
    assert cited == [ap, ap2, bnn]
    assert compose("overview", lines[:2])[0].splitlines()[0] == "- Russia wants NATO to stop expanding [1]."


def test_a_timeline_line_shows_its_date_and_whether_the_sentence_states_it():
    point = candidate(1, "Talks began on Monday.", 0.9)
    text, _ = compose(
        "timeline",
        [
            Line("Talks began", point, 1.0, Dated(date(2022, 1, 10), True)),
            Line("More talks", point, 1.0, Dated(date(2022, 1, 11), False)),
        ],
    )
    assert text.splitlines() == ["- 10 January 2022: Talks began [1].", "- reported 11 January 2022: More talks [1]."]


def test_the_kind_is_the_most_likely_after_the_fitted_bias_and_a_named_kind_wins():
    p = {"fact": 0.5, "parts": 0.1, "overview": 0.3, "comparison": 0.05, "timeline": 0.05}
    assert decide(p, {}).kind == FACT
    assert decide(p, {"overview": 1.0}).kind == "overview"  # log 0.3 + 1 > log 0.5
    assert decide(None, {"overview": 9}).kind == FACT and decide(None, {}).how == "default"
    assert named("timeline").how == "asked"
    with pytest.raises(ValueError):
        named("poem")
