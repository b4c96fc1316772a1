"""Properties over generated articles (hypothesis): the cleaner only removes lines a rule or the
repeat check names, never alters a kept line; the chunker loses no text and never exceeds its budget."""

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qa.ingestion import cleaner
from qa.ingestion.chunker import chunk_article, count_tokens
from qa.types import Article

WORDS = st.text(st.characters(codec="utf-8", categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=14)
PROSE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(WORDS, min_size=7, max_size=40),
    st.sampled_from([".", "!", "?", ".”"]),
)
BOILERPLATE = st.sampled_from(
    [
        "Related: more stories",
        "Advertisement",
        "Share this article",
        "READ MORE NEWS",
        "Subscribe to our newsletter",
        "Click here to subscribe",
        "Leave a comment",
        "You may also like",
    ]
)
LINES = st.lists(st.one_of(PROSE, PROSE, PROSE, BOILERPLATE, st.just("")), min_size=1, max_size=30)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _explained(line: str, earlier: set[str]) -> bool:
    """Why a line may go: a rule matches it, or it repeats an earlier line."""
    return any(rule.pattern.match(line) for rule in cleaner.RULES) or line in earlier


@FAST
@given(LINES)
def test_cleaner_keeps_every_line_no_rule_explains_and_alters_none(lines):
    result = cleaner.clean("\n".join(lines))
    kept = [line for line in result.text.split("\n") if line.strip()]
    originals = [line.strip() for line in lines]
    assert all(line.strip() in originals for line in kept)  # verbatim
    seen: set[str] = set()
    for line in originals:
        if any(rule.kind == "cut" and rule.pattern.match(line) for rule in cleaner.RULES):
            break  # a cut rule ends the article here (page furniture follows)
        if line and not _explained(line, seen):
            assert line in kept, f"lost without a rule: {line!r}"
        seen.add(line)
    if len(kept) < len([line for line in originals if line]):
        assert result.fired  # something was removed, so a rule is named


ARTICLE_TEXT = st.lists(
    st.one_of(PROSE, PROSE, st.just("\n\n"), st.builds(" ".join, st.lists(WORDS, max_size=400))),
    min_size=1,
    max_size=25,
).map(" ".join)
# Repetitive text: the same chunk text occurs several times, so locating chunks by search can go wrong.
REPETITIVE = st.lists(
    st.sampled_from(["0", "0.", "ab", "ab.", "\n\n", "x y z", "0 0 0."]), min_size=1, max_size=400
).map(" ".join)


@FAST
@given(st.one_of(ARTICLE_TEXT, REPETITIVE), st.integers(40, 300), st.integers(0, 60))
# found by hypothesis: a chunk placed inside an earlier one
@example("0 0 0 0 0 0 0 0 0 0 0 0 ƀÒ 0A0ÒÒÒ. 0", 40, 0)
@example("0 0AÅ0Òþ໐၀Ⴎ 0 0AÅ0Òþ໐၀Ⴎ 0 0 0AÅÏÒÒÒÒᎠ 0 0.", 40, 0)
def test_chunks_lose_no_text_and_fit_the_budget(text, budget, overlap):
    text = text.strip()
    if not text:
        return
    chunks = chunk_article(Article(source="a.txt", text=text), budget, min(overlap, budget // 4))
    covered = [False] * len(text)
    for chunk in chunks:
        assert count_tokens(chunk.text) <= budget
        assert text[chunk.start : chunk.start + len(chunk.text)] == chunk.text  # a verbatim slice at its offset
        covered[chunk.start : chunk.start + len(chunk.text)] = [True] * len(chunk.text)
    lost = "".join(ch for ch, hit in zip(text, covered) if not hit)
    assert not re.sub(r"\s", "", lost), f"text between chunks lost: {lost[:80]!r}"
