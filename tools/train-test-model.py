#!/usr/bin/env python3
"""Trains a small extractive-QA model from scratch on SQuAD-format data and writes its weights.

Why: no fine-tuned QA model can be downloaded on these machines, and a model with random weights
has nearly flat logits, so whether a cheaper format (int8) keeps the fp32 model's top answers cannot
be judged on one: the smallest rounding flips its argmax. A model trained here, even a small one on
a few thousand questions, has the peaked start/end logits of a trained model on the text it learned
from, which is what the comparison needs. It is not a good QA model and is not meant to be one.

Writes a state dict for make-test-model.py --weights, which then writes it in any format/precision
with the same architecture flags. Needs only PyTorch. The tokenizer here is a plain re-implementation
of BERT's WordPiece (normalise, split on whitespace and punctuation, greedy longest match), used only
to place the answer labels; corpus-qa itself tokenizes with the real Hugging Face tokenizer. Example:

  python3 tools/train-test-model.py --arch distilbert --layers 4 --hidden 256 --heads 4 \
      --intermediate 1024 --tokenizer bert-base-uncased.tokenizer.json \
      --train ../shared/data/qa/xquad.en.json --epochs 12 --out /tmp/trained.state
  python3 tools/make-test-model.py --arch distilbert --layers 4 --hidden 256 --heads 4 \
      --intermediate 1024 --tokenizer bert-base-uncased.tokenizer.json --weights /tmp/trained.state \
      --format onnx --precision int8 --out /tmp/trained-onnx-int8
"""
import argparse
import importlib.util
import json
import os
import random
import time
import unicodedata

import torch
from torch.nn import functional as F

_spec = importlib.util.spec_from_file_location(
    "make_test_model", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-test-model.py"))
make_test_model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_test_model)


class WordPiece:
    """BERT's uncased WordPiece, giving each token the character span it came from."""

    def __init__(self, tokenizer_json):
        model = tokenizer_json["model"]
        self.vocab = model["vocab"]
        self.unk = self.vocab[model.get("unk_token", "[UNK]")]
        self.prefix = model.get("continuing_subword_prefix", "##")
        normalizer = tokenizer_json.get("normalizer") or {}
        self.lowercase = normalizer.get("lowercase", True)
        # BertNormalizer strips accents when strip_accents is true, or unset and lowercasing; a
        # tokenizer that keeps them (the project's test tokenizer: "й" stays "й") must be followed,
        # or the training windows hold other tokens than the ones the model is run on.
        strip = normalizer.get("strip_accents")
        self.strip_accents = self.lowercase if strip is None else bool(strip)
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]

    def _normalise(self, ch):
        if self.lowercase:
            ch = ch.lower()
        if not self.strip_accents:
            return ch
        return "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")

    @staticmethod
    def _is_punctuation(ch):
        code = ord(ch)
        if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def words(self, text):
        """(normalised word, start, end) in the original text."""
        out, word, start = [], "", None
        for i, ch in enumerate(text):
            if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
                if word:
                    out.append((word, start, i))
                word, start = "", None
            elif self._is_punctuation(ch):
                if word:
                    out.append((word, start, i))
                out.append((self._normalise(ch), i, i + 1))
                word, start = "", None
            else:
                if start is None:
                    start = i
                word += self._normalise(ch)
        if word:
            out.append((word, start, len(text)))
        return [w for w in out if w[0]]

    def encode(self, text):
        """[(token id, char start, char end)]; sub-word pieces share their word's span."""
        tokens = []
        for word, start, end in self.words(text):
            pieces, at = [], 0
            while at < len(word):
                stop = len(word)
                while stop > at:
                    piece = word[at:stop] if at == 0 else self.prefix + word[at:stop]
                    if piece in self.vocab:
                        pieces.append(self.vocab[piece])
                        break
                    stop -= 1
                if stop == at:
                    pieces = [self.unk]
                    break
                at = stop
            tokens.extend((p, start, end) for p in pieces)
        return tokens


def features(squad, tokenizer, max_len, stride):
    """(input ids, start label, end label) per window; unanswerable windows point at [CLS] (0)."""
    out = []
    for article in squad["data"]:
        for paragraph in article["paragraphs"]:
            context = tokenizer.encode(paragraph["context"])
            for qa in paragraph["qas"]:
                question = [t[0] for t in tokenizer.encode(qa["question"])][:64]
                capacity = max_len - len(question) - 3
                answers = [] if qa.get("is_impossible") else qa["answers"][:1]
                first = 0
                while True:
                    window = context[first:first + capacity]
                    offset = len(question) + 2
                    start = end = 0
                    for answer in answers:
                        a_start = answer["answer_start"]
                        a_end = a_start + len(answer["text"])
                        inside = [i for i, t in enumerate(window) if t[1] < a_end and t[2] > a_start]
                        if inside and window[0][1] <= a_start and window[-1][2] >= a_end:
                            start, end = offset + inside[0], offset + inside[-1]
                    ids = [tokenizer.cls] + question + [tokenizer.sep] + [t[0] for t in window] + [tokenizer.sep]
                    out.append((ids, start, end))
                    if first + capacity >= len(context):
                        break
                    first += stride
    return out


def batches(items, size, rng):
    """Shuffled batches of windows of similar length: within each pool of 16 batches the windows
    are sorted by length, so a batch pads to its own longest window, not to the longest of all
    (short contracts then cost what they hold), and the batches' order is shuffled again."""
    order = list(range(len(items)))
    rng.shuffle(order)
    pool = size * 16
    groups = []
    for p in range(0, len(order), pool):
        chunk = sorted(order[p:p + pool], key=lambda j: len(items[j][0]))
        groups += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(groups)
    for group in groups:
        chosen = [items[j] for j in group]
        length = max(len(c[0]) for c in chosen)
        ids = torch.zeros(len(chosen), length, dtype=torch.long)
        mask = torch.zeros(len(chosen), length, dtype=torch.long)
        for row, (tokens, _, _) in enumerate(chosen):
            ids[row, :len(tokens)] = torch.tensor(tokens)
            mask[row, :len(tokens)] = 1
        starts = torch.tensor([c[1] for c in chosen])
        ends = torch.tensor([c[2] for c in chosen])
        yield ids, mask, starts, ends


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    make_test_model.add_shape_arguments(p)
    p.add_argument("--tokenizer", required=True, help="a WordPiece tokenizer.json (BERT)")
    p.add_argument("--train", required=True, nargs="+", help="SQuAD-format JSON files")
    p.add_argument("--max-len", type=int, default=256)
    p.add_argument("--stride", type=int, default=128)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--init", help="start from these weights instead of random ones: a state dict, or a "
                   "TorchScript model.pt written by make-test-model.py with the same shape flags")
    p.add_argument("--out", required=True, help="state dict file to write")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    with open(args.tokenizer, encoding="utf-8") as f:
        tokenizer_json = json.load(f)
    if tokenizer_json["model"].get("type") != "WordPiece":
        raise SystemExit("--tokenizer must be a WordPiece (BERT) tokenizer.json")
    tokenizer = WordPiece(tokenizer_json)
    items = []
    for path in args.train:
        with open(path, encoding="utf-8") as f:
            items += features(json.load(f), tokenizer, args.max_len, args.stride)
    answered = sum(1 for i in items if i[1] > 0)
    print(f"{len(items)} training windows, {answered} with the answer inside", flush=True)

    cls = make_test_model.BertForQA if args.arch == "bert" else make_test_model.DistilBertForQA
    model = cls(args.arch, make_test_model.vocab_size_of(tokenizer_json), args.layers, args.hidden,
                args.heads, args.intermediate, args.max_positions)
    make_test_model.initialise(model, args.seed, logit_scale=1.0)
    if args.init:
        try:
            state = torch.jit.load(args.init).state_dict()
        except RuntimeError:
            state = torch.load(args.init)
        model.load_state_dict(state)
        print(f"starting from the weights of {args.init}", flush=True)
    steps = args.epochs * ((len(items) + args.batch - 1) // args.batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    model.train()
    began, step = time.time(), 0
    for epoch in range(args.epochs):
        total, count = 0.0, 0
        for ids, mask, starts, ends in batches(items, args.batch, rng):
            types = torch.zeros_like(ids)
            inputs = (ids, mask, types) if args.arch == "bert" else (ids, mask)
            start_logits, end_logits = model(*inputs)
            masked = (1 - mask) * make_test_model.MASKED
            loss = (F.cross_entropy(start_logits + masked, starts) + F.cross_entropy(end_logits + masked, ends)) / 2
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total, count, step = total + loss.item(), count + 1, step + 1
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / count:.3f}, step {step}/{steps}, "
              f"{time.time() - began:.0f} s", flush=True)
    torch.save(model.state_dict(), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
