"""Settings: the number of passages follows the backend unless QA_TOP_K is set."""

from qa.config import Settings


def test_each_backend_gets_its_own_number_of_passages_unless_top_k_is_set(monkeypatch):
    monkeypatch.delenv("QA_TOP_K", raising=False)
    settings = Settings(backend="extractive")
    assert settings.passages("llamacpp") == settings.policy.passages["llamacpp"] == 8
    assert settings.passages("extractive") == settings.passages() == 5  # not listed: QA_TOP_K's default
    monkeypatch.setenv("QA_TOP_K", "3")
    assert Settings().passages("llamacpp") == Settings().passages("extractive") == 3
