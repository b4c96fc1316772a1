import json
import shutil

import pytest

from qa.answering.kind_model import FOLDER, KindModel, KindModelError, kind_model
from qa.answering.kinds import KINDS


def test_the_shipped_model_gives_a_probability_per_kind():
    model = kind_model()
    p = model.probabilities("Who won the Iowa caucuses?")
    assert set(p) == set(KINDS) and sum(p.values()) == pytest.approx(1.0)
    assert kind_model() is model  # loaded once per process


def test_altered_or_missing_weights_are_a_clear_error(tmp_path):
    folder = tmp_path / "question-kind"
    shutil.copytree(FOLDER, folder)
    weights = folder / json.loads((folder / "manifest.json").read_text())["weights"]
    weights.write_text(weights.read_text().replace("0", "1", 1))
    with pytest.raises(KindModelError, match="sha256"):
        KindModel(folder)
    weights.unlink()
    with pytest.raises(KindModelError, match="restore the folder"):
        KindModel(folder)
