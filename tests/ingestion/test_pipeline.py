import shutil

import pytest

from qa.service import Service
from qa.store import StoreError
from tests.conftest import SEED_FILES, make_settings

STORY = (
    "Lakeside Town Approves New Ferry Route\n\nThe council of Lakeside approved a ferry route to Port Alder "
    "on Tuesday. The ferry will run twice a day from June. Mayor Ines Valdez said the route would cut "
    "commutes by an hour.\n\nLocal fishermen raised concerns about the noise near the harbour.\n"
)


def test_reingest_is_idempotent(fresh_service, tmp_path):
    shutil.copy(SEED_FILES[0], tmp_path / SEED_FILES[0].name)
    first = fresh_service.ingest([tmp_path], show_progress=False)
    count = fresh_service.store.count()
    second = fresh_service.ingest([tmp_path], show_progress=False)
    assert first.added == count > 0
    assert (second.added, second.removed, second.unchanged) == (0, 0, count)
    assert fresh_service.store.count() == count


def test_changed_file_replaces_its_old_chunks(fresh_service, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    fresh_service.ingest([path], show_progress=False)
    source = fresh_service.store.sources()[0]["source"]
    old_ids = fresh_service.store.ids_for(source)
    path.write_text(STORY.replace("twice a day", "four times a day"))
    report = fresh_service.ingest([path], show_progress=False)
    new_ids = fresh_service.store.ids_for(source)
    assert report.files[0].status == "updated"
    assert (new_ids and not (old_ids & new_ids)) or len(new_ids - old_ids) >= 1
    texts = " ".join(c.text for c in fresh_service.store.all_chunks())
    assert "four times a day" in texts and "twice a day" not in texts


def test_prune_removes_chunks_of_deleted_files(fresh_service, tmp_path):
    keep, gone = tmp_path / "keep.txt", tmp_path / "gone.txt"
    keep.write_text(STORY)
    gone.write_text(STORY.replace("Lakeside", "Hillview").replace("ferry", "tram"))
    fresh_service.ingest([tmp_path], show_progress=False)
    gone.unlink()
    report = fresh_service.ingest([tmp_path], prune=True, show_progress=False)
    assert report.removed > 0
    assert [s["source"].endswith("keep.txt") for s in fresh_service.store.sources()] == [True]


def test_same_article_under_two_names_is_stored_once(fresh_service, tmp_path):
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b copy.txt").write_text(STORY)
    report = fresh_service.ingest([tmp_path], show_progress=False)
    statuses = sorted(f.status for f in report.files)
    assert statuses == ["added", "skipped"]
    assert "same article text" in next(f for f in report.files if f.status == "skipped").reason


def test_bad_files_are_skipped_with_reasons_and_good_ones_ingested(fresh_service, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "good.txt").write_text(STORY)
    report = fresh_service.ingest([tmp_path], show_progress=False)
    by_name = {f.source.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["good.txt"].status == "added"
    assert "empty" in by_name["empty.txt"].reason and "binary" in by_name["blob.txt"].reason
    assert {s["source"].rsplit("/", 1)[-1] for s in fresh_service.store.sources()} == {"good.txt"}


def test_a_store_built_with_another_embedder_is_refused(tmp_path):
    settings = make_settings(tmp_path)
    Service(settings).ingest([SEED_FILES[1]], show_progress=False)
    import chromadb

    client = chromadb.PersistentClient(path=str(settings.store_path))
    collection = client.get_collection(settings.collection)
    kept = {k: v for k, v in collection.metadata.items() if not k.startswith("hnsw:")}
    collection.modify(metadata={**kept, "embedder": "other-model", "dimension": 768})
    with pytest.raises(StoreError, match="other-model"):
        Service(settings)
