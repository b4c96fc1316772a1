import pytest

from qa.retrieval import Filters, newest_first
from qa.store import StoredChunk

FIRST = [
    ("Who is Melinda Haring?", "002_"),  # rare name: the keyword leg must find it
    ("What did Christopher Granville tell CNBC?", "003_"),
    ("Which general escorted Ryabkov to the dinner?", "002_"),
    ("What does Jake Sullivan say about communication channels with Russia?", "000_"),
    ("When will the OSCE talks in Vienna take place?", "004_"),
    ("According to BNN, how many troops are on the border?", "000_"),  # publisher named: metadata in BM25
]
# Retrieved, but not first today (near ties in the fusion); their rank is tracked by MRR in the evaluation.
NEAR = [
    ("What did Sherman emphasize in the preliminary meeting on Sunday (9)?", "001_"),
    ("What did Jen Psaki say the allies would discuss?", "003_"),
]


@pytest.mark.parametrize("question, expected", FIRST)
def test_right_article_ranks_first(seeded_service, question, expected):
    passages = seeded_service.retriever.retrieve(question, k=5)
    assert expected in passages[0].source


@pytest.mark.parametrize("question, expected", FIRST + NEAR)
def test_right_article_is_retrieved(seeded_service, question, expected):
    passages = seeded_service.retriever.retrieve(question, k=5)
    assert any(expected in p.source for p in passages)


def test_passages_are_numbered_and_diverse(seeded_service):
    passages = seeded_service.retriever.retrieve("What are the talks in Geneva about?", k=5)
    assert [p.n for p in passages] == [1, 2, 3, 4, 5]
    assert len({p.id for p in passages}) == 5
    assert len({p.source for p in passages}) >= 3  # MMR gives several articles a voice


def test_filters_restrict_sources_publishers_and_dates(seeded_service):
    only = seeded_service.retriever.retrieve("troops near Ukraine", filters=Filters(publishers=("News 1st",)))
    assert only and {p.metadata["publisher"] for p in only} == {"News 1st"}
    dated = seeded_service.retriever.retrieve("troops near Ukraine", filters=Filters(date_from="2023-01-01"))
    assert dated and all(p.metadata["published"] >= "2023-01-01" for p in dated)
    one = seeded_service.retriever.retrieve("troops", filters=Filters(sources=("004_b9b71dbf13836ba8.txt",)))
    assert one and {p.source for p in one} == {"seeds/004_b9b71dbf13836ba8.txt"}


def test_filters_from_dict_accepts_single_values():
    f = Filters.from_dict({"publisher": "BNN", "date_to": "2022-12-31"})
    assert f.publishers == ("BNN",) and f.date_to == "2022-12-31"
    assert not Filters.from_dict(None)


def test_as_of_keeps_what_was_published_by_then_and_undated_articles():
    as_of = Filters(as_of="2022-01-09")
    assert as_of.accepts({"published": "2022-01-09"}) and as_of.accepts({})
    assert not as_of.accepts({"published": "2022-01-10"})
    with pytest.raises(ValueError):
        Filters(as_of="9 January")


def test_a_newest_first_ranking_lists_dated_chunks_once():
    chunk = lambda i, d: (StoredChunk(i, "t", {"published": d} if d else {}), 0.5)  # noqa: E731
    ranked = newest_first(
        [chunk("a", "2022-01-01"), chunk("b", "2024-01-05"), chunk("a", "2022-01-01"), chunk("c", None)]
    )
    assert [c.id for c, _ in ranked] == ["b", "a"]


def test_with_as_of_nothing_later_is_retrieved(seeded_service):
    passages = seeded_service.retriever.retrieve("troops near Ukraine", filters=Filters(as_of="2022-01-09"))
    assert passages and all(str(p.metadata.get("published", "")) <= "2022-01-09" for p in passages)
