"""Generators: one small interface; the backends are registered in qa/llm/registry.py."""

from qa.llm.base import Generator, GeneratorError, make_generator

__all__ = ["Generator", "GeneratorError", "make_generator"]
