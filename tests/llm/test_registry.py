"""The backend registry: every reader (settings, API, CLI, chat, queues) sees the same table."""

import pytest

from qa.config import Settings
from qa.llm.base import GeneratorError
from qa.llm.extractive import ExtractiveGenerator
from qa.llm.registry import BACKENDS, Backend, backend, register


def test_each_backend_has_a_label_slots_and_a_model_line():
    settings = Settings()
    for entry in BACKENDS.values():
        assert entry.label and entry.slots(settings) >= 1 and entry.model(settings)


def test_building_a_backend_imports_its_module_and_returns_a_generator():
    generator = backend("extractive").build(Settings())
    assert isinstance(generator, ExtractiveGenerator) and generator.name == "extractive"


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(GeneratorError, match="known: llamacpp, extractive, openai"):
        backend("gpt9")
    with pytest.raises(ValueError, match="unknown backend"):
        Settings(backend="gpt9")


def test_a_registered_backend_is_a_valid_setting_and_builds():
    register(Backend("quoted", "Quotes", "qa.llm.extractive:extractive_generator", lambda s: 2, lambda s: "none"))
    try:
        settings = Settings(backend="quoted")
        assert backend(settings.backend).build(settings).select is not None
        assert backend("quoted").slots(settings) == 2
    finally:
        BACKENDS.pop("quoted")
