"""Embedders: the in-process models and the `openai` one, served by a real embeddings server on 127.0.0.1
(infinity-emb with the packaged MiniLM, from its own virtual environment: `make embed-server`)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from qa.embedder_files import dynamic_int8
from qa.embeddings import EMBEDDERS, EmbedderError, ServerEmbedder, get_embeddings
from qa.service import Service
from qa.store import StoreError, with_store_embedder
from tests.conftest import (
    INFINITY,
    SEED_FILES,
    SEEDS,
    free_port,
    make_settings,
    raw_text,
    start_infinity,
    stop_server,
)

MODEL = "all-MiniLM-L6-v2"


def seed_passages() -> list[str]:
    """Paragraphs of the seed articles, long and short: several batches of mixed lengths."""
    paragraphs = [p.strip() for path in SEED_FILES for p in raw_text(path).split("\n\n") if len(p.split()) > 5]
    return paragraphs[:60]


# The torch model is the reference. Measured on these paragraphs (cosine mean / min): the packaged int8 file
# 0.9995 / 0.9991, the int8-compute one 0.9934 / 0.9871 (docs/benchmarks.md); the floors sit just below.
AGREEMENT = {"all-MiniLM-L6-v2-int8": (0.999, 0.998), "all-MiniLM-L6-v2-int8-dynamic": (0.99, 0.98)}


@pytest.mark.parametrize("name", sorted(AGREEMENT))
def test_each_onnx_embedder_agrees_with_the_torch_model(name):
    texts = seed_passages()
    reference = np.array(get_embeddings("all-MiniLM-L6-v2").embed_documents(texts))
    vectors = np.array(get_embeddings(name).embed_documents(texts))
    cosines = (reference * vectors).sum(axis=1)
    mean_floor, min_floor = AGREEMENT[name]
    assert cosines.mean() >= mean_floor and cosines.min() >= min_floor, (cosines.mean(), cosines.min())


@pytest.mark.parametrize("name", sorted(AGREEMENT))
def test_texts_spread_over_the_cores_come_back_in_the_order_given(name):
    embedder = get_embeddings(name)
    texts = seed_passages()
    together = np.array(embedder.embed_documents(texts))
    alone = np.array([embedder.embed_query(t) for t in texts])
    assert len(together) == len(texts) > 10
    assert np.allclose((together * alone).sum(axis=1), 1.0, atol=1e-3)


def test_the_int8_compute_model_is_derived_once_and_again_when_its_source_changes(tmp_path, caplog):
    built = dynamic_int8(tmp_path)
    assert not [r for r in caplog.records if "pre-processing" in r.getMessage()]  # onnxruntime's hint: no use here
    first = built.stat().st_mtime_ns
    assert dynamic_int8(tmp_path) == built and built.stat().st_mtime_ns == first
    stamp = built.with_name(built.name + ".source")
    stamp.write_text("an older source")
    assert dynamic_int8(tmp_path).stat().st_mtime_ns != first
    assert stamp.read_text() != "an older source"


@pytest.mark.parametrize("name", sorted(EMBEDDERS))
def test_a_store_keeps_the_embedder_that_built_it_when_none_is_named(tmp_path, name):
    Service(make_settings(tmp_path, embedder=name)).ingest([SEED_FILES[0]], show_progress=False)
    unnamed = make_settings(tmp_path)
    assert "embedder" not in unnamed.model_fields_set
    assert with_store_embedder(unnamed).embedder == name
    assert Service(unnamed).embeddings.name == name
    with pytest.raises(StoreError, match=f"QA_EMBEDDER={name}"):
        Service(make_settings(tmp_path, embedder=next(e for e in EMBEDDERS if e != name)))


def server_settings(tmp_path, url, **extra):
    return make_settings(tmp_path, embedder="openai", embeddings_url=url, embeddings_model=MODEL, **extra)


class Replies(BaseHTTPRequestHandler):
    """A real HTTP peer with a script: the first `good` requests get unit vectors, later ones `bad`."""

    good, bad, seen = 0, b"{}", 0

    def do_POST(self):
        texts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["input"]
        type(self).seen += 1
        if type(self).seen <= self.good:
            rows = [{"object": "embedding", "index": i, "embedding": [1.0] + [0.0] * 383} for i in range(len(texts))]
            body = json.dumps({"object": "list", "model": MODEL, "data": rows}).encode()
        else:
            body = self.bad
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    """Start a scripted server: `scripted(good=2, bad=b'...')` → its URL."""
    servers = []

    def start(good: int, bad: bytes) -> str:
        handler = type("Scripted", (Replies,), {"good": good, "bad": bad, "seen": 0})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def test_a_server_that_is_down_is_named_with_what_to_do(tmp_path):
    with pytest.raises(EmbedderError, match=r"cannot reach the embeddings server .* QA_EMBEDDINGS_URL"):
        Service(server_settings(tmp_path, f"http://127.0.0.1:{free_port()}", embeddings_retries=0))


@pytest.mark.parametrize("garbage", [b"not json", b'{"data": "nonsense"}', b'{"data": []}'])
def test_garbage_from_the_server_is_a_clear_error(tmp_path, scripted, garbage):
    with pytest.raises(EmbedderError, match=r"embeddings server at http://127\.0\.0\.1"):
        ServerEmbedder(scripted(0, garbage), MODEL, "key", 8, 2, 0, 10)


def test_a_server_failing_mid_ingest_leaves_the_store_exactly_as_it_was(tmp_path, scripted):
    folder = tmp_path / "articles"
    folder.mkdir()
    changed = folder / SEED_FILES[0].name
    changed.write_text(SEED_FILES[0].read_text(encoding="utf-8"), encoding="utf-8")
    settings = server_settings(tmp_path, scripted(10**6, b""), embeddings_batch=4, embeddings_concurrency=1)
    Service(settings).ingest([folder], show_progress=False)
    before = Service(settings).store.collection.get(include=["documents"])
    # the next run changes that article and adds four; the server answers the probe and two batches only
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA closing line was added today.", encoding="utf-8")
    for seed in SEED_FILES[1:]:
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    failing = settings.model_copy(update={"embeddings_url": scripted(3, b'{"data": []}'), "ingest_batch": 4})
    service = Service(failing)
    with pytest.raises(EmbedderError, match="answered 0 vectors"):
        service.ingest([folder], show_progress=False)
    after = service.store.collection.get(include=["documents"])
    assert sorted(zip(after["ids"], after["documents"])) == sorted(zip(before["ids"], before["documents"]))


def test_a_store_of_the_server_model_names_the_settings_that_open_it(tmp_path, scripted):
    settings = server_settings(tmp_path, scripted(10**6, b""))
    Service(settings).ingest([SEED_FILES[1]], show_progress=False)
    with pytest.raises(StoreError, match=f"QA_EMBEDDER=openai and QA_EMBEDDINGS_MODEL={MODEL}"):
        Service(make_settings(tmp_path))


@pytest.fixture(scope="module")
def infinity(tmp_path_factory):
    if not INFINITY.exists():
        pytest.skip("the embeddings server is not installed: run `make embed-server`")
    port = free_port()
    process = start_infinity(port, tmp_path_factory.mktemp("infinity") / "infinity.log", MODEL)
    yield process, f"http://127.0.0.1:{port}"
    stop_server(process)


@pytest.mark.server
def test_ingest_and_answer_through_an_embeddings_server(infinity, tmp_path):
    _, url = infinity
    service = Service(server_settings(tmp_path, url))
    report = service.ingest([SEEDS], show_progress=False)
    assert report.added > 0 and service.store.collection.metadata["embedder"] == f"openai:{MODEL}"
    stored = service.store.collection.get(include=["documents", "embeddings"], limit=8)
    local = np.array(get_embeddings(MODEL).embed_documents(stored["documents"]))  # the same model, in-process
    assert np.allclose(np.asarray(stored["embeddings"]), local, atol=1e-4)
    answer = service.answer("Who escorted Ryabkov to the dinner in Geneva?", backend="extractive")
    assert "Fomin" in answer.answer and all(c.quote in raw_text(c.source) for c in answer.citations)


@pytest.mark.server
def test_the_server_going_down_stops_an_ingest_with_nothing_written(infinity, tmp_path):
    process, url = infinity
    service = Service(server_settings(tmp_path, url, embeddings_retries=1))
    service.ingest([SEED_FILES[2]], show_progress=False)
    count = service.store.count()
    stop_server(process)
    with pytest.raises(EmbedderError, match="cannot reach the embeddings server"):
        service.ingest([SEEDS], show_progress=False)
    assert service.store.count() == count
