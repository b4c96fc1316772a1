from itertools import pairwise

import pytest

from qa.embeddings import EMBEDDERS, get_embeddings
from qa.ingestion.chunker import chunk_article, count_tokens
from qa.ingestion.loaders import load
from tests.conftest import SEED_FILES

CHUNK_TOKENS, OVERLAP = 180, 40


def seed_chunks(path):
    article, _ = load(path, path.name)
    return article, chunk_article(article, CHUNK_TOKENS, OVERLAP)


@pytest.mark.parametrize("embedder", EMBEDDERS)
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_chunks_fit_the_token_budget_and_the_embedder(path, embedder):
    _, chunks = seed_chunks(path)
    model = get_embeddings(embedder)
    for chunk in chunks:
        assert count_tokens(chunk.text) <= CHUNK_TOKENS
        assert model.token_count(chunk.text) <= model.max_tokens  # nothing silently truncated


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_chunks_are_verbatim_slices_that_cover_the_article(path):
    article, chunks = seed_chunks(path)
    covered = [False] * len(article.text)
    for chunk in chunks:
        assert article.text[chunk.start : chunk.start + len(chunk.text)] == chunk.text
        covered[chunk.start : chunk.start + len(chunk.text)] = [True] * len(chunk.text)
    lost = "".join(ch for ch, seen in zip(article.text, covered) if not seen)
    assert not lost.strip()  # only whitespace between chunks


def test_chunks_end_on_sentence_boundaries():
    article, chunks = seed_chunks(SEED_FILES[2])
    assert len(chunks) > 3
    for chunk in chunks[:-1]:
        assert chunk.text.rstrip('"”’)')[-1] in ".!?" or article.text[chunk.start + len(chunk.text) :].startswith("\n")


def test_consecutive_chunks_overlap():
    _, chunks = seed_chunks(SEED_FILES[2])
    overlapping = sum(b.start < a.start + len(a.text) for a, b in pairwise(chunks))
    assert overlapping >= len(chunks) // 2


def test_chunks_carry_article_metadata_and_stable_ids():
    article, chunks = seed_chunks(SEED_FILES[1])
    assert all(c.metadata["publisher"] == "News 1st" and c.metadata["published"] == "2022-01-10" for c in chunks)
    assert [c.id for c in chunks] == [c.id for c in chunk_article(article, CHUNK_TOKENS, OVERLAP)]
    assert len({c.id for c in chunks}) == len(chunks)
