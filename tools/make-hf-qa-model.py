#!/usr/bin/env python3
"""Builds a random-weight Hugging Face question-answering model with transformers' own classes.

Where tools/make-test-model.py rebuilds BERT and DistilBERT in plain PyTorch (so that tests need no
transformers), this tool makes BertForQuestionAnswering, DistilBertForQuestionAnswering or
XLMRobertaForQuestionAnswering themselves, with transformers' own initialisation, and
save_pretrained()s the model with its fast tokenizer. Such a folder is what a user downloads from the
hub, shrunk: the real Hugging Face question-answering pipeline runs on it (tools/pipeline-reference.py)
and tools/export-hf-model.py exports it, so that corpus-qa's answers can be compared with the
pipeline's on architectures and tokenizers corpus-qa did not build itself (XLM-R's Unigram, with
RoBERTa-style positions, above all).

The configuration follows the tokenizer: vocab_size is its vocabulary with added tokens, pad_token_id
its pad token's id, the special tokens are those of a tokenizer_config.json beside the tokenizer.json
(or --tokenizer-config), else found by their usual names ([CLS]/<s>, [SEP]/</s>, [PAD]/<pad>, ...).
Positions: XLM-R numbers them after the padding id, so max_position_embeddings = max_seq_len +
pad_token_id + 1 (386 for 384 tokens, as 514 is for 512); BERT and DistilBERT get 512 (or
--max-seq-len where larger), as the released models have. tokenizer_config.json's model_max_length is
--max-seq-len.

The QA head is drawn wider than transformers' initialisation (std --logit-scale / sqrt(hidden)), so
that start and end logits spread over a few units as a trained model's do and spans rarely tie; the
same --seed gives the same weights. Written into --out (absent or empty; written beside it and
renamed at the end): config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
special_tokens_map.json. The folder is then reloaded and checked: the saved tokenizer.json must encode
as the given one, AutoTokenizer as the `tokenizers` library, and the model must give finite logits.

Run it in the reference venv (tools/reference-venv.sh):

  target/venv/bin/python tools/make-hf-qa-model.py --arch xlm-roberta \\
      --tokenizer ../shared/fixtures/hf/qa-xlm-roberta/tokenizer.json --out /tmp/hf-xlmr
  target/venv/bin/python tools/make-hf-qa-model.py --arch bert \\
      --tokenizer ../shared/tokenizers/bert-base-uncased.tokenizer.json --out /tmp/hf-bert
"""
import argparse
import json
import math
import os
import sys

try:
    import torch
    import transformers
    from tokenizers import Tokenizer
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
except ImportError as missing:  # imported first, to fail early with the fix
    raise SystemExit(f"{missing}: run this tool with the reference venv (tools/reference-venv.sh, then "
                     f"target/venv/bin/python {' '.join(sys.argv)})") from None

import hf_layout  # after the check: it imports torch (through bundle_writer)
import staged_folder

ARCHS = {
    # arch: (model class, fast tokenizer class the released models of that architecture use)
    "bert": ("BertForQuestionAnswering", "BertTokenizerFast"),
    "distilbert": ("DistilBertForQuestionAnswering", "DistilBertTokenizerFast"),
    "xlm-roberta": ("XLMRobertaForQuestionAnswering", "XLMRobertaTokenizerFast"),
}
ROLES = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
CHECK_PAIRS = [
    ("Каков размер обеспечения исполнения контракта?",
     "Размер обеспечения исполнения контракта составляет пять процентов от начальной цены контракта."),
    ("When does the warranty obligation begin?",
     "The warranty obligation begins on the date of acceptance and lasts twenty four months."),
    ("What are private secondary schools in Germany called?",
     "Ergänzungsschulen are secondary or post-secondary (non-tertiary) schools, which are run by private "
     "individuals, private organizations or rarely, religious groups."),
]


def special_tokens(args, tokenizer_json):
    """{role: token}: from a tokenizer_config.json where there is one, else by the usual names."""
    config_path = args.tokenizer_config
    if config_path is None:
        beside = os.path.join(os.path.dirname(os.path.abspath(args.tokenizer)), "tokenizer_config.json")
        config_path = beside if os.path.isfile(beside) else None
    if config_path:
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
        found = {}
        for role in ROLES:
            value = config.get(role)
            if isinstance(value, dict):  # an AddedToken as older releases serialise it
                value = value.get("content")
            if value:
                found[role] = value
        source = config_path
    else:
        found = hf_layout.special_tokens(tokenizer_json)
        source = "the tokenizer's token names"
    if args.arch == "xlm-roberta":
        # RoBERTa's sentence markers are its cls and sep tokens.
        found.setdefault("bos_token", found.get("cls_token"))
        found.setdefault("eos_token", found.get("sep_token"))
    missing = [role for role in ("cls_token", "sep_token", "pad_token", "unk_token") if not found.get(role)]
    if missing:
        raise SystemExit(f"no {', '.join(missing)} found in {source}: pass --tokenizer-config with them")
    return {role: token for role, token in found.items() if token}


def build(args, staging):
    """Writes the model and its tokenizer into staging; returns the model's inputs."""
    with open(args.tokenizer, encoding="utf-8") as f:
        tokenizer_json = json.load(f)
    raw = Tokenizer.from_file(args.tokenizer)
    special = special_tokens(args, tokenizer_json)
    ids = {role: raw.token_to_id(token) for role, token in special.items()}
    unknown = [f"{role} {special[role]!r}" for role, i in ids.items() if i is None]
    if unknown:
        raise SystemExit(f"{args.tokenizer} has no token for {', '.join(unknown)}")
    vocab_size = raw.get_vocab_size(with_added_tokens=True)
    pad_id = ids["pad_token"]

    common = dict(vocab_size=vocab_size, pad_token_id=pad_id)
    if args.arch == "distilbert":
        config = transformers.DistilBertConfig(
            dim=args.hidden, n_layers=args.layers, n_heads=args.heads, hidden_dim=args.intermediate,
            max_position_embeddings=max(512, args.max_seq_len), activation="gelu", **common)
    elif args.arch == "bert":
        config = transformers.BertConfig(
            hidden_size=args.hidden, num_hidden_layers=args.layers, num_attention_heads=args.heads,
            intermediate_size=args.intermediate, max_position_embeddings=max(512, args.max_seq_len),
            type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12, **common)
    else:
        config = transformers.XLMRobertaConfig(
            hidden_size=args.hidden, num_hidden_layers=args.layers, num_attention_heads=args.heads,
            intermediate_size=args.intermediate,
            # Positions are numbered from pad_token_id + 1, so a window of max_seq_len needs this many.
            max_position_embeddings=args.max_seq_len + pad_id + 1,
            type_vocab_size=1, hidden_act="gelu", layer_norm_eps=1e-12,
            bos_token_id=ids["bos_token"], eos_token_id=ids["eos_token"], **common)
    config.architectures = [ARCHS[args.arch][0]]

    torch.manual_seed(args.seed)
    model = getattr(transformers, ARCHS[args.arch][0])(config).eval()
    with torch.no_grad():
        # Wider than the 0.02 of transformers' initialisation: logits a few units apart, as trained.
        model.qa_outputs.weight.normal_(mean=0.0, std=args.logit_scale / math.sqrt(args.hidden))
        model.qa_outputs.bias.zero_()
    model.save_pretrained(staging, safe_serialization=True)

    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if args.arch == "bert" else [])
    tokenizer_class = getattr(transformers, ARCHS[args.arch][1])
    tokenizer = tokenizer_class(tokenizer_file=args.tokenizer, model_max_length=args.max_seq_len,
                                padding_side="right", truncation_side="right", model_input_names=inputs,
                                clean_up_tokenization_spaces=False, **special)
    # Saved before it encodes anything: encoding with padding or truncation changes the backend's
    # state, which save_pretrained would write into tokenizer.json.
    tokenizer.save_pretrained(staging)
    # Only the fast tokenizer's files: a slow one (vocab.txt, sentencepiece model) is not needed.
    for name in os.listdir(staging):
        if name not in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                        "special_tokens_map.json"):
            os.remove(os.path.join(staging, name))
    params = sum(t.numel() for t in model.parameters())
    print(f"built {ARCHS[args.arch][0]} (seed {args.seed}): {args.layers} layers, hidden {args.hidden}, "
          f"{args.heads} heads, intermediate {args.intermediate}, vocabulary {vocab_size}, "
          f"{config.max_position_embeddings} positions, pad id {pad_id}, {params} parameters; "
          f"tokenizer {type(tokenizer).__name__} with {special}")
    return inputs


def check(args, folder, inputs):
    """The written folder as a user would load it: tokenizer ids as the given tokenizer.json's, and
    finite logits that spread."""
    given = Tokenizer.from_file(args.tokenizer)
    saved = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    hf = AutoTokenizer.from_pretrained(folder)
    for question, context in CHECK_PAIRS:
        want = given.encode(question, context)
        got = saved.encode(question, context)
        if got.ids != want.ids or got.type_ids != want.type_ids or got.offsets != want.offsets:
            raise SystemExit(f"the saved tokenizer.json encodes ({question!r}, ...) differently from {args.tokenizer}")
        encoded = hf(question, context, return_token_type_ids=True, return_offsets_mapping=True)
        if encoded["input_ids"] != want.ids or [tuple(o) for o in encoded["offset_mapping"]] != want.offsets:
            raise SystemExit(f"AutoTokenizer ({type(hf).__name__}) encodes ({question!r}, ...) differently from "
                             f"{args.tokenizer}: {encoded['input_ids'][:12]}... want {want.ids[:12]}...")
    if list(hf.model_input_names) != inputs:
        raise SystemExit(f"the saved tokenizer's model_input_names are {hf.model_input_names}, not {inputs}")
    model = AutoModelForQuestionAnswering.from_pretrained(folder).eval()
    batch = hf([q for q, _ in CHECK_PAIRS], [c for _, c in CHECK_PAIRS], padding=True, truncation="only_second",
               return_tensors="pt")
    with torch.no_grad():
        out = model(**{name: batch[name] for name in inputs})
    real = batch["attention_mask"].bool()
    logits = torch.cat([out.start_logits[real], out.end_logits[real]])
    if not torch.isfinite(logits).all():
        raise SystemExit("the saved model gives non-finite logits")
    print(f"check: AutoTokenizer ({type(hf).__name__}) and the saved tokenizer.json encode as {args.tokenizer} on "
          f"{len(CHECK_PAIRS)} pairs; AutoModelForQuestionAnswering logits at real tokens: std {logits.std():.2f}, "
          f"range {logits.min():.2f} to {logits.max():.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arch", choices=sorted(ARCHS), required=True)
    p.add_argument("--tokenizer", required=True, help="a Hugging Face tokenizer.json")
    p.add_argument("--tokenizer-config", help="a tokenizer_config.json naming the special tokens "
                   "(default: the one beside --tokenizer, if any)")
    p.add_argument("--out", required=True, help="folder to write (absent or empty)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--intermediate", type=int, default=128)
    p.add_argument("--logit-scale", type=float, default=4.0, help="QA head weights' std times sqrt(hidden)")
    p.add_argument("--max-seq-len", type=int, default=384, help="the longest window (model_max_length)")
    args = p.parse_args()
    if min(args.layers, args.hidden, args.heads, args.intermediate, args.max_seq_len) < 1:
        p.error("--layers, --hidden, --heads, --intermediate and --max-seq-len must be positive")
    if args.hidden % args.heads:
        p.error(f"--hidden {args.hidden} must be a multiple of --heads {args.heads}")
    def fill(staging):
        check(args, staging, build(args, staging))

    staged_folder.write(args.out, fill)


if __name__ == "__main__":
    main()
