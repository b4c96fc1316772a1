import json

import pytest

from qa.ingestion.loaders import LoadError, load
from qa.ingestion.metadata import extract, parse_date
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    "name, field, value",
    [
        ("000_7c5420ae748e5ffc.txt", "title", "Difficult Talks Anticipated as US and Russia Discuss Ukraine in Geneva"),
        ("000_7c5420ae748e5ffc.txt", "published", "2024-01-13"),
        ("000_7c5420ae748e5ffc.txt", "publisher", "BNN"),
        ("001_08af7778073fba84.txt", "publisher", "News 1st"),
        ("001_08af7778073fba84.txt", "published", "2022-01-10"),
        ("001_08af7778073fba84.txt", "author", "Asma Hussain"),
        ("003_647fce0ffb9c5f44.txt", "publisher", "Washington Insider Magazine"),
        ("004_b9b71dbf13836ba8.txt", "published", "2022-01-10"),
        ("004_b9b71dbf13836ba8.txt", "author", "Cary Payne"),
        (
            "002_682b8c6943576dea.txt",
            "title",
            "Talks Between the United States and Russia on the Ukraine Situation Begin in Geneva Today, "
            "Amid Mounting Tension",
        ),
    ],
)
def test_seed_metadata(name, field, value):
    assert getattr(extract((SEEDS / name).read_text(encoding="utf-8")), field) == value


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Published: January 13, 2024 at 2:50 am EST", "2024-01-13"),
        ("10 Jan, 2022 | 4:06 pm", "2022-01-10"),
        ("Status: 10.01.2022 3:50 AM.", "2022-01-10"),
        ("date 2024-01-13 en English", "2024-01-13"),
        ("Sept 3, 2021", "2021-09-03"),
        ("no date here", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_sidecar_overrides_heuristics(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Harbour Reopens After Storm Repairs\n\nThe harbour reopened on Friday after weeks of repairs.\n")
    (tmp_path / "story.txt.meta.json").write_text(json.dumps({"publisher": "Coast Daily", "published": "2023-05-02"}))
    article, _ = load(path, "story.txt")
    assert (article.title, article.publisher, article.published) == (
        "Harbour Reopens After Storm Repairs",
        "Coast Daily",
        "2023-05-02",
    )


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Bridge Vote Delayed\ndate: 2021-03-04\npublisher: Town Crier\n---\n"
        "# Bridge Vote Delayed\n\nThe council delayed its vote on the new bridge until April.\n"
    )
    article, _ = load(path, "note.md")
    assert (article.title, article.published, article.publisher) == ("Bridge Vote Delayed", "2021-03-04", "Town Crier")
    assert "# " not in article.text


def test_html_article(tmp_path):
    path = tmp_path / "page.html"
    body = " ".join(["The museum opened a new wing dedicated to maritime history on Saturday."] * 5)
    path.write_text(
        f"<html><head><title>Museum Opens Wing</title><script>var ad = 1;</script></head>"
        f"<body><nav>Home | News</nav><article><h1>Museum Opens Wing</h1><p>{body}</p>"
        f"<p>Visitors queued for hours to see the restored ship models.</p></article></body></html>"
    )
    article, _ = load(path, "page.html")
    assert "restored ship models" in article.text
    assert "var ad" not in article.text
    assert article.title == "Museum Opens Wing"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "binary"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load(path, "bad.txt")


def test_latin1_file_is_decoded_with_a_note(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café owners in Zürich protested the new rent rules on Monday morning.".encode("latin-1"))
    article, note = load(path, "latin.txt")
    assert "Café owners in Zürich" in article.text
    assert "not UTF-8" in note


def test_an_iso_datetime_gives_its_date():
    from qa.ingestion.metadata import parse_date

    assert parse_date("2026-12-01T09:30:00Z") == "2026-12-01"
    assert parse_date("Published: 2026-12-01T09:30:00+01:00") == "2026-12-01"
    assert parse_date("Order 2026-12-01X9") is None  # a date glued to other word characters is not one
