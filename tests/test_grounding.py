from qa.grounding import REFUSAL, best_support, ground, is_refusal, missing_names
from qa.types import Passage

P1 = Passage(1, "a", "Talks began in Geneva on Monday. Russia has gathered around 100,000 troops along its border "
             "with Ukraine. Governments fear an invasion.", {"source": "seeds/a.txt", "title": "A"})
P2 = Passage(2, "b", "On the Russian side, the talks are headed by Deputy Foreign Minister Sergei Ryabkov. "
             "He expects a complicated discussion.", {"source": "seeds/b.txt", "title": "B", "published": "2022-01-10"})


def test_markers_become_citations_with_verbatim_quotes():
    out = ground("Russia has about 100,000 troops along the border with Ukraine [1]. Sergei Ryabkov heads "
                 "the Russian side [2].", [P1, P2])
    assert not out.refused
    assert [c.n for c in out.citations] == [1, 2]
    assert out.citations[0].quote == "Russia has gathered around 100,000 troops along its border with Ukraine."
    assert all(c.quote in p.text for c, p in zip(out.citations, [P1, P2]))
    assert out.citations[1].published == "2022-01-10"


def test_marker_for_a_missing_passage_is_dropped():
    out = ground("Sergei Ryabkov heads the Russian side [7].", [P1, P2])
    assert [c.n for c in out.citations] == [2]  # re-attached to the passage that says it
    assert "[7]" not in out.text


def test_markers_after_the_full_stop_are_understood():
    out = ground("Talks began in Geneva on Monday. [1]", [P1, P2])
    assert out.text == "Talks began in Geneva on Monday [1]."


def test_unsupported_sentence_is_removed():
    out = ground("Talks began in Geneva on Monday [1]. Emmanuel Macron praised the talks in Paris [1].", [P1, P2])
    assert "Macron" not in out.text
    assert out.unsupported and "Macron" in out.unsupported[0]


def test_a_wrong_number_is_not_supported():
    assert best_support("Russia has gathered 200,000 troops", P1.text).score < 0.5
    assert best_support("Russia has gathered 100,000 troops", P1.text).score >= 0.5


def test_nothing_supported_means_refusal():
    out = ground("The summit will be held in Tokyo next spring [1].", [P1, P2])
    assert out.refused and out.text == REFUSAL and out.citations == []


def test_refusal_phrases():
    assert is_refusal("The articles don't say.")
    assert is_refusal("The passages do not mention the duration of the talks.")
    assert not is_refusal("The articles say the talks began Monday.")
    assert ground("The articles don't say.", [P1]).refused


def test_missing_names():
    assert missing_names("What did Emmanuel Macron say?", P1.text) == {"emmanuel", "macron"}
    assert missing_names("What did Ryabkov expect?", P2.text) == set()


def test_an_answer_that_dodges_the_question_is_refused():
    text = "Sergei Ryabkov heads the Russian side of the talks [2]."
    assert not ground(text, [P1, P2], "Which Ukrainian official attended the talks in person?").citations
    assert ground(text, [P1, P2], "Who heads the Russian side of the talks?").citations


def test_how_many_needs_a_number():
    text = "Russia has gathered troops along its border with Ukraine [1]."
    assert ground(text, [P1], "How many troops has Russia gathered?").refused


def test_narration_of_sources_is_stripped():
    out = ground("Passage [2] states that Sergei Ryabkov heads the Russian side. This is stated in Passage [2].",
                 [P1, P2], "Who heads the Russian side?")
    assert out.text == "Sergei Ryabkov heads the Russian side [2]."


def test_side_remarks_unrelated_to_the_question_are_dropped():
    out = ground("Governments fear an invasion [1]. Sergei Ryabkov heads the Russian side [2].", [P1, P2],
                 "Who heads the Russian side?")
    assert out.text == "Sergei Ryabkov heads the Russian side [2]." and [c.n for c in out.citations] == [2]


def test_a_repeated_sentence_is_said_once():
    out = ground("Sergei Ryabkov heads the Russian side [2]. Sergei Ryabkov heads the Russian side [2].", [P1, P2])
    assert out.text == "Sergei Ryabkov heads the Russian side [2]."


def test_an_answer_that_only_echoes_the_question_is_refused():
    assert ground("Russia has gathered troops along its border [1].", [P1],
                  "Has Russia gathered troops along its border?").refused
    assert not ground("Talks began in Geneva on Monday [1].", [P1], "When did the talks begin?").refused



def test_a_demonym_is_mentioned_by_its_country():
    assert missing_names("Which French minister protested?", "Clément Beaune, France’s minister, protested.") == set()
    assert missing_names("Which Chinese official spoke?", "A French official spoke.") == {"chinese"}


def test_a_paraphrased_question_is_answered_when_the_quote_is_close_in_meaning():
    passage = Passage(1, "s", "According to rumours, Stinger anti-aircraft missiles were deployed to Ukraine in "
                      "preparation of a guerilla battle.", {"source": "seeds/s.txt"})
    text = "Stinger anti-aircraft missiles were deployed to Ukraine [1]."
    question = "What kind of missiles were reportedly sent to Ukraine for a guerrilla war?"
    assert ground(text, [passage], question).refused  # too few of the question's words
    assert not ground(text, [passage], question, lambda q, quotes: 0.7).refused
    assert ground(text, [passage], question, lambda q, quotes: 0.4).refused
