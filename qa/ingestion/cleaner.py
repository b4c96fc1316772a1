"""Boilerplate removal for plain-text web articles.

Rules work on whole lines, so every sentence that survives is byte-for-byte the sentence in the
file: quotes shown to readers can always be found in the original article. Each rule has a name
(reported per article) and is listed in the README. Two kinds:

Bylines and date lines stay in the text: "who wrote it" and "when" are facts a reader may ask about.

* drop: the line is removed (a cross-link, an ad, a share prompt, a repeated line);
* cut: the line starts the page furniture after the article (comments, author bio, "you may also
  like"), so it and everything after it is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # "drop" | "cut"
    pattern: re.Pattern[str]
    description: str


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule(
        "scraper-header",
        "drop",
        _rx(r"^\s*date \d{4}-\d{2}-\d{2}\b.*$"),
        "crawler header line such as 'date 2024-01-13 en English'",
    ),
    Rule("site-tagline", "drop", _rx(r"^just another wordpress site$"), "default CMS tagline"),
    Rule(
        "cross-link",
        "drop",
        re.compile(
            r"^(READ\s{1,}\S.*|Related:.*|More (topics|to read)\s*:?\s*|Read more\s*|Latest News\s*)$", re.IGNORECASE
        ),
        "links to other stories: 'READ ...' (capitals), 'Related: ...', 'More To Read:'",
    ),
    Rule(
        "advert",
        "drop",
        _rx(r"^(.*interested in advertising.*|please contact us at.*|advertisement|sponsored( content)?)$"),
        "advertising prompts",
    ),
    Rule(
        "share-prompt",
        "drop",
        _rx(
            r"^(share( this)?( article| story)?( on \w+)?|subscribe( now| to our newsletter)?.*|"
            r"follow us on .*|sign up for .*newsletter.*|click here to .*)$"
        ),
        "share / subscribe / follow prompts",
    ),
    Rule("mobile-switch", "drop", _rx(r"^exit mobile version$"), "mobile layout switch"),
    Rule(
        "comments",
        "cut",
        _rx(
            r"^(leave a (reply|comment)|your email address will not be published.*|\d* ?comments?|"
            r"post a comment|add a comment)$"
        ),
        "comment section: it and everything after it",
    ),
    Rule(
        "also-like",
        "cut",
        _rx(r"^(you may also like|recommended( for you)?|more from \S.*|more stories)$"),
        "recommendation block after the article",
    ),
    Rule(
        "author-bio",
        "cut",
        _rx(r"^(written by|about the author|author)$"),
        "author box after the article body (a lone 'author' or 'Written By' line)",
    ),
    Rule("copyright", "cut", _rx(r"^(copyright|©).*$"), "site footer"),
)

# A lone "author" line followed by a byline ("By: ...") is the article's own byline, not the bio box.
_BYLINE = re.compile(r"^(by:?\s|written by\s)", re.IGNORECASE)


@dataclass(frozen=True)
class Cleaned:
    text: str
    fired: tuple[str, ...]


def _next_nonblank(lines: list[str], i: int) -> str:
    for line in lines[i + 1 :]:
        if line.strip():
            return line.strip()
    return ""


def _match(line: str) -> Rule | None:
    for rule in RULES:
        if rule.pattern.match(line):
            return rule
    return None


def clean(text: str, keep_lines: int = 3) -> Cleaned:
    """Apply RULES; also drop any line identical to an earlier one (titles and wire copy repeat).

    Cut rules never fire in the first `keep_lines` non-blank lines, where a byline block lives.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    seen: set[str] = set()
    fired: list[str] = []
    nonblank = 0
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            kept.append("")
            continue
        nonblank += 1
        rule = _match(line)
        if rule and rule.name == "author-bio" and _BYLINE.match(_next_nonblank(lines, i)):
            fired.append("byline-label")  # a lone "author" label above "By: ..."; the byline itself stays
            continue
        if rule and rule.kind == "cut" and nonblank > keep_lines:
            fired.append(rule.name)
            break
        if rule and rule.kind == "drop":
            fired.append(rule.name)
            continue
        if line in seen:
            fired.append("repeated-line")
            continue
        seen.add(line)
        kept.append(raw.rstrip())
    kept = _strip_fragments(kept, fired)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return Cleaned(body, tuple(dict.fromkeys(fired)))


def _is_fragment(line: str, max_words: int) -> bool:
    """A short line with no sentence punctuation: a section label or a tag list, not prose."""
    words = line.split()
    return 0 < len(words) <= max_words and not re.search(r"[.!?:;\"”’]$", line)


def _strip_fragments(lines: list[str], fired: list[str]) -> list[str]:
    """Drop tag lists after the last sentence and one-or-two-word section labels before the title."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _is_fragment(lines[end - 1].strip(), 6)):
        if lines[end - 1].strip():
            fired.append("trailing-tags")
        end -= 1
    lines = lines[:end]
    start = 0
    while start < len(lines) and (not lines[start].strip() or _is_fragment(lines[start].strip(), 2)):
        if lines[start].strip():
            fired.append("section-label")
        start += 1
    return lines[start:]
