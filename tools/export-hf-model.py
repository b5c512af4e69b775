#!/usr/bin/env python3
"""Exports a Hugging Face AutoModelForQuestionAnswering to a corpus-qa model bundle.

Runs on a user's machine with `pip install torch transformers` (not on the corpus-qa build machines,
which cannot reach the model hub). Writes model.pt (TorchScript, traced), tokenizer.json (the fast
tokenizer's own file) and corpusqa-model.json. Examples:

  python3 tools/export-hf-model.py --model distilbert-base-cased-distilled-squad --out bundles/distilbert-squad
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --out bundles/xlmr-contracts --max-seq-len 512
"""
import argparse
import inspect
import json
import os

import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer

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
    args = p.parse_args()

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
    os.makedirs(args.out, exist_ok=True)
    with torch.no_grad():
        traced = torch.jit.trace(StartEndLogits(model, inputs), tuple(example[n] for n in inputs))
    traced.save(os.path.join(args.out, "model.pt"))
    tokenizer.backend_tokenizer.save(os.path.join(args.out, "tokenizer.json"))
    manifest = {
        "task": "question-answering",
        "name": args.name or args.model,
        "version": args.version,
        "architecture": model.config.model_type,
        "inputs": inputs,
        "max_seq_len": args.max_seq_len,
        "created_by": "tools/export-hf-model.py",
    }
    with open(os.path.join(args.out, "corpusqa-model.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out}: {manifest['name']} ({manifest['architecture']}), inputs {inputs}")


if __name__ == "__main__":
    main()
