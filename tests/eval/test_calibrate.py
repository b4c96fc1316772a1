from qa.eval.calibrate import at_floor, figures, fit, fit_pooled


def record(kind: str, correct_if_answered: bool, confidence: float, refused: bool = False) -> dict:
    answerable = kind != "unanswerable"
    correct = (not refused and correct_if_answered) if answerable else refused
    return {
        "id": f"{kind}{confidence}",
        "type": kind,
        "refused": refused,
        "correct": correct,
        "confidence": confidence,
        "both_versions": False,
        "citations": 1,
        "cited_gold": 1,
        "quotes_supported": 1,
        "conflict": False,
        "recall": 1.0,
        "rr": 1.0,
        "cited_recall": 1.0,
        "first_token": 1.0,
        "total": 1.0,
    }


DEV = [
    record("single", True, 0.9),
    record("single", True, 0.8),
    record("single", False, 0.4),
    record("unanswerable", False, 0.3),
    record("unanswerable", False, 0.7),
]


def test_raising_the_floor_turns_low_confidence_answers_into_refusals():
    rows = at_floor(DEV, 0.5)
    assert [r["refused"] for r in rows] == [False, False, True, True, False]
    assert [r["correct"] for r in rows] == [True, True, False, True, False]
    assert figures(DEV, 0.0)["accuracy"] == 0.4 and figures(DEV, 0.5)["accuracy"] == 0.6


def test_the_fitted_floor_lies_between_observed_confidences_and_is_reported_on_test():
    fitted = fit(DEV, [record("single", True, 0.6), record("unanswerable", False, 0.35)])
    assert fitted["floor"] == 0.75  # refuses 0.7, 0.4 and 0.3; keeps 0.8 and 0.9; never sits on an answer
    assert fitted["dev"]["accuracy"] == 0.8
    assert fitted["test"]["refusal_accuracy"] == 1.0 and fitted["test"]["false_refusal_rate"] == 1.0
    assert set(fitted) >= {"dev_at_zero", "test_at_zero", "curve"}


def test_a_floor_that_does_not_improve_dev_is_not_kept():
    dev = [record("single", True, 0.9), record("single", True, 0.5), record("unanswerable", False, 0.3, True)]
    assert fit(dev, [])["floor"] == 0.0  # 0.7 scores the same on dev but would refuse for nothing


def test_pooled_runs_share_one_floor_and_each_reports_its_test_half():
    def run(rows: list[dict]) -> dict:
        return {"records": [{**r, "split": split} for r, split in rows]}

    seeds = run([(record("single", True, 0.9), "dev"), (record("single", True, 0.8), "test")])
    news = run([(record("unanswerable", False, 0.4), "dev"), (record("unanswerable", False, 0.3), "test")])
    fitted = fit_pooled({"seeds": seeds, "news": news})
    assert 0.4 < fitted["floor"] < 0.9  # refuses the news guess, keeps the seed answer
    assert fitted["runs"]["news"]["test"]["refusal_accuracy"] == 1.0
    assert fitted["runs"]["seeds"]["test"]["answer_accuracy"] == 1.0
