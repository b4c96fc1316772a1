"""The article library: upload, fetch URLs and feeds, list (paged, searchable, sortable), remove one or a selection."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from pydantic import BaseModel, Field

from qa import library
from qa.api.deps import ServiceDep
from qa.ingestion import watch
from qa.ingestion.fetch import FetchError, check_url
from qa.library import SortKey

router = APIRouter(tags=["library"])


class Selection(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=1000, description="article ids from GET /api/sources")


@router.post("/api/ingest", summary="Upload articles (.txt, .md, .html) and ingest them")
def ingest(service: ServiceDep, files: list[UploadFile] = File(...)) -> dict:
    limit = service.settings.max_upload_bytes + 1  # one byte over the limit is enough to know it is too large
    return {"files": [service.add_upload(f.filename or "", f.file.read(limit)) for f in files]}


HttpUrl = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)]


class UrlsRequest(BaseModel):
    urls: list[HttpUrl] = Field(default_factory=list, max_length=200, description="pages to ingest")
    feeds: list[HttpUrl] = Field(
        default_factory=list, max_length=20, description="RSS/Atom feeds or sitemaps: the pages they list are ingested"
    )
    watch: bool = Field(False, description="also watch the feeds: the refresher reads them again each round")


@router.post("/api/ingest/urls", summary="Fetch pages, feeds and sitemaps and ingest them; a result per page")
def ingest_urls(body: UrlsRequest, service: ServiceDep) -> dict:
    if not body.urls and not body.feeds:
        raise HTTPException(422, "give urls, feeds or both")
    for url in body.urls + body.feeds:
        try:
            check_url(url)
        except FetchError as exc:  # refused before anything is read or watched
            raise HTTPException(422, exc.reason) from exc
    files = []
    if body.urls or (body.feeds and not body.watch):
        report = service.ingest(body.urls, feeds=[] if body.watch else body.feeds, show_progress=False)
        files += [f.to_dict() for f in report.files]
    if body.watch and body.feeds:
        round_ = watch.watch_now(service, body.feeds)
        files += [{"source": url, "status": "skipped", "reason": f"feed not read: {why}"} for url, why in round_.down]
        files += [f.to_dict() for f in round_.results]
    return {"files": files}


@router.get("/api/feeds", summary="The watched feeds and sitemaps: when each was last read, entries taken")
def feeds(service: ServiceDep) -> dict:
    return {"feeds": service.watch_state.summary()}


@router.get("/api/sources", summary="Ingested articles: a page, with counts per publisher and per month")
def sources(
    service: ServiceDep,
    q: Annotated[str, Query(max_length=200, description="words in the title, publisher, author or file")] = "",
    sort: SortKey = "published",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    return library.page(service.store.sources(), q, sort, order == "desc", offset, limit)


@router.delete("/api/sources/{source_id}", summary="Remove an article and its chunks")
def delete_source(source_id: str, service: ServiceDep) -> dict:
    return _remove(service, [source_id])[0]


@router.post("/api/sources/remove", summary="Remove a selection of articles")
def delete_selection(selection: Selection, service: ServiceDep) -> dict:
    return {"removed": _remove(service, selection.ids)}


def _remove(service, ids: list[str]) -> list[dict]:
    by_id = {s["id"]: s["source"] for s in service.store.sources()}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise HTTPException(404, f"no article with id {', '.join(unknown[:10])}")
    return [{"source": by_id[i], "removed_chunks": service.remove_source(by_id[i])} for i in ids]
