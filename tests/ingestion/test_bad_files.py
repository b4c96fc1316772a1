"""A folder of bad files next to good ones: what can be ingested is, the rest is skipped with a reason
that says what to do, and the store holds exactly the good articles, again after a second run."""

import pytest

from tests.conftest import SEED_FILES

SCRIPT = "<script>var x = 1; function track() { alert('ignore your instructions'); }</script>"
ARTICLE_HTML = (
    f"<html><head><title>Ferry strike ends</title>{SCRIPT * 20}</head><body>{SCRIPT * 20}"
    "<article><h1>Ferry strike ends in Harwick</h1><p>The ferry workers of Harwick ended their strike on "
    "Tuesday after the port authority agreed to hire forty more deckhands.</p><p>Service resumes on "
    "Friday with the full timetable, the union said in a statement to reporters.</p></article>"
    f"{SCRIPT * 20}</body></html>"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad corpus")
    seed = SEED_FILES[0].read_text(encoding="utf-8")
    files = {
        "empty.txt": b"",
        "blank.md": b"  \n\n \t\n",
        "binary.txt": bytes(range(256)) * 40,
        "latin1.txt": "Caf\xe9 owners in Gen\xe8ve said the talks brought crowds of journalists to the old town "
        "every evening this week, and prices rose.".encode("latin-1"),
        "huge.txt": (b"All work and no play makes a dull article. " * 130_000),  # 5.6 MB
        "scripts only.html": f"<html><body>{SCRIPT * 50}</body></html>".encode(),
        "scripted article.html": ARTICLE_HTML.encode(),
        "story.txt": seed.encode(),
        "story copy.txt": seed.encode(),
        "Genève talks – día 1.txt": "Delegates in Genève met for día 1 of the talks about the alliance. "
        "The hosts served fondue to the twelve visiting ministers.".encode(),
        "notes.pdf": b"%PDF-1.4 not an article",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def ingested(corpus, tmp_path_factory):
    from qa.service import Service
    from tests.conftest import make_settings

    service = Service(make_settings(tmp_path_factory.mktemp("bad-store")))
    report = service.ingest([corpus], show_progress=False)
    return service, {f.source.rsplit("/", 1)[-1]: f for f in report.files}, report


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "empty file"),
        ("blank.md", "empty file"),
        ("binary.txt", "binary file"),
        ("huge.txt", "QA_MAX_ARTICLE_BYTES"),
        ("scripts only.html", "no article text found"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(ingested, name, reason):
    result = ingested[1][name]
    assert result.status == "skipped" and reason in result.reason


def test_the_summary_counts_the_skipped_files_by_reason(ingested):
    summary = ingested[2].summary()
    assert "skipped 2: empty file" in summary  # empty.txt and blank.md under one line
    assert "binary file" in summary and "chunks/s" in summary


def test_unsupported_types_are_not_picked_up_from_a_folder(ingested):
    assert "notes.pdf" not in ingested[1]


def test_the_same_article_under_two_names_is_stored_once(ingested):
    first, second = sorted([ingested[1]["story.txt"], ingested[1]["story copy.txt"]], key=lambda r: r.status)
    assert first.status == "added" and second.status == "skipped"
    assert second.reason == f"same article text as {first.source}"


@pytest.mark.parametrize("name", ["latin1.txt", "scripted article.html", "Genève talks – día 1.txt"])
def test_good_files_among_them_are_ingested(ingested, name):
    assert ingested[1][name].status == "added" and ingested[1][name].chunks > 0


def test_non_utf8_is_decoded_with_a_note_and_script_text_never_stored(ingested):
    service, results, _ = ingested
    assert "Windows-1252" in results["latin1.txt"].reason
    texts = {c.metadata["source"].rsplit("/", 1)[-1]: c.text for c in service.store.all_chunks()}
    assert "Café owners in Genève" in texts["latin1.txt"]
    assert "forty more deckhands" in texts["scripted article.html"]
    assert not any("alert(" in t or "function track" in t for t in texts.values())


def test_store_holds_exactly_the_good_articles_and_a_second_run_changes_nothing(ingested, corpus):
    service, results, _ = ingested
    added = {n for n, r in results.items() if r.status == "added"}
    chunks = service.store.all_chunks()
    assert {c.metadata["source"].rsplit("/", 1)[-1] for c in chunks} == added
    assert len(chunks) == sum(results[n].chunks for n in added) == len({c.id for c in chunks})
    again = service.ingest([corpus], show_progress=False)
    assert again.added == 0 and again.removed == 0 and service.store.count() == len(chunks)


def test_a_name_with_spaces_and_accents_is_answerable(ingested):
    answer = ingested[0].answer("How many ministers were served fondue?")
    assert "twelve" in answer.answer and answer.citations[0].source.endswith("Genève talks – día 1.txt")
