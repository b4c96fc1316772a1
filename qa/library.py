"""The article library as pages: search, sort, counts per publisher and per month. Pure functions over
`Store.sources()`, shared by the API and the chat's Library tab."""

from __future__ import annotations

from collections import Counter
from typing import Literal

SortKey = Literal["published", "title", "publisher", "source"]


def matching(sources: list[dict], query: str = "") -> list[dict]:
    """Articles whose title, publisher, author or file name contains every word of the query."""
    words = query.lower().split()
    if not words:
        return sources

    def text(s: dict) -> str:
        return " ".join(str(s.get(k) or "") for k in ("title", "publisher", "author", "source")).lower()

    return [s for s in sources if all(w in text(s) for w in words)]


def ordered(sources: list[dict], key: SortKey = "published", descending: bool = True) -> list[dict]:
    """Sorted on `key`; articles without it go last whichever the direction."""
    present = [s for s in sources if s.get(key)]
    missing = [s for s in sources if not s.get(key)]
    present.sort(key=lambda s: (str(s[key]).lower(), s["source"]), reverse=descending)
    return present + sorted(missing, key=lambda s: s["source"])


def page(
    sources: list[dict],
    query: str = "",
    key: SortKey = "published",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> dict:
    found = ordered(matching(sources, query), key, descending)
    return {
        "total": len(found),
        "offset": offset,
        "limit": limit,
        "items": found[offset : offset + limit],
        "by_publisher": dict(Counter(s.get("publisher") or "unknown" for s in found).most_common()),
        "by_month": dict(sorted(Counter((s.get("published") or "undated")[:7] for s in found).items())),
    }
