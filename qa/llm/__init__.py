"""Generators: one small interface, three backends (llamacpp, extractive, openai)."""

from qa.llm.base import Generator, GeneratorError, make_generator

__all__ = ["Generator", "GeneratorError", "make_generator"]
