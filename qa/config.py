"""Typed settings: every knob in one place, read from QA_* environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import QAError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Must be set before any ML library is imported: nothing may reach a model hub.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)


class BindError(QAError, RuntimeError):
    """Serving beyond localhost without a token (here, not in qa.server, so the CLI need not import Gradio)."""


class BroadPolicy(BaseModel):
    """Questions that need more than one sentence (an overview, each side's position, a timeline, a question in
    parts): how their kind is decided and how their points are chosen and written (qa/answering/broad.py)."""

    kind_source: Literal["model", "generator", "both"] = Field(
        "generator",
        description="what decides a question's kind: the generator (the local model's logits, 0.76 s; the extractive "
        "backend has none, so it answers facts unless a kind is named), the question-kind model (models/"
        "question-kind/: every backend, ~5 ms) or both. Test halves of the seed, realtimeqa, rgb and both summary "
        "sets, with the biases below: fact rows kept on the fact path 92/92 (generator), 89/92 (model), 88/92 "
        "(both); broad rows routed to a broad kind 7/16, 12/16, 13/16. The generator keeps every fact question's "
        "answer (the model's three misrouted seed facts cost the extractive gate its citation precision, 0.79 → "
        "0.71), so it decides (bench/kinds.py, docs/evaluation.md, session 14)",
    )
    kind_bias: dict[str, dict[str, float]] = Field(
        {
            "model": {"parts": -1.5, "overview": -1.0, "comparison": -1.0, "timeline": -1.0},
            "generator": {"comparison": 0.5, "timeline": 1.5},
            "both": {"parts": -0.5, "overview": -0.5, "comparison": 1.0, "timeline": 2.5},
        },
        description="per source, added to each kind's log-probability before the most likely kind is taken (a kind "
        "not named: 0). Fitted by bench/kinds.py on the dev halves of the seed, realtimeqa, rgb and both summary "
        "sets: at least 98% of the fact rows kept on the fact path, then the most broad rows routed broad",
    )
    passages: int = Field(
        10,
        description="passages retrieved for a broad question (a fact question keeps its own number): 20 covered no "
        "more key points on the dev halves of the summary sets at the chosen settings (bench/broad_selection.py, "
        "docs/evaluation.md, session 14)",
    )
    candidates: int = Field(
        60,
        description="best sentences the points are chosen from: 60 against 30 at the chosen settings, nugget recall on "
        "the dev halves 0.327 → 0.343 (bench/broad_selection.py)",
    )
    lines: dict[str, int] = Field(
        {"overview": 8, "comparison": 8, "timeline": 10, "parts": 6},
        description="most lines per kind (the summary sets list 4-8 key points a question; a quoted sentence often "
        "holds two). Two more than the first trial's 6/6/8/4: nugget recall of both summary sets dev 0.343 → 0.378, "
        "test 0.293 → 0.339, at 7.4 lines an answer instead of 5.8; parts kept at 4: dev 0.369",
    )
    diversity: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="points are chosen by maximal marginal relevance: this share the sentence's worth, the rest its "
        "distance from the points already chosen. Grid 0.3/0.5/0.7 on the dev halves of both summary sets: 0.7 best "
        "(bench/broad_selection.py)",
    )
    specificity: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="a point's worth: this share the facts of its own it carries (names and figures the question "
        "does not give), the rest its relevance to the question. Grid 0/0.3/0.5: 0.3 best on the dev halves (0.338 → "
        "0.343, test 0.265 → 0.293 against the best setting without it; bench/broad_selection.py)",
    )
    same_point: float = Field(
        0.8,
        description="a sentence whose meaning (MiniLM cosine) is this close to a chosen point says the same thing "
        "and is never a second point",
    )
    min_share: float = Field(
        0.0,
        description="a point's relevance must be at least this share of the best sentence's. Grid 0/0.3/0.5: no floor "
        "(0) covered the most key points on the dev halves; the candidates' own cut (the best 60) is enough",
    )
    min_dated: int = Field(
        3,
        description="a timeline is its dated events; undated sentences (placed by their article's date) are added "
        "only when fewer dated ones than this are found. First trial on the seeds: undated fillers were off the "
        'timeline ("The situation has been tense for weeks")',
    )
    writer: Literal["model", "quote"] = Field(
        "quote",
        description="each line is the point's sentence itself, quoted, or (model) written by the generator from it "
        "and then verified. The local model's lines covered fewer key points (nugget recall, dev/test: seeds 0.146/"
        "0.165 against 0.256/0.237 quoted; realtimeqa 0.152/0.062 against 0.306/0.192) with fewer lines supported "
        "(0.54/0.44 and 0.29/0.62 against 1.0), and cost ~1.5 s a line (docs/evaluation.md, session 14)",
    )


class AnswerPolicy(BaseModel):
    """Everything that decides what is answered, cited or refused, each with the reason for its value.
    Confidence floors are fitted by `qa eval --calibrate` on the dev half of a question set (the fitted
    values and their dev/test figures are in eval/calibration/); nothing here names a question's words."""

    candidates: int = Field(
        10,
        description="candidate sentences numbered for the selector: 10 held the answer "
        "sentence for the seed dev questions while keeping the prompt ~400 tokens. 8 (first token ×0.82) gained "
        "no dev answer over three sets, lost 2 on test and citation precision (docs/evaluation.md, session 8)",
    )
    passages: dict[str, int] = Field(
        {"llamacpp": 8},
        description="per backend: passages retrieved before the candidates are drawn (QA_TOP_K overrides). The "
        "local model at 8 against 5, correct answers on the dev halves: seeds 25 → 22, realtimeqa 11 → 14, rgb "
        "14 → 19 (pooled +5 of 93); test halves +3, +1, +6 (docs/evaluation.md). Extractive stays at 5: 8 cost "
        "it the seed test half (0.733 → 0.667). Servers (openai) unmeasured, so 5",
    )
    semantic_weight: float = Field(
        0.6,
        description="how candidate sentences are ranked: this share meaning (MiniLM cosine), the rest idf-weighted "
        "word overlap. From 0.2 to 0.8 an accepted answer was among the 10 candidates as often as at 0.6 on the seed "
        "and rgb halves and within two questions on realtimeqa's; meaning alone (1.0) lost questions on seed and "
        "realtimeqa dev (docs/evaluation.md, session 10)",
    )
    answer_weight: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="how candidate sentences are ranked: this share the answer-sentence model's P(states the "
        "answer), the rest meaning and words (semantic_weight); 0 = the model does not rank. Replayed on the three "
        "sets' candidates (bench/answer_model_replay.py): a stating sentence among the 10 candidates, pooled dev 60 → "
        "62 of 62 at 0.25-0.5 but test 65 → 65; first, dev 38 → 37 and test 37 → 36 at 0.25; the model alone (1.0) "
        "loses on both halves. No held-out gain, so 0 (docs/evaluation.md, session 13)",
    )
    min_stating: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="\"The articles don't say.\" when no candidate's P(states the answer) from the answer-sentence "
        "model reaches this; one floor for every backend; 0 = the model never refuses. Replayed on the three sets, no "
        "floor refused more unanswerable than answerable rows on the pooled dev halves (0.05: ±0, 0.1: -5, 0.2: -13 "
        "net) or on test (0.05: -2, 0.1: -2, 0.2: -11): on realtimeqa alone 0.2 refuses 4 of 15 unanswerable rows and "
        "no stated one, but 13 of 44 seed and 19 of 60 rgb answerable rows (docs/evaluation.md, session 13)",
    )
    max_evidence: int = Field(
        3,
        description="sentences an answer may rest on; more is a list of loosely related facts. 2 raised citation "
        "precision on five of six halves but lost 5 pooled test answers (docs/evaluation.md, session 11)",
    )
    min_relevance: float = Field(
        0.35,
        description="below this dense similarity (and no keyword hit) a passage is "
        "off topic; from the first eval round (it only stops hopeless asks)",
    )
    min_confidence: dict[str, float] = Field(
        {"llamacpp": 0.0, "extractive": 0.0, "openai": 0.0},
        description="per backend: the selector's confidence below which the answer is refused. Floors fitted on "
        "the pooled dev halves of the seed, realtimeqa and rgb sets (`qa eval --fit-floor`, eval/calibration/) "
        "did not improve any test half (seeds 0.800→0.733 llamacpp, 0.733→0.700 extractive; the news sets "
        "equal or lower), so none is set until a confidence earns its refusals on held-out questions",
    )
    verifier: Literal["judge", "lexical"] = Field(
        "judge",
        description="how a written sentence is checked against its evidence: the model's yes/no judgement "
        "(sees relations) or word overlap (see docs/evaluation.md for both methods' figures)",
    )
    min_entailment: float = Field(
        0.5,
        description="P(yes) the judge must give a sentence for it to be kept: more likely supported than not. "
        "Floors from 0.2 to 0.7 replayed on the recorded answers of the three sets gained no question on the "
        "pooled dev halves that they did not lose on test (docs/evaluation.md, session 10)",
    )
    min_overlap: float = Field(0.5, description="lexical verifier: share of a sentence's content words in its evidence")
    cite_share: float = Field(
        0.7,
        description="a chosen sentence is cited for a claim when its word overlap with the claim is at least this "
        "share of the best chosen sentence's. Replayed from 0.5 to 1.0 on the recorded answers of the three sets, "
        "pooled dev citation precision peaked at 0.7 (0.807 → 0.863), test 0.788 → 0.812, up on every test half, "
        "no answer or second version lost (docs/evaluation.md, session 12)",
    )
    min_coverage: float = Field(
        0.5,
        description="extractive only (no judge): share of the question's words the "
        "evidence's articles must hold; the first round's on-topic share",
    )
    same_statement: float = Field(
        0.5,
        description="two sentences are versions of one statement (and may conflict) "
        "when they share half of the shorter one's words besides figures "
        "and names; not tuned",
    )
    second_version: float = Field(
        0.9,
        description="the extractive selector also chooses another article's "
        "sentence scoring this share of the best one's (a second version)",
    )

    broad: BroadPolicy = BroadPolicy()

    def floor(self, backend: str) -> float:
        return self.min_confidence.get(backend, 0.5)

    @property
    def uses_answer_model(self) -> bool:
        return self.answer_weight > 0 or self.min_stating > 0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore", env_nested_delimiter="__")

    # Store
    store_path: Path = PROJECT_ROOT / "vectorstore"
    collection: str = "articles"
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset = embedded store")
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    # Embeddings and chunking
    # The packaged int8 file stays the default: the int8-compute model ingests 2.15x faster with the same hit@5
    # on the three sets, but the local model answered 2 fewer dev and 5 fewer test questions with it (pooled over
    # the three sets; docs/evaluation.md, session 7), so it is a choice, not the default, until that is understood.
    embedder: str = Field(
        "all-MiniLM-L6-v2-int8",
        description="all-MiniLM-L6-v2-int8 (ONNX, the packaged file), all-MiniLM-L6-v2-int8-dynamic (ONNX with int8 "
        "compute: 2x faster ingest), all-MiniLM-L6-v2 (torch) or openai (the embeddings server at "
        "QA_EMBEDDINGS_URL); an existing collection keeps the one that built it unless this is set",
    )
    embeddings_url: str = Field(
        "http://127.0.0.1:7997", description="QA_EMBEDDER=openai: base URL of an OpenAI-compatible embeddings server"
    )
    embeddings_model: str = Field("all-MiniLM-L6-v2", description="the model name the server knows")
    embeddings_api_key: str = "not-needed"
    embeddings_batch: int = Field(64, description="texts per request to the embeddings server")
    embeddings_concurrency: int = Field(4, description="requests to the embeddings server at once during ingest")
    embeddings_retries: int = Field(3, description="retries (with backoff) of a failed request before ingest stops")
    embeddings_timeout: float = Field(60.0, description="seconds to wait for one request")
    chunk_tokens: int = Field(180, description="cl100k tokens per chunk; MiniLM truncates at 256 word pieces")
    chunk_overlap: int = 40
    ingest_batch: int = Field(256, description="chunks embedded and written together (across files)")
    max_article_bytes: int = Field(2 * 1024 * 1024, description="bigger files are skipped with a reason")
    example_questions: int = Field(
        5,
        description="the newest articles that get a question written by the generator (0 = none), in the "
        "background of `qa serve` after each ingest: never holding an ingest or a watch round",
    )

    # Fetching pages, feeds and sitemaps (`qa ingest URL`, `--feed`, `--sitemap`, `qa watch`)
    fetch_allow_private: bool = Field(
        False,
        description="fetch from private, loopback and link-local addresses (an intranet, tests). Off: a URL a user "
        "gives the API must not reach the machine's own services or the cloud metadata address",
    )
    fetch_timeout: float = Field(
        20.0,
        description="seconds to connect and between two reads (a whole page may take twice this): news pages "
        "arrive in 1-3 s, and a round must not hang on one dead site",
    )
    fetch_retries: int = Field(2, description="retries of a timeout, a dropped connection, 429 or 5xx; then it fails")
    fetch_backoff: float = Field(1.0, description="seconds before the first retry, doubled for each next one")
    fetch_delay: float = Field(
        1.0,
        description="seconds between the starts of two requests to one host, the usual polite crawl delay (a "
        "robots.txt Crawl-delay may ask for more); 0 for a server of your own",
    )
    fetch_host_concurrency: int = Field(1, description="requests to one host at once: one, as polite crawlers do")
    fetch_concurrency: int = Field(
        4,
        description="pages fetched and extracted at once across hosts: the network waits overlap, while the "
        "2 cores stay free for embedding",
    )
    fetch_max_redirects: int = Field(5, description="redirect hops followed, each checked; browsers stop near 20")
    fetch_user_agent: str | None = Field(None, description="User-Agent sent (default names qa); some sites ask for one")
    feed_max_bytes: int = Field(
        50 * 1024 * 1024, description="largest feed or sitemap read: the sitemap protocol's own limit (50 MB)"
    )
    feed_max_items: int = Field(
        1000,
        description="newest entries read from one feed or sitemap: a news sitemap holds at most 1,000, and a whole "
        "site's 50,000 would take 14 h at a 1 s delay",
    )
    watch_every: str | None = Field(
        None, description="with `qa serve`: read the watched feeds this often (e.g. 30m, 2h); unset = no refresher"
    )
    watch_state_path: Path | None = Field(
        None, description="the watched feeds and what was read from each (JSON); unset = beside the store"
    )

    @field_validator("watch_every")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            seconds(value)
        return value

    def watch_state(self) -> Path:
        return self.watch_state_path or self.store_path.with_name(f"{self.store_path.name}.watch.json")

    # Retrieval
    mmr_lambda: float = Field(
        0.75,
        description="relevance against diversity when the passages are picked: 0.6 to 1.0 moved the answer-bearing "
        "article and the candidates by a question or two either way on realtimeqa's halves (docs/evaluation.md, "
        "session 8)",
    )
    duplicate_jaccard: float = Field(
        0.6,
        description="a passage sharing this share of its 5-word shingles with a better one is dropped as a copy "
        "(wire copies, overlapping chunks); not tuned",
    )
    top_k: int = Field(5, description="passages retrieved; when set, for every backend (else QA_POLICY__PASSAGES)")
    fetch_k: int = Field(
        20,
        description="candidates from each of the dense and keyword rankings before fusion: 40 lost realtimeqa hit@5 "
        "(0.84 → 0.80), 10 lost MRR and candidates (docs/evaluation.md, session 5)",
    )
    recency_weight: float = Field(
        1.0,
        description="with an as_of date, the weight of a newest-first ranking fused with the dense and keyword "
        "ones (0 = off): 1 beat 0 and 2 on the realtimeqa dev half and held on test (0.344 → 0.406). Without "
        "as_of it is not used: 'now' is then today, and on the seed set it cost 0.05 recall@5 (docs/evaluation.md)",
    )
    present_words: tuple[str, ...] = Field(
        (
            "this week",
            "this month",
            "this year",
            "recently",
            "recent",
            "now",
            "latest",
            "currently",
            "current",
            "today",
            "so far",
            "upcoming",
            "newest",
            "how long ago",
        ),
        description="phrases that make a question about the present (issue 14's list): the answer says as of "
        "when, and how old its evidence is",
    )
    stale_days: int = Field(
        30, description="evidence this much older than 'now' is called out as old in an answer about the present"
    )

    # What is answered, cited or refused (QA_POLICY__MIN_ENTAILMENT=0.6 and so on)
    policy: AnswerPolicy = AnswerPolicy()

    # Generation
    backend: str = Field("llamacpp", description="a generator registered in qa/llm/registry.py")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, name: str) -> str:
        from qa.llm.registry import BACKENDS  # here: the registry's package imports this module

        if name not in BACKENDS:
            raise ValueError(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
        return name

    model_path: Path = PROJECT_ROOT / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    n_ctx: int = 4096
    n_threads: int | None = None
    max_tokens: int = 320
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "local"
    openai_api_key: str = "not-needed"
    openai_timeout: float = 60.0
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    # Serving and limits
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = 2000
    max_history_turns: int = 6
    queue_max_waiting: int = Field(8, description="questions allowed to wait for a generator; more get 503")
    queue_timeout: float = Field(120.0, description="seconds a question may wait for a generator")
    openai_concurrency: int = 4
    extractive_concurrency: int = 8
    upload_dir: Path = PROJECT_ROOT / "uploads"
    max_upload_bytes: int = 10 * 1024 * 1024
    feedback_path: Path = Field(
        PROJECT_ROOT / "feedback" / "feedback.jsonl",
        description="readers' votes from the chat; `qa eval --from-feedback` reads it",
    )
    api_token: str | None = Field(None, description="when set, the API and the chat require it")

    def passages(self, backend: str | None = None) -> int:
        """QA_TOP_K when it is set, else the backend's own number in the policy, else 5."""
        if "top_k" in self.model_fields_set:
            return self.top_k
        return self.policy.passages.get(backend or self.backend, self.top_k)


def seconds(duration: str) -> float:
    """'30m', '2h', '90s' or '45' (seconds) as seconds; at least a minute, so a feed is not hammered."""
    text = duration.strip().lower()
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "smhd" else text
    try:
        value = float(number) * unit
    except ValueError:
        raise ValueError(f"{duration!r} is not a duration: use e.g. 30m, 2h, 90s") from None
    if value < 60:
        raise ValueError(f"{duration!r} is under a minute: feeds change every few minutes at most")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
