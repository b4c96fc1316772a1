"""How fast does the library open with hundreds of articles: the API's page and the chat's Library tab in
a real Chromium (Playwright), against the real app on 127.0.0.1.

python bench/library.py --articles 800                       # 800 small articles, made here
python bench/library.py --store /path/to/store --collection articles   # an existing store (e.g. realtimeqa)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import percentile, save

from qa.config import Settings
from qa.service import Service
from tests.conftest import free_port, start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PUBLISHERS = ["Reuters", "AP", "BBC", "Le Monde", "NHK", "Al Jazeera", "DW", "El País"]


def small_store(n: int) -> Path:
    """n one-chunk articles with front matter: a spread of publishers and of dates over two years."""
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-library-"))
    articles = folder / "articles"
    articles.mkdir()
    for i in range(n):
        day = f"202{3 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        front = f"---\ntitle: Dispatch {i} on harbour works\npublisher: {PUBLISHERS[i % len(PUBLISHERS)]}\n"
        body = f"Crews finished stage {i} of the harbour works on schedule. The council paid {i * 7} thousand."
        (articles / f"{i:04d}.md").write_text(f"{front}published: {day}\n---\n\n{body}\n")
    settings = Settings(store_path=folder / "store", collection="articles", backend="extractive", example_questions=0)
    started = time.perf_counter()
    Service(settings).ingest([articles], show_progress=False)
    print(f"ingested {n} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder / "store"


def api_times(url: str, repeats: int = 10) -> dict:
    def p50(params: dict) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            httpx.get(f"{url}/api/sources", params=params, timeout=30).raise_for_status()
            times.append(time.perf_counter() - started)
        return round(percentile(times, 0.5) * 1000, 1)

    return {
        "api_page_ms": p50({"limit": 50}),
        "api_search_ms": p50({"q": "harbour 7", "limit": 50}),
        "api_sort_title_ms": p50({"sort": "title", "order": "asc", "offset": 400, "limit": 50}),
    }


def browser_times(url: str, total: int) -> dict:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        summary = page.locator("#qa-library-summary")
        started = time.perf_counter()
        page.goto(url)
        expect(page.get_by_role("tab", name="Library")).to_be_visible()  # the app is drawn
        ready = time.perf_counter() - started
        started = time.perf_counter()
        page.get_by_role("tab", name="Library").click()
        expect(summary).to_contain_text(f"of {total}")
        tab = time.perf_counter() - started
        started = time.perf_counter()
        page.locator("#qa-library-page input").fill("2")
        page.locator("#qa-library-page input").press("Enter")
        expect(summary).to_contain_text(f"Articles 51–100 of {total}")
        next_page = time.perf_counter() - started
        browser.close()
    return {"page_ready_s": round(ready, 2), "library_tab_s": round(tab, 2), "next_page_s": round(next_page, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--store", type=Path, help="an existing store instead of one made here")
    parser.add_argument("--collection", default="articles")
    args = parser.parse_args()
    store = args.store or small_store(args.articles)
    port, logs = free_port(), Path(tempfile.mkdtemp(prefix="qa-bench-library-log-"))
    env = {"QA_STORE_PATH": str(store), "QA_COLLECTION": args.collection, "QA_BACKEND": "extractive"}
    url = f"http://127.0.0.1:{port}"
    root = Path(__file__).resolve().parent.parent
    process = start_server(
        [sys.executable, str(root / "app.py")], f"{url}/healthz", logs / "app.log", env=env | {"QA_PORT": str(port)}
    )
    try:
        total = httpx.get(f"{url}/api/sources", params={"limit": 1}, timeout=30).json()["total"]
        result = {"articles": total, "store": "given" if args.store else "made here", **api_times(url)}
        result |= browser_times(url, total)
    finally:
        stop_server(process)
    save("library", result)


if __name__ == "__main__":
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    main()
