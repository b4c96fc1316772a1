"""Exports (JSONL, CSV): one article a row, fields mapped, a bad row reported by its line and the rest ingested."""

from __future__ import annotations

import csv
import json

import pytest

from qa.ingestion import exports
from qa.ingestion.loaders import LoadError
from tests.conftest import make_settings

TEXT = (
    "The port authority of Vellmar said on Monday that container traffic rose by a fifth in November, "
    "the largest monthly rise since the new quay opened, and that a second crane would arrive in March."
)


def test_jsonl_rows_become_articles_and_bad_rows_are_reported_by_line(tmp_path):
    from qa.service import Service

    rows = [
        json.dumps(
            {
                "title": "Port traffic rises",
                "text": TEXT,
                "url": "https://news.example/port?utm_source=x",
                "published": "2026-12-01T09:30:00Z",
                "publisher": "Vellmar Post",
            }
        ),
        "{not json",
        json.dumps({"title": "No body"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": TEXT.replace("a fifth", "a quarter").replace("Vellmar", "Ostra"), "url": "ftp://x/y"}),
        json.dumps({"text": TEXT.replace("Vellmar", "Ostra"), "publisher": "Ostra Daily"}),
    ]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    service = Service(make_settings(tmp_path))
    report = service.ingest([export], show_progress=False)
    outcome = [(f.status, f.reason) for f in report.files]
    assert outcome[0] == ("added", None) and outcome[5] == ("added", None)  # the blank line is no row
    assert [reason for _, reason in outcome[1:4]] == [
        "line 2: not JSON (Expecting property name enclosed in double quotes)",
        "line 3: no text (field 'text')",
        "line 4: not a JSON object",
    ]
    assert outcome[4][1] == "line 6: url 'ftp://x/y' is not http(s)"
    stored = {s["source"]: s for s in service.store.sources()}
    first = stored["https://news.example/port"]  # the URL is the source, tracking parameters dropped
    assert (first["title"], first["published"], first["publisher"]) == (
        "Port traffic rises",
        "2026-12-01",
        "Vellmar Post",
    )
    assert stored[f"{report.files[5].source}"]["publisher"] == "Ostra Daily"
    assert report.files[5].source.endswith("export.jsonl#7")  # no URL: the export and its line
    assert service.ingest([export], show_progress=False).added == 0


def test_csv_with_mapped_field_names(tmp_path):
    from qa.service import Service

    export = tmp_path / "archive.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["headline", "body", "link", "date", "outlet"])
        writer.writerow(["Port traffic rises", TEXT, "https://news.example/p", "1 December 2026", "Vellmar Post"])
        writer.writerow(["Short", "too short", "https://news.example/q", "", ""])
        writer.writerow(["Multi\nline", TEXT.replace("Vellmar", "Ostra"), "", "", "Ostra Daily"])
    fields = ["title=headline", "text=body", "url=link", "published=date", "publisher=outlet"]
    service = Service(make_settings(tmp_path))
    report = service.ingest([export], fields=fields, show_progress=False)
    assert [f.status for f in report.files] == ["added", "skipped", "added"]
    assert report.files[1].reason.startswith("line 3: no text extracted")
    assert report.files[2].source.endswith("archive.csv#5")  # the line the row ends on: a quoted newline counts
    entry = next(s for s in service.store.sources() if s["source"] == "https://news.example/p")
    assert (entry["title"], entry["published"], entry["publisher"]) == (
        "Port traffic rises",
        "2026-12-01",
        "Vellmar Post",
    )


@pytest.mark.parametrize("pair", ["text", "body=text", "text="])
def test_a_bad_field_mapping_is_refused_with_the_form_to_use(pair):
    with pytest.raises(LoadError, match="OURS=THEIRS"):
        exports.mapping([pair])
