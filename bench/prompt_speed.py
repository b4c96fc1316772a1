"""How fast does llama.cpp read a prompt here, under the settings that could change it? (The local model's
first token waits for the whole select prompt, ~490 tokens on the seed questions.)

    python bench/prompt_speed.py
"""

from __future__ import annotations

import time

from common import ROOT, save

from qa.config import Settings
from qa.llm.model_files import assemble

VARIANTS = {
    "default (n_batch 512)": {},
    "flash_attn": {"flash_attn": True},
    "n_batch 256": {"n_batch": 256, "n_ubatch": 256},
    "n_ubatch 128": {"n_ubatch": 128},
}


def measure(path: str, text: str, extra: dict, tokens: int = 500) -> float:
    from llama_cpp import Llama

    options = {"n_ctx": 4096, "n_batch": 512, "n_threads": 2, "seed": 0, "verbose": False, **extra}
    llama = Llama(model_path=path, **options)
    ids = llama.tokenize(text.encode())[:tokens]
    best = float("inf")
    for _ in range(2):
        llama.reset()
        started = time.perf_counter()
        llama.eval(ids)
        best = min(best, time.perf_counter() - started)
    return round(len(ids) / best, 1)


def main() -> None:
    path = str(assemble(Settings().model_path))
    text = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    save("prompt_speed", {"tokens_per_s": {name: measure(path, text, extra) for name, extra in VARIANTS.items()}})


if __name__ == "__main__":
    main()
