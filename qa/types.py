"""The small typed records passed between modules."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    source: str  # path as given to the user, e.g. "seeds/001_x.txt"
    text: str  # cleaned body
    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    author: str | None = None

    def metadata(self) -> dict[str, str]:
        """Chroma metadata values must be scalars; missing fields are left out."""
        fields = {
            "source": self.source,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "author": self.author,
        }
        return {k: v for k, v in fields.items() if v}


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    index: int  # position within its article
    start: int  # character offset in the article's cleaned text
    metadata: dict[str, str | int]


@dataclass
class Passage:
    """A retrieved chunk, numbered for the prompt."""

    n: int
    id: str
    text: str
    metadata: dict[str, str | int]
    score: float = 0.0
    dense_score: float = 0.0  # cosine similarity to the question
    keyword_hit: bool = False  # also found by BM25

    @property
    def source(self) -> str:
        return str(self.metadata.get("source", ""))

    def field(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return str(value) if value not in (None, "") else None

    def citation(self, n: int, quote: str) -> Citation:
        """This passage as the source of `quote` (the whole passage, or one of its sentences)."""
        return Citation(n, self.source, self.field("title"), self.field("published"), quote, self.field("publisher"))

    @property
    def about(self) -> str:
        """The metadata a claim or question may name ("according to BNN", "the 10 January article")."""
        return " ".join(str(self.metadata.get(k, "")) for k in ("title", "publisher", "author", "published"))


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str | None
    published: str | None
    quote: str
    publisher: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    debug: dict = field(default_factory=dict)
    conflict: bool = False  # the cited articles report the fact differently; each version is cited
    confidence: float = 0.0  # the evidence selector's probability that the articles state the answer

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "refused": self.refused,
            "conflict": self.conflict,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "timings": dict(self.timings),
            "debug": self.debug,
        }
