"""The question's path end to end on a real store (extractive backend: deterministic, no model)."""

from tests.conftest import make_settings

GAZETTE = """---
title: Tamsin bridge opens to traffic
publisher: Harbour Gazette
published: 2023-05-02
---
The new bridge over the Tamsin river opened to traffic on Monday after three years of work.
The Tamsin bridge cost 40 million euros to build, officials said.
Commuters crossing from the east bank will save about twenty minutes a day.
"""

COURIER = """---
title: A new crossing for the Tamsin
publisher: Valley Courier
published: 2023-05-03
---
Drivers queued before dawn to be among the first across the new Tamsin crossing.
The Tamsin bridge cost 65 million euros to build, officials said.
The old ferry service will stop at the end of the month.
"""


def test_two_articles_giving_the_asked_figure_differently_are_both_quoted_with_their_own_citations(tmp_path):
    from qa.service import Service

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "gazette.md").write_text(GAZETTE)
    (tmp_path / "articles" / "courier.md").write_text(COURIER)
    service = Service(make_settings(tmp_path))
    service.ingest([tmp_path / "articles"], show_progress=False)
    answer = service.answer("How much did the Tamsin bridge cost to build?")
    assert not answer.refused and answer.conflict
    assert "40 million" in answer.answer and "65 million" in answer.answer
    quotes = {c.source.rsplit("/", 1)[-1]: c.quote for c in answer.citations}
    assert "40 million" in quotes["gazette.md"] and "65 million" in quotes["courier.md"]
    assert "The articles differ" in answer.answer
