#!/usr/bin/env python3
"""Exports a Hugging Face AutoModelForQuestionAnswering to a corpus-qa model bundle.

Runs on a user's machine with `pip install torch transformers` (not on the corpus-qa build machines,
which cannot reach the model hub). Writes model.pt (TorchScript, traced) or model.onnx, tokenizer.json
(the fast tokenizer's own file) and corpusqa-model.json. --precision int8 quantizes the Linear layers
dynamically (CPU executors); --precision fp16 halves the weights (GPU executors; needs PyTorch >= 2.1
for fp16 on the CPU, where it traces). See bundle_writer.py. Examples:

  python3 tools/export-hf-model.py --model distilbert-base-cased-distilled-squad --out bundles/distilbert-squad
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --out bundles/xlmr-contracts --max-seq-len 512
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --format onnx --precision int8 --out bundles/xlmr-int8
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --precision fp16 --out bundles/xlmr-gpu
"""
import argparse
import inspect

import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer

import bundle_writer

KNOWN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class StartEndLogits(torch.nn.Module):
    """Calls the model with positional tensors and returns (start_logits, end_logits) only."""

    def __init__(self, model, inputs):
        super().__init__()
        self.model = model
        self.inputs = inputs

    def forward(self, *tensors):
        out = self.model(**dict(zip(self.inputs, tensors)), return_dict=True)
        return out.start_logits, out.end_logits


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="hub id or local directory")
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--max-seq-len", type=int, default=384, help="longest window corpus-qa may send")
    p.add_argument("--name", help="model name in answer rows (default: --model)")
    p.add_argument("--version", default="", help="model version in the bundle")
    p.add_argument("--format", choices=bundle_writer.FORMATS, default="torchscript")
    p.add_argument("--precision", choices=bundle_writer.PRECISIONS, default="fp32")
    bundle_writer.add_fp32_modules_argument(p)
    args = p.parse_args()
    if args.precision == "fp16" and args.format != "torchscript":
        raise SystemExit("--precision fp16 is for GPU executors, which run TorchScript: use --format torchscript")

    tokenizer = AutoTokenizer.from_pretrained(args.model, use_fast=True)
    if not tokenizer.is_fast:
        raise SystemExit("corpus-qa needs a fast (Rust) tokenizer with a tokenizer.json")
    model = AutoModelForQuestionAnswering.from_pretrained(args.model, torchscript=True).eval()
    limit = getattr(model.config, "max_position_embeddings", args.max_seq_len)
    if args.max_seq_len > limit:
        raise SystemExit(f"--max-seq-len {args.max_seq_len} exceeds the model's {limit} positions")

    # The bundle lists the inputs the model's forward accepts and the tokenizer produces, in order.
    accepted = inspect.signature(model.forward).parameters
    produced = tokenizer("a", "b", return_tensors="pt")
    inputs = [name for name in KNOWN_INPUTS if name in accepted and name in produced]
    example = tokenizer("What is secured?", "The contract performance security is five percent.",
                        return_tensors="pt", padding="max_length", max_length=32)
    wrapped = StartEndLogits(model, inputs)
    if args.precision == "fp16":
        # Transformers bakes its dtype into the traced mask arithmetic, so the model is halved before
        # tracing rather than after.
        wrapped = wrapped.half()
    module = bundle_writer.prepare(wrapped, args.format, "fp32" if args.precision == "fp16" else args.precision,
                                   bundle_writer.fp32_modules_of(args))
    bundle_writer.write_model(module, tuple(example[n] for n in inputs), inputs, args.out, args.format)
    bundle_writer.write_bundle_files(args.out, tokenizer.backend_tokenizer, {
        "task": "question-answering",
        "name": args.name or args.model,
        "version": args.version,
        "architecture": model.config.model_type,
        "precision": args.precision,
        "inputs": inputs,
        "max_seq_len": args.max_seq_len,
        "created_by": "tools/export-hf-model.py",
    })
    print(f"wrote {args.out}: {args.name or args.model} ({model.config.model_type}, {args.format} {args.precision}),"
          f" inputs {inputs}")


if __name__ == "__main__":
    main()
