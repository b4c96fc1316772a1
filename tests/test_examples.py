"""Example questions: written at ingest from the newest articles, kept only when they find their article."""

from __future__ import annotations

from qa import examples
from qa.llm.base import GeneratorError
from tests.conftest import SEEDS, make_settings


class Scripted:
    """A generator that writes the given questions in turn (the real model's run is in tests/llm)."""

    writes_examples = True

    def __init__(self, *questions: str | None):
        self.questions, self.leads = list(questions), []

    def example_question(self, passage: str) -> str | None:
        self.leads.append(passage)
        return self.questions.pop(0) if self.questions else None


def test_the_newest_articles_come_first_and_a_stored_question_beats_the_headline():
    sources = [
        {"source": "a.txt", "title": "Old talks.", "published": "2020-01-01", "publisher": "AP"},
        {"source": "b.txt", "title": "New talks", "published": "2022-01-10", "example": "Who met in Geneva?"},
        {"source": "c.txt", "title": None},
        {"source": "d.txt", "title": "Undated", "published": None},
    ]
    assert examples.shown(sources) == ["Who met in Geneva?"]  # written questions only, once there are any
    assert [s["source"] for s in examples.newest(sources, 2)] == ["b.txt", "a.txt"]
    del sources[1]["example"]
    assert examples.shown(sources) == [  # none written (no model yet): the newest headlines
        "What does the article report about “New talks”?",
        "What does AP report about “Old talks”?",
        "What does the article report about “Undated”?",
    ]


BRIDGE = (
    "Oskarvik opens the Lumen Bridge\n\nPublished: March 3, 2025\n\nOSKARVIK — The Lumen Bridge opened on Friday "
    "after four years of work. The mayor, Ilse Brandt, cut the ribbon before 2,000 residents.\n"
)


def test_ingest_stores_a_question_only_when_it_is_one_short_question_that_finds_its_article(tmp_path):
    from qa.service import Service

    (tmp_path / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    service = Service(make_settings(tmp_path, example_questions=0))
    service.ingest([SEEDS, tmp_path / "bridge.txt"], show_progress=False)
    first, second, third, fourth = examples.newest(service.store.sources(), 4)
    assert first["title"] == "Oskarvik opens the Lumen Bridge"  # the newest: 2025 against the seeds' 2024
    script = Scripted(
        "Who cut the ribbon when the Lumen Bridge opened in Oskarvik?",
        "Is it?",  # too short
        "Who met in Geneva? And when?",  # two questions
        None,  # the generator wrote nothing usable
    )
    assert examples.refresh(service.store, service.retriever, lambda: script, 2) == 1
    stored = {s["source"]: s.get("example") for s in service.store.sources()}
    assert stored[first["source"]] == "Who cut the ribbon when the Lumen Bridge opened in Oskarvik?"
    # written but not kept: marked tried, never asked again; nothing written: asked again next time
    assert [stored[s["source"]] for s in (second, third, fourth)] == ["", "", None]
    assert script.leads[0].startswith("Oskarvik opens the Lumen Bridge") and len(script.leads) == 4
    assert all(len(lead) <= examples.LEAD_CHARS for lead in script.leads)
    # a well-formed question its article cannot be found with is not kept
    assert not examples._finds_its_article(service.retriever, "How many troops has Russia gathered?", first["source"])
    # enough written: nothing to do, and no generator is made
    assert examples.refresh(service.store, service.retriever, lambda: 1 / 0, 1) == 0
    assert examples.shown(service.store.sources())[0] == stored[first["source"]]


def test_an_edited_article_keeps_its_library_entry_right(tmp_path):
    from qa.service import Service

    path = tmp_path / "bridge.txt"
    path.write_text(BRIDGE, encoding="utf-8")
    service = Service(make_settings(tmp_path, example_questions=0))
    service.ingest([path], show_progress=False)
    path.write_text(BRIDGE + "\n" + "The bridge carries trams and bicycles across the fjord. " * 60, encoding="utf-8")
    service.ingest([path], show_progress=False)
    (entry,) = service.store.sources()
    assert entry["chunks"] == service.store.count() > 1  # the count on the first chunk follows the edit


def test_a_store_from_before_chunk_counts_is_counted_once_and_then_read_fast(tmp_path):
    from qa.service import Service
    from qa.types import Chunk

    service = Service(make_settings(tmp_path, example_questions=0))
    meta = {"source": "old.txt", "title": "Old"}
    service.store.add([Chunk(f"id{i}", f"text number {i}", i, i * 20, {**meta, "chunk": i}) for i in range(3)])
    assert service.store.sources()[0]["chunks"] == 3
    assert service.store.collection.get(ids=["id0"], include=["metadatas"])["metadatas"][0]["chunks"] == 3


def test_the_extractive_backend_writes_none_and_marks_nothing(tmp_path):
    from qa.service import Service

    service = Service(make_settings(tmp_path, backend="extractive", example_questions=5))
    service.ingest([SEEDS], show_progress=False)  # runs the refresh with the extractive generator
    assert all(s.get("example") is None for s in service.store.sources())  # not "": the model may write them later


def test_a_generator_that_cannot_load_leaves_the_ingest_and_the_headlines(tmp_path):
    from qa.service import Service

    service = Service(make_settings(tmp_path, example_questions=5))

    def broken():
        raise GeneratorError("the model file is missing: run `qa model`")

    service.generator = lambda backend=None: broken()  # type: ignore[method-assign]
    report = service.ingest([SEEDS], show_progress=False)
    assert report.added > 0
    assert all(not s.get("example") for s in service.store.sources())
    assert len(examples.shown(service.store.sources())) == 5
