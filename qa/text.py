"""Sentence splitting, content terms, names and numbers: the words the answer path compares."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sen|Rep|Gov|Jan|Feb|Aug|Sept|Oct|"
    r"Nov|Dec|No|vs|etc|Inc|Corp)\.)$"
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:[’'][a-z]+)?")
STOP = set(STOPWORDS_EN) | {
    "did",
    "does",
    "say",
    "said",
    "says",
    "according",
    "article",
    "articles",
    "what",
    "who",
    "whom",
    "which",
    "when",
    "where",
    "why",
    "how",
    "tell",
    "told",
}


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`; text[start:end] is the verbatim sentence."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if "\n" not in match.group() and _ABBREVIATION.search(text, max(0, end - 8), end):
            continue  # "U.S. Deputy", "Gen. Fomin": not a sentence end
        # keep closing quotes with their sentence
        while end < len(text) and text[end] in '"”’)':
            end += 1
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def terms(text: str) -> set[str]:
    """Stemmed content words (no stop words), numbers kept."""
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    words = [w.split("'")[0] for w in words]
    return set(_stemmer().stemWords([w for w in words if w not in STOP and (len(w) > 2 or w.isdigit())]))


# A citation marker "[3]": written by generators, read by the answer path, the UI and the CLI.
MARKER = re.compile(r"\[(\d+)\]")
_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")


def strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text)


def numerals(text: str) -> list[str]:
    """Numbers as written ("100,000"), citation markers excluded."""
    return _NUMERAL.findall(strip_markers(text))


def numbers(text: str) -> set[str]:
    """Numbers normalised for comparison ("100,000" → "100000")."""
    return {n.replace(",", "") for n in _NUMERAL.findall(text)}


_NUMBER_QUESTION = re.compile(r"^\s*how (many|much|long|old|far)\b", re.IGNORECASE)
_NUMBER_WORDS = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen|"
    r"(twen|thir|for|fif|six|seven|eigh|nine)ty|dozens?|hundreds?|thousands?|millions?|billions?|half|double|"
    r"single|several)\b",
    re.IGNORECASE,
)
_WHO_QUESTION = re.compile(r"^\s*who(m|se)?\b", re.IGNORECASE)
_WHEN_QUESTION = re.compile(r"^\s*when\b", re.IGNORECASE)
_TIME_WORDS = re.compile(
    r"\d|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tomorrow|week|month|year|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|since|ago)\b",
    re.IGNORECASE,
)


def fits_answer_type(question: str, sentence: str) -> bool:
    """A "how many" answer holds a number, a "who" answer a name, a "when" answer a time."""
    sentence = strip_markers(sentence)  # citation markers are not numbers
    if _NUMBER_QUESTION.search(question):
        return bool(_NUMBER_WORDS.search(sentence))
    if _WHO_QUESTION.search(question):
        return any(m.group(1).lower() not in STOP for m in re.finditer(r"\b([A-Z][a-z]+) [A-Z][a-z]+", sentence))
    if _WHEN_QUESTION.search(question):
        return bool(_TIME_WORDS.search(sentence))
    return True


_NAME = re.compile(r"\b[A-Z][a-zA-Z’'-]+|\b[A-Z]{2,}\b")
_NOT_NAMES = {"passage", "passages", "article", "articles", "according", "sentence", "sentences"}
# Demonyms whose country's name starts differently ("French" is mentioned by "France’s").
_COUNTRY = {
    "french": "france",
    "british": "britain",
    "chinese": "china",
    "dutch": "netherlands",
    "swiss": "switzerland",
    "polish": "poland",
    "turkish": "turkey",
    "spanish": "spain",
    "finnish": "finland",
    "swedish": "sweden",
    "norwegian": "norway",
    "danish": "denmark",
    "japanese": "japan",
    "belarusian": "belarus",
    "english": "england",
    "irish": "ireland",
}


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence openers or stop words: people, places, organisations."""
    return {word for phrase in name_phrases(text) for word in phrase}


def name_phrases(text: str) -> list[tuple[str, ...]]:
    """The name words of `names`, grouped as written: words one space apart are one name ("John Smith")."""
    phrases: list[tuple[str, ...]] = []
    for sentence in sentences(strip_markers(text)):
        end = None  # where the previous name word ended, if it was one
        for match in _NAME.finditer(sentence):
            word = match.group().rstrip("’'s").rstrip("’'").lower()
            if match.start() == 0 or word in STOP or word in _NOT_NAMES or len(word) < 3:
                end = None
                continue
            if end is not None and sentence[end : match.start()] == " ":
                phrases[-1] = (*phrases[-1], word)
            else:
                phrases.append((word,))
            end = match.end()
    return phrases


def missing_names(claim: str, passage: str) -> set[str]:
    """Names in `claim` that `passage` never mentions. A shared five-letter start counts as a mention,
    so spelling variants pass ("Sergey"/"Sergei") while an invented name does not."""
    text = passage.lower()
    return {
        n
        for n in names(claim)
        if not any(re.search(rf"\b{re.escape(form[:5])}", text) for form in (n, _COUNTRY.get(n, n)))
    }
