"""The keyword index kept up to date chunk by chunk scores as bm25s does over the same chunks, and an index
updated in place (chunks added, replaced, removed) ranks exactly as one built afresh from the store."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest
import Stemmer

from qa.retrieval import KeywordIndex, _keyword_text
from qa.store import StoredChunk
from tests.conftest import SEEDS

QUERIES = ["Who led the Russian delegation in Geneva?", "NATO-Russia Council Brussels", "troops near Ukraine border"]


@pytest.fixture(scope="module")
def chunks(seeded_service) -> list[StoredChunk]:
    return seeded_service.store.all_chunks()


def test_scores_match_bm25s(chunks):
    index = KeywordIndex(chunks)
    tokenizer = bm25s.tokenization.Tokenizer(stopwords="en", stemmer=Stemmer.Stemmer("english"))
    reference = bm25s.BM25()
    reference.index(tokenizer.tokenize([_keyword_text(c) for c in chunks], show_progress=False), show_progress=False)
    for query in QUERIES:
        ours = {c.id: s for c, s in index.search(query, len(chunks))}
        tokens = tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        docs, scores = reference.retrieve(tokens, k=len(chunks), show_progress=False, n_threads=1)
        theirs = {chunks[int(i)].id: float(s) for i, s in zip(docs[0], scores[0]) if s > 0}
        assert ours.keys() == theirs.keys()
        assert np.allclose([ours[i] for i in theirs], list(theirs.values()), rtol=1e-4)


def test_an_index_updated_in_place_ranks_as_one_built_afresh(chunks):
    half = len(chunks) // 2
    index = KeywordIndex(chunks[:half])
    index.add(chunks[half:])
    gone = [c.id for c in chunks[::3]]
    index.remove(gone)
    edited = [StoredChunk(c.id, c.text, {**c.metadata, "publisher": "Harbour Gazette"}) for c in chunks[1:4]]
    index.add(edited)  # a relabelled chunk replaces its old self
    kept = {c.id: c for c in chunks if c.id not in set(gone)} | {c.id: c for c in edited}
    fresh = KeywordIndex(list(kept.values()))
    assert len(index) == len(fresh) == len(kept)
    for query in [*QUERIES, "Harbour Gazette"]:
        updated = sorted((-round(s, 4), c.id) for c, s in index.search(query, len(chunks)))
        assert updated == sorted((-round(s, 4), c.id) for c, s in fresh.search(query, len(chunks)))  # ties: any order
    assert any(c.metadata["publisher"] == "Harbour Gazette" for c, _ in index.search("Harbour Gazette", 3))


def test_an_ingest_updates_the_index_without_reading_the_whole_store(fresh_service, tmp_path, monkeypatch):
    fresh_service.ingest([SEEDS], show_progress=False)
    fresh_service.retriever.retrieve("Geneva talks")  # the index is built once
    monkeypatch.setattr(fresh_service.store, "all_chunks", lambda: pytest.fail("the whole store was read again"))
    story = tmp_path / "ferry.txt"
    story.write_text("Lakeside Approves Ferry\n\nThe council of Lakeside approved a ferry to Port Alder on Tuesday.\n")
    fresh_service.ingest([story], show_progress=False)
    assert fresh_service.retriever.retrieve("Port Alder ferry")[0].source.endswith("ferry.txt")
    fresh_service.remove_source(fresh_service.retriever.retrieve("Port Alder ferry")[0].source)
    assert not any(p.source.endswith("ferry.txt") for p in fresh_service.retriever.retrieve("Port Alder ferry"))


def test_a_replica_catches_up_with_what_another_process_wrote_without_a_rebuild(tmp_path, monkeypatch):
    from qa import retrieval
    from qa.service import Service
    from tests.conftest import SEED_FILES, make_settings

    settings = make_settings(tmp_path)
    writer, replica = Service(settings), Service(settings)  # one store, two services: as two replicas
    writer.ingest([SEED_FILES[0]], show_progress=False)
    replica.retriever.retrieve("Geneva talks")  # the replica builds its index once
    monkeypatch.setattr(replica.store, "all_chunks", lambda: pytest.fail("the replica read the whole store again"))
    monkeypatch.setattr(retrieval, "SYNC_SECONDS", 0.0)
    story = tmp_path / "ferry.txt"
    story.write_text("Lakeside Approves Ferry\n\nThe council of Lakeside approved a ferry to Port Alder on Tuesday.\n")
    writer.ingest([story], show_progress=False)
    (found, *_) = replica.retriever.retrieve("Port Alder ferry")
    assert found.source.endswith("ferry.txt") and found.keyword_hit
    writer.remove_source(found.source)
    assert not any(p.source.endswith("ferry.txt") for p in replica.retriever.retrieve("Port Alder ferry"))
