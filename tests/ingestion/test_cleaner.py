import pytest

from qa.ingestion.cleaner import RULES, clean
from tests.conftest import SEED_FILES, SEEDS


def cleaned(name: str):
    return clean((SEEDS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_every_kept_line_is_verbatim_from_the_file(path):
    raw = path.read_text(encoding="utf-8")
    for line in clean(raw).text.splitlines():
        assert line in raw


@pytest.mark.parametrize(
    "name, junk",
    [
        ("004_b9b71dbf13836ba8.txt", "Electricity providers cancel"),  # "READ\xa0 ..." cross-link
        ("004_b9b71dbf13836ba8.txt", "Leave a comment"),  # comment prompt
        ("004_b9b71dbf13836ba8.txt", "More from Cary Payne"),  # author box
        ("001_08af7778073fba84.txt", "interested in advertising"),  # ad
        ("001_08af7778073fba84.txt", "Latest News"),
        ("000_7c5420ae748e5ffc.txt", "Founded by visionary entrepreneur"),  # author bio
        ("000_7c5420ae748e5ffc.txt", "Politics Russia United States"),  # tag list
        ("002_682b8c6943576dea.txt", "Just another WordPress site"),
        ("002_682b8c6943576dea.txt", "Related: EU’s top diplomat"),
        ("002_682b8c6943576dea.txt", "Your email address will not be published"),
        ("003_647fce0ffb9c5f44.txt", "Sed ut perspiciatis"),  # recommendations block
        ("003_647fce0ffb9c5f44.txt", "Exit mobile version"),
    ],
)
def test_boilerplate_is_removed(name, junk):
    raw = (SEEDS / name).read_text(encoding="utf-8")
    assert junk in raw
    assert junk not in cleaned(name).text


@pytest.mark.parametrize(
    "name, fact",
    [
        ("004_b9b71dbf13836ba8.txt", "Russia has gathered around 100,000 troops along its border with Ukraine."),
        ("002_682b8c6943576dea.txt", "Menon added."),  # the last paragraph survives the comment cut
        ("003_647fce0ffb9c5f44.txt", "the upside is being underestimated"),
        ("000_7c5420ae748e5ffc.txt", "Jake Sullivan confirms"),
    ],
)
def test_article_text_is_kept(name, fact):
    assert fact in cleaned(name).text


def test_repeated_title_is_kept_once():
    text = cleaned("001_08af7778073fba84.txt").text
    assert text.count("US-Russia talks begin in Geneva amid Ukraine tensions") == 1


def test_rules_that_fired_are_reported():
    fired = cleaned("004_b9b71dbf13836ba8.txt").fired
    assert {"cross-link", "author-bio", "repeated-line"} <= set(fired)


def test_cut_rules_do_not_fire_in_the_byline_block():
    text = "Author\nBy: Jane Roe\n\nA city council voted on Tuesday to fund new parks in the river district.\n"
    assert "A city council voted" in clean(text).text


def test_share_and_subscribe_prompts_dropped():
    text = (
        "Rain is expected all week in the valley, forecasters said.\nShare this article\n"
        "Subscribe to our newsletter for more\nFarmers welcomed the news after months of drought.\n"
    )
    out = clean(text).text
    assert "Share" not in out and "Subscribe" not in out
    assert "Farmers welcomed the news" in out


def test_rules_are_named_and_documented():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(r.description and r.kind in ("drop", "cut") for r in RULES)
