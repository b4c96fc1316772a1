from qa.eval.calibrate import at_floor, figures, fit


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


def test_the_fitted_floor_is_the_middle_of_the_best_dev_plateau_and_is_reported_on_test():
    fitted = fit(DEV, [record("single", True, 0.6), record("unanswerable", False, 0.35)])
    assert 0.7 < fitted["floor"] <= 0.8  # refuses 0.7, 0.4 and 0.3; keeps 0.8 and 0.9
    assert fitted["dev"]["accuracy"] == 0.8
    assert fitted["test"]["refusal_accuracy"] == 1.0 and fitted["test"]["false_refusal_rate"] == 1.0
    assert set(fitted) >= {"dev_at_zero", "test_at_zero", "curve"}
