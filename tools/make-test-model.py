#!/usr/bin/env python3
"""Builds an extractive-QA model with random weights in a real architecture, as a model bundle.

With --task classification it builds a sequence-classification model instead (--num-labels N or
--labels a,b,...; the logits of the first token's pooled state, [batch, labels]), whose bundle or
Hugging Face folder names the labels as transformers does.

BERT (takes token_type_ids) or DistilBERT (does not), sized by --layers/--hidden/--heads/
--intermediate, with the vocabulary of a Hugging Face tokenizer.json, traced to TorchScript. The
bundle (model.pt or model.onnx, tokenizer.json, corpusqa-model.json) loads in corpus-qa like an
exported Hugging Face model; --format onnx and --precision int8 write the cheaper CPU variants (see
bundle_writer.py); --layout hf writes a Hugging Face folder instead (see hf_layout.py). Random
weights exercise everything but accuracy. Needs only PyTorch (python3-torch 1.13 will do). Example:

  python3 tools/make-test-model.py --arch distilbert --layers 6 --hidden 768 --heads 12 \
      --intermediate 3072 --tokenizer tokenizer.json --out /tmp/distilbert-base-random
  python3 tools/make-test-model.py ... --format onnx --precision int8 --layout hf --out /tmp/hf-int8
The same --seed gives the same weights in every format and precision, so answers can be compared.
"""
import argparse
import json
import math

import torch
from torch import nn
from torch.nn import functional as F

import bundle_writer
import hf_layout

MASKED = -10000.0  # additive mask value for padding: zeroes a softmax, and is small enough for fp16


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        if hidden % heads != 0:
            raise SystemExit(f"--hidden {hidden} must be a multiple of --heads {heads}")
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)

    def forward(self, x, additive_mask):
        batch = x.size(0)

        def split(t):
            return t.view(batch, -1, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        weights = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + additive_mask
        context = torch.matmul(F.softmax(weights, dim=-1), v)
        return self.out(context.transpose(1, 2).reshape(batch, -1, self.heads * self.head_dim))


class EncoderLayer(nn.Module):
    """A post-LayerNorm transformer layer, as in BERT and DistilBERT."""

    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.ffn_in = nn.Linear(hidden, intermediate)
        self.ffn_out = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, additive_mask):
        x = self.attention_norm(x + self.attention(x, additive_mask))
        return self.output_norm(x + self.ffn_out(F.gelu(self.ffn_in(x))))


class QuestionAnsweringModel(nn.Module):
    def __init__(self, arch, vocab_size, layers, hidden, heads, intermediate, max_positions):
        super().__init__()
        self.arch = arch
        self.word_embeddings = nn.Embedding(vocab_size, hidden)
        self.position_embeddings = nn.Embedding(max_positions, hidden)
        self.token_type_embeddings = nn.Embedding(2, hidden) if arch == "bert" else None
        self.embedding_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, intermediate) for _ in range(layers))
        self.qa_outputs = nn.Linear(hidden, 2)
        self.register_buffer("position_ids", torch.arange(max_positions).unsqueeze(0))

    def hidden_states(self, input_ids, attention_mask, token_type_ids=None):
        positions = self.position_ids[:, : input_ids.size(1)]
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        if token_type_ids is not None:
            x = x + self.token_type_embeddings(token_type_ids)
        x = self.embedding_norm(x)
        # type_as, not .to(x.dtype): a trace records the dtype it saw as a constant, and an fp16
        # bundle is traced in fp32 and then cast.
        additive_mask = (1.0 - attention_mask[:, None, None, :].type_as(x)) * MASKED
        for layer in self.layers:
            x = layer(x, additive_mask)
        return x

    def encode(self, input_ids, attention_mask, token_type_ids=None):
        logits = self.qa_outputs(self.hidden_states(input_ids, attention_mask, token_type_ids))
        return logits[..., 0].contiguous(), logits[..., 1].contiguous()


class SequenceClassificationModel(QuestionAnsweringModel):
    """The same encoder with a classification head on the first token ([CLS] / <s>): a tanh-pooled
    dense layer, then one logit per label."""

    def __init__(self, arch, vocab_size, layers, hidden, heads, intermediate, max_positions, num_labels):
        super().__init__(arch, vocab_size, layers, hidden, heads, intermediate, max_positions)
        del self.qa_outputs  # the encoder's QA head: a classifier has its own
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, num_labels)

    def classify(self, input_ids, attention_mask, token_type_ids=None):
        hidden_states = self.hidden_states(input_ids, attention_mask, token_type_ids)
        return self.classifier(torch.tanh(self.pooler(hidden_states[:, 0])))


class BertForSequenceClassification(SequenceClassificationModel):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classify(input_ids, attention_mask, token_type_ids)


class DistilBertForSequenceClassification(SequenceClassificationModel):
    def forward(self, input_ids, attention_mask):
        return self.classify(input_ids, attention_mask)


class BertForQA(QuestionAnsweringModel):
    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.encode(input_ids, attention_mask, token_type_ids)


class DistilBertForQA(QuestionAnsweringModel):
    def forward(self, input_ids, attention_mask):
        return self.encode(input_ids, attention_mask)


def vocab_size_of(tokenizer):
    model = tokenizer["model"]
    vocab = model.get("vocab")
    if isinstance(vocab, dict):  # WordPiece, BPE
        ids = list(vocab.values())
    elif isinstance(vocab, list):  # Unigram (XLM-R): [[piece, score], ...]
        ids = [len(vocab) - 1]
    else:
        raise SystemExit("tokenizer.json has no model.vocab: cannot size the embeddings")
    ids += [t["id"] for t in tokenizer.get("added_tokens", [])]
    return max(ids) + 1


def initialise(model, seed, logit_scale):
    torch.manual_seed(seed)
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.bias)
    # Wider QA-head weights give logits with a spread like a trained model's (a few units), so that
    # answers and scores differ clearly between spans instead of being nearly uniform.
    if isinstance(model, SequenceClassificationModel):
        hidden = model.classifier.in_features
        nn.init.normal_(model.pooler.weight, mean=0.0, std=1.0 / math.sqrt(hidden))
        nn.init.normal_(model.classifier.weight, mean=0.0, std=logit_scale / math.sqrt(hidden))
    else:
        hidden = model.qa_outputs.in_features
        nn.init.normal_(model.qa_outputs.weight, mean=0.0, std=logit_scale / math.sqrt(hidden))


def add_shape_arguments(parser):
    """The architecture flags; train-test-model.py takes the same, so that its weights load here."""
    parser.add_argument("--arch", choices=["bert", "distilbert"], required=True)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--intermediate", type=int, default=64)
    parser.add_argument("--max-positions", type=int, default=512)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_shape_arguments(p)
    p.add_argument("--max-seq-len", type=int, default=384, help="windows the bundle asks for")
    p.add_argument("--tokenizer", required=True, help="a Hugging Face tokenizer.json")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--logit-scale", type=float, default=2.0)
    p.add_argument("--weights", help="a state dict from train-test-model.py, trained with the same "
                   "shape flags, instead of random weights")
    p.add_argument("--name", help="model name in the bundle (default: derived from the shape)")
    p.add_argument("--format", choices=bundle_writer.FORMATS, default="torchscript")
    p.add_argument("--precision", choices=bundle_writer.PRECISIONS, default="fp32")
    bundle_writer.add_fp32_modules_argument(p)
    p.add_argument("--out", required=True, help="bundle directory to write")
    p.add_argument("--task", choices=["question-answering", "classification"], default="question-answering")
    p.add_argument("--num-labels", type=int, default=2, help="classification: labels, named LABEL_0... (default: 2)")
    p.add_argument("--labels", help="classification: comma-separated label names, by output index")
    args = hf_layout.parse_args(p)
    args.label_names = (args.labels.split(",") if args.labels
                        else [f"LABEL_{i}" for i in range(args.num_labels)])
    if args.task == "classification" and (len(args.label_names) < 2 or len(set(args.label_names)) < len(args.label_names)):
        raise SystemExit(f"--labels must name at least two distinct labels, got: {args.label_names}")
    if args.max_seq_len > args.max_positions:
        raise SystemExit(f"--max-seq-len {args.max_seq_len} exceeds --max-positions {args.max_positions}")

    with open(args.tokenizer, encoding="utf-8") as f:
        tokenizer = json.load(f)
    vocab_size = vocab_size_of(tokenizer)
    if args.task == "classification":
        cls = BertForSequenceClassification if args.arch == "bert" else DistilBertForSequenceClassification
        model = cls(args.arch, vocab_size, args.layers, args.hidden, args.heads, args.intermediate,
                    args.max_positions, len(args.label_names))
    else:
        cls = BertForQA if args.arch == "bert" else DistilBertForQA
        model = cls(args.arch, vocab_size, args.layers, args.hidden, args.heads, args.intermediate,
                    args.max_positions)
    initialise(model, args.seed, args.logit_scale)
    if args.weights:
        model.load_state_dict(torch.load(args.weights))
    model.eval()

    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if args.arch == "bert" else [])
    generator = torch.Generator().manual_seed(args.seed)

    def example(batch, length):
        ids = torch.randint(0, vocab_size, (batch, length), generator=generator)
        mask = torch.ones(batch, length, dtype=torch.long)
        mask[0, length // 2:] = 0
        types = torch.zeros(batch, length, dtype=torch.long)
        types[:, length // 3:] = 1
        return (ids, mask, types)[: len(inputs)]

    module = bundle_writer.prepare(model, args.format, args.precision, bundle_writer.fp32_modules_of(args))
    outputs = ("logits",) if args.task == "classification" else ("start_logits", "end_logits")
    written = bundle_writer.write_model(module, example(2, 16), inputs, args.model_dir, args.format, args.precision,
                                        outputs)
    if args.format == "torchscript" and args.precision != "fp16":  # this PyTorch has no CPU fp16 matmul
        # The trace must not have frozen the shapes it saw: check another batch size and length.
        check = example(3, 41)
        with torch.no_grad():
            got_all, want_all = torch.jit.load(written)(*check), module(*check)
            if args.task == "classification":
                got_all, want_all = (got_all,), (want_all,)
            for got, want in zip(got_all, want_all):
                if got.shape != want.shape or not torch.allclose(got, want, atol=1e-5):
                    raise SystemExit("traced model disagrees with the eager model on a new shape")
    suffix = "" if (args.format, args.precision) == ("torchscript", "fp32") else f"-{args.format}-{args.precision}"
    origin = "trained" if args.weights else "random"
    task = "-cls" if args.task == "classification" else ""
    name = args.name or f"{origin}-{args.arch}{task}-L{args.layers}-H{args.hidden}{suffix}"
    manifest_task = {"task": "text-classification", "labels": args.label_names} if args.task == "classification" \
        else {"task": "question-answering"}
    hf_layout.write_files(args, vocab_size, {
        **manifest_task,
        "name": name,
        "version": f"seed-{args.seed}",
        "architecture": args.arch,
        "precision": args.precision,
        "inputs": inputs,
        "max_seq_len": args.max_seq_len,
        "created_by": "tools/make-test-model.py (" + (
            "weights from tools/train-test-model.py" if args.weights else "random weights") + ")",
    })
    params = sum(t.numel() for t in model.parameters())
    print(f"wrote {args.out}: {name}, {params} parameters, vocabulary {vocab_size}")


if __name__ == "__main__":
    main()

# A trace records in model.pt the file and line of every Python frame it ran through: the model's
# forward lines above, main's call of write_model, the main() call, bundle_writer's trace call.
# Moving any of them changes the bytes, and so the sha256 corpus-qa identifies a model by, of every
# TorchScript model this tool writes, the committed test models' included.
