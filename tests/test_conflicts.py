from qa.conflicts import DIFFER, add_other_version
from qa.focus import SentenceScorer
from qa.grounding import Grounded
from qa.types import Citation, Passage

A = Passage(1, "a", "Officials said 100,000 troops are massed at the border.", {"source": "a.txt", "publisher": "AP"})
B = Passage(2, "b", "Officials said 130,000 troops are massed at the border.", {"source": "b.txt", "publisher": "BNN"})
C = Passage(3, "c", "Officials said 100,000 troops are massed at the border now.", {"source": "c.txt"})


def answer_from(passage: Passage) -> Grounded:
    quote = passage.text
    return Grounded(f"{quote[:-1]} [{passage.n}].", [Citation(passage.n, passage.source, None, None, quote)], False)


def test_another_figure_in_an_uncited_article_is_added_with_its_citation(seeded_service):
    scorer = SentenceScorer(seeded_service.embeddings)
    grounded, differ = add_other_version("How many troops are massed at the border?", answer_from(A), [A, B], scorer)
    assert differ and "The articles differ: BNN reports “Officials said 130,000" in grounded.text
    assert [c.source for c in grounded.citations] == ["a.txt", "b.txt"]


def test_the_same_figure_elsewhere_is_agreement(seeded_service):
    scorer = SentenceScorer(seeded_service.embeddings)
    grounded, differ = add_other_version("How many troops are massed at the border?", answer_from(A), [A, C], scorer)
    assert not differ and grounded.text == answer_from(A).text


def test_only_quantity_questions_are_checked(seeded_service):
    scorer = SentenceScorer(seeded_service.embeddings)
    _, differ = add_other_version("What did officials say about the border?", answer_from(A), [A, B], scorer)
    assert not differ


def test_an_answer_already_citing_both_figures_is_marked_as_differing(seeded_service):
    both = Grounded("100,000 troops [1]. 130,000 troops [2].", [Citation(1, "a.txt", None, None, A.text),
                                                                  Citation(2, "b.txt", None, None, B.text)], False)
    grounded, differ = add_other_version("How many troops are there?", both, [A, B], SentenceScorer(None))
    assert differ and grounded.text.endswith(DIFFER)
