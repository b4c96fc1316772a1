from qa.eval.dataset import Question
from qa.eval.metrics import aggregate, contains_any, normalise, score

TEXT = {"seeds/a.txt": "Russia has gathered around 100,000 troops. Talks began Monday."}
SINGLE = Question("q1", "single", "How many troops?", accept=("100,000",), sources=("a.txt",))
CONFLICT = Question("q2", "conflict", "Gun or pistol?", accept=("gun",), accept_other=("pistol",), sources=("a.txt",))
NONE = Question("q3", "unanswerable", "Who won the cup?")


def answer(text, refused=False, citations=(), passages=("seeds/b.txt", "seeds/a.txt")):
    return {
        "answer": text,
        "refused": refused,
        "citations": list(citations),
        "timings": {"first_token": 1.0, "total": 2.0},
        "debug": {"passages": [{"source": s} for s in passages]},
    }


def cite(source, quote):
    return {"n": 1, "source": source, "title": None, "published": None, "quote": quote}


def test_normalise_and_accept():
    assert normalise("  Russia’s  “100,000” troops! ") == "russia s 100 000 troops"
    assert contains_any("About 100,000 troops [1].", ("100,000",))
    assert not contains_any("About 10,000 troops.", ("100,000",))
    assert contains_any("He said GUN.", ("gun",)) and not contains_any("begun", ("gun",))


def test_score_of_a_correct_cited_answer():
    record = score(
        SINGLE, answer("Around 100,000 troops [1].", citations=[cite("seeds/a.txt", "Talks began Monday.")]), TEXT.get
    )
    assert record["correct"] and record["recall"] == 1.0 and record["rr"] == 0.5
    assert record["cited_gold"] == 1 and record["quotes_supported"] == 1


def test_unsupported_quote_and_wrong_source_are_counted():
    record = score(SINGLE, answer("100,000 [1].", citations=[cite("seeds/a.txt", "Not in the text.")]), TEXT.get)
    assert record["quotes_supported"] == 0
    other = score(SINGLE, answer("100,000 [1].", citations=[cite("seeds/b.txt", "x")]), lambda s: "")
    assert other["cited_gold"] == 0


def test_refusals_and_conflicts():
    assert score(NONE, answer("The articles don't say.", refused=True), TEXT.get)["correct"]
    assert not score(NONE, answer("Brazil won."), TEXT.get)["correct"]
    assert not score(SINGLE, answer("100,000", refused=True), TEXT.get)["correct"]
    both = score(CONFLICT, answer("One says a gun [1], another a pistol [2]."), TEXT.get)
    one = score(CONFLICT, answer("A gun [1]."), TEXT.get)
    assert both["both_versions"] and one["correct"] and not one["both_versions"]


def test_aggregate():
    records = [
        score(SINGLE, answer("100,000 [1]", citations=[cite("seeds/a.txt", "Talks began Monday.")]), TEXT.get),
        score(NONE, answer("The articles don't say.", refused=True), TEXT.get),
        score(SINGLE, answer("The articles don't say.", refused=True), TEXT.get),
    ]
    metrics = aggregate(records)
    assert metrics["questions"] == 3
    assert metrics["refusal_accuracy"] == 1.0 and metrics["false_refusal_rate"] == 0.5
    assert metrics["accuracy_by_type"] == {"single": 0.5, "unanswerable": 1.0}
    assert metrics["quote_support"] == 1.0 and metrics["citation_precision"] == 1.0


def test_hit_counts_a_question_once_its_answer_bearing_article_is_retrieved():
    many = Question("q4", "single", "How many?", accept=("100,000",), sources=("a.txt", "c.txt", "d.txt", "e.txt"))
    found = score(many, answer("100,000"), TEXT.get)
    missed = score(many, answer("100,000", passages=("seeds/b.txt",)), TEXT.get)
    assert found["recall"] == 0.25 and found["hit"] is True and missed["hit"] is False
    assert aggregate([found, missed])["hit_at_k"] == 0.5


def test_candidate_recall_finds_the_evidence_among_the_candidates_or_says_it_was_never_reached():
    stated = Question("q4", "single", "How many troops?", accept=("100,000",), evidence="around 100,000 troops")
    reached = answer("100,000 [1].") | {
        "debug": {"passages": [], "candidates": [{"sentence": "Russia has gathered around 100,000 troops."}]}
    }
    missed = answer("100,000 [1].") | {"debug": {"passages": [], "candidates": [{"sentence": "Talks began."}]}}
    assert score(stated, reached, TEXT.get)["candidate_hit"] is True
    assert score(stated, missed, TEXT.get)["candidate_hit"] is False
    assert score(stated, answer("x", refused=True), TEXT.get)["candidate_hit"] is None  # refused before candidates
    assert score(SINGLE, reached, TEXT.get)["candidate_hit"] is None  # no evidence to look for
    records = [score(stated, reached, TEXT.get), score(stated, missed, TEXT.get)]
    assert aggregate(records)["candidate_recall"] == 0.5


def test_rows_are_counted_by_reader_label():
    from dataclasses import replace

    states = replace(SINGLE, reader="states")
    off = replace(NONE, reader="off_topic")
    records = [
        score(states, answer("100,000 troops"), TEXT.get),
        score(states, answer("x", refused=True), TEXT.get),
        score(off, answer("x", refused=True), TEXT.get),
    ]
    by_reader = aggregate(records)["by_reader"]
    assert by_reader["states"] == {"rows": 2, "correct": 0.5, "refused": 0.5}
    assert by_reader["off_topic"] == {"rows": 1, "correct": 1.0, "refused": 1.0}
