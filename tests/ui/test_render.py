from qa.types import Answer, Citation
from qa.ui import render

ARTICLE = (
    "Intro paragraph that sets the scene for the talks.\n\nRussia has gathered around 100,000 troops\n"
    "along its border with Ukraine. Governments fear an invasion."
)


def test_markers_become_links_and_back():
    linked = render.link_markers("Troops massed [1]. Talks went on [2][1].", turn=3)
    assert "[\\[1\\]](#cite-3-1)" in linked and "[\\[2\\]](#cite-3-2)" in linked
    assert render.unlink_markers(linked) == "Troops massed [1]. Talks went on [2][1]."


def test_quote_is_marked_inside_its_context_even_across_a_line_break():
    html = render.context_html(ARTICLE, "Russia has gathered around 100,000 troops along its border with Ukraine.")
    assert "<mark>Russia has gathered around 100,000 troops\nalong its border with Ukraine.</mark>" in html
    assert html.startswith("Intro paragraph") and "Governments fear" in html


def test_context_is_windowed_with_ellipses():
    article = "x " * 2000 + "the quoted sentence here. " + "y " * 2000
    html = render.context_html(article, "the quoted sentence here.", width=100)
    assert html.startswith("…") and html.endswith("…") and len(html) < 400


def test_a_quote_missing_from_the_article_is_still_shown_escaped():
    assert render.context_html("other text", "<b>quote</b>") == "<mark>&lt;b&gt;quote&lt;/b&gt;</mark>"


def test_sources_panel_states():
    cited = Answer(
        "Troops [1].",
        False,
        [
            Citation(
                1,
                "a.txt",
                "T <1>",
                "2022-01-10",
                "Russia has gathered around 100,000 troops along its border with Ukraine.",
                "AP",
            )
        ],
    )
    html = render.sources_html(cited, 0, lambda source: ARTICLE)
    assert 'id="cite-0-1"' in html and "T &lt;1&gt;" in html and "AP · 2022-01-10" in html
    assert "qa-conflict" not in html and "qa-refusal" not in html
    cited.conflict = True
    assert "The sources differ" in render.sources_html(cited, 0, lambda source: ARTICLE)
    refused = render.sources_html(Answer("The articles don't say.", True), 0, lambda source: "")
    assert "qa-refusal" in refused and "qa-cite" not in refused


def test_the_draft_is_labelled_and_the_checked_answer_says_what_was_removed():
    from qa.types import Answer

    assert render.draft_markdown("Ryabkov led").startswith("*Draft — checking against the articles…*")
    answer = Answer(
        "Ryabkov led [1].",
        False,
        confidence=0.93,
        debug={"verdicts": [{"claim": "x", "kept": True}, {"claim": "y", "kept": False}]},
    )
    text = render.answer_markdown(answer, 0)
    assert "1 sentence of the draft removed" in text and "Confidence: high (0.93" in text
    assert render.unlink_markers(text) == "Ryabkov led [1]."


def test_evidence_is_shown_as_being_read_before_the_answer():
    from qa.chain import Evidence
    from qa.types import Citation

    html = render.evidence_html(Evidence("chosen", [Citation(1, "a.txt", "Talks", "2022-01-10", "Ryabkov led.")]))
    assert "Checking the answer against these sentences" in html and "Ryabkov led." in html


def test_every_answer_keeps_its_sources_and_only_the_one_looked_at_shows():
    panel = render.sources_panel(["<p>first</p>", "<p>second</p>"], shown=1)
    assert '<section class="qa-turn" id="turn-0" hidden><p>first</p>' in panel
    assert '<section class="qa-turn" id="turn-1"><p>second</p>' in panel


def test_a_refusal_says_why_and_what_the_closest_articles_cover():
    from qa.types import Answer, Citation

    refused = Answer("The articles don't say.", True, debug={"refusal_reason": "no sentence states it"})
    nearby = [Citation(1, "a.txt", "Talks open", None, "x"), Citation(2, "a.txt", "Talks open", None, "y")]
    html = render.sources_html(refused, 2, lambda source: "", nearby)
    assert "no sentence states it" in html and html.count("<li>Talks open</li>") == 1
    assert "(#turn-2)" in render.answer_markdown(refused, 2)  # the refusal links to its own section
    assert render.unlink_markers(render.answer_markdown(refused, 2)) == "The articles don't say."
