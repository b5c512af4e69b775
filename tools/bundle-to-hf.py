#!/usr/bin/env python3
"""Converts a corpus-qa question-answering bundle into a Hugging Face folder that transformers loads.

The bundle is one tools/make-test-model.py writes (random weights, or trained ones through
tools/train-test-model.py and --weights): model.pt, a TorchScript trace of make-test-model's own
BERT- or DistilBERT-shaped QuestionAnsweringModel, tokenizer.json and corpusqa-model.json
("architecture": "bert" or "distilbert"). That architecture is, layer for layer, transformers'
BertForQuestionAnswering / DistilBertForQuestionAnswering (post-LayerNorm, exact GELU, LayerNorm eps
1e-12, learned absolute positions), so its weights can be renamed into one. The point is to run the
real Hugging Face question-answering pipeline (tools/pipeline-reference.py) on the very model
corpus-qa runs, and to hand fine-tuned bundles back as Hugging Face folders. Writes into --out:

  config.json              BertForQuestionAnswering or DistilBertForQuestionAnswering, with the sizes
                           read from the weights (heads: see below), as save_pretrained writes it
  model.safetensors        every tensor of model.pt, renamed
  tokenizer.json           copied byte for byte
  tokenizer_config.json    PreTrainedTokenizerFast (tokenizer.json as it is, nothing re-derived), the
                           special tokens, model_max_length = the manifest's max_seq_len,
                           model_input_names = the manifest's inputs, padding_side right
  special_tokens_map.json  the special tokens, for older transformers releases

The weights do not record the number of attention heads: it is read from the manifest's
training.shape ("--heads N", written by tools/train-demo-model.sh), else --heads is required (the
committed tiny bundles used make-test-model's default, 2).

Each tensor is renamed by rule; any tensor left over, or any parameter of the transformers model left
unfilled, is refused. Then the written folder is always checked before it is kept: reloaded with
AutoModelForQuestionAnswering (the default attention implementation, as the pipeline loads it, and
eager) and AutoTokenizer, its start/end logits must equal model.pt's within 1e-4 at every real token
on a single pair, pairs of other lengths, a padded batch of two and a full max_seq_len window, and its
tokenizer must give the `tokenizers` library's ids, type ids and offsets on question/context pairs. A
wrong --heads shows up here. On failure nothing is left at --out (the folder is written beside it and
renamed at the end). --check writes nothing and checks an existing --out against the bundle instead.

Needs torch, transformers and tokenizers: run it with the reference venv (tools/reference-venv.sh):

  target/venv/bin/python tools/bundle-to-hf.py --bundle jobs/models/contracts-demo --out /tmp/contracts-demo-hf
  target/venv/bin/python tools/bundle-to-hf.py --bundle src/test/resources/models/tiny-bert --heads 2 --out /tmp/tiny-bert-hf
"""
import argparse
import json
import os
import re
import shutil
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

TOLERANCE = 1e-4
MANIFEST = "corpusqa-model.json"
# Buffers transformers rebuilds itself (non-persistent, or derived from the config): not weights.
BUFFERS = ("position_ids", "token_type_ids")

# Check texts: contract language in Russian and English, short and long, so that both segments,
# subwords and unknown words occur whatever the vocabulary.
PAIRS = [
    ("Каков размер обеспечения исполнения контракта?",
     "Размер обеспечения исполнения контракта составляет пять процентов от начальной (максимальной) цены "
     "контракта, что составляет 12 500,00 рублей."),
    ("What is the warranty period?",
     "The supplier guarantees the quality of the goods for twenty-four months from the date of acceptance."),
    ("Срок?", "Десять рабочих дней."),
    ("обеспечение гарантийных обязательств",
     "Обеспечение гарантийных обязательств предоставляется поставщиком до оформления документа о приемке "
     "в размере одного процента начальной цены контракта; способ обеспечения определяется поставщиком "
     "самостоятельно из числа предусмотренных частью 1 статьи 96 Федерального закона № 44-ФЗ."),
]
LONG_CONTEXT = " ".join(context for _, context in PAIRS) * 40

# make-test-model.py's names -> transformers' names, per architecture. {n} is the layer number.
RENAMES = {
    "bert": [
        (r"word_embeddings\.weight", "bert.embeddings.word_embeddings.weight"),
        (r"position_embeddings\.weight", "bert.embeddings.position_embeddings.weight"),
        (r"token_type_embeddings\.weight", "bert.embeddings.token_type_embeddings.weight"),
        (r"embedding_norm\.(weight|bias)", "bert.embeddings.LayerNorm.{0}"),
        (r"layers\.(\d+)\.attention\.(query|key|value)\.(weight|bias)", "bert.encoder.layer.{0}.attention.self.{1}.{2}"),
        (r"layers\.(\d+)\.attention\.out\.(weight|bias)", "bert.encoder.layer.{0}.attention.output.dense.{1}"),
        (r"layers\.(\d+)\.attention_norm\.(weight|bias)", "bert.encoder.layer.{0}.attention.output.LayerNorm.{1}"),
        (r"layers\.(\d+)\.ffn_in\.(weight|bias)", "bert.encoder.layer.{0}.intermediate.dense.{1}"),
        (r"layers\.(\d+)\.ffn_out\.(weight|bias)", "bert.encoder.layer.{0}.output.dense.{1}"),
        (r"layers\.(\d+)\.output_norm\.(weight|bias)", "bert.encoder.layer.{0}.output.LayerNorm.{1}"),
        (r"qa_outputs\.(weight|bias)", "qa_outputs.{0}"),
    ],
    "distilbert": [
        (r"word_embeddings\.weight", "distilbert.embeddings.word_embeddings.weight"),
        (r"position_embeddings\.weight", "distilbert.embeddings.position_embeddings.weight"),
        (r"embedding_norm\.(weight|bias)", "distilbert.embeddings.LayerNorm.{0}"),
        (r"layers\.(\d+)\.attention\.(query|key|value|out)\.(weight|bias)", "distilbert.transformer.layer.{0}.attention.{1}.{2}"),
        (r"layers\.(\d+)\.attention_norm\.(weight|bias)", "distilbert.transformer.layer.{0}.sa_layer_norm.{1}"),
        (r"layers\.(\d+)\.ffn_in\.(weight|bias)", "distilbert.transformer.layer.{0}.ffn.lin1.{1}"),
        (r"layers\.(\d+)\.ffn_out\.(weight|bias)", "distilbert.transformer.layer.{0}.ffn.lin2.{1}"),
        (r"layers\.(\d+)\.output_norm\.(weight|bias)", "distilbert.transformer.layer.{0}.output_layer_norm.{1}"),
        (r"qa_outputs\.(weight|bias)", "qa_outputs.{0}"),
    ],
}
# DistilBERT calls its attention projections q_lin, k_lin, v_lin, out_lin.
DISTILBERT_ATTENTION = {"query": "q_lin", "key": "k_lin", "value": "v_lin", "out": "out_lin"}
HF_CLASSES = {"bert": "BertForQuestionAnswering", "distilbert": "DistilBertForQuestionAnswering"}


def hf_name(arch, name):
    """The transformers parameter name of a bundle tensor, or None where no rule matches."""
    for pattern, target in RENAMES[arch]:
        match = re.fullmatch(pattern, name)
        if match:
            parts = [DISTILBERT_ATTENTION.get(g, g) if arch == "distilbert" else g for g in match.groups()]
            return target.format(*parts)
    return None


def read_manifest(bundle):
    path = os.path.join(bundle, MANIFEST)
    if not os.path.isfile(path):
        raise SystemExit(f"{bundle} has no {MANIFEST}: not a corpus-qa bundle (a Hugging Face folder needs no conversion)")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    task = manifest.get("task", "question-answering")
    if task != "question-answering":
        raise SystemExit(f"{path}: task {task!r}; this tool converts question-answering bundles only")
    arch = manifest.get("architecture")
    if arch not in RENAMES:
        raise SystemExit(f"{path}: architecture {arch!r}; this tool converts make-test-model.py's "
                         f"{' and '.join(RENAMES)} bundles (an exported Hugging Face model has its folder already)")
    precision = manifest.get("precision", "fp32")
    if precision != "fp32":
        raise SystemExit(f"{path}: precision {precision}; convert the fp32 bundle (int8 and fp16 weights are "
                         f"rounded copies of it)")
    for name in ("model.pt", "tokenizer.json"):
        if not os.path.isfile(os.path.join(bundle, name)):
            raise SystemExit(f"{bundle} has no {name}: this tool converts TorchScript bundles (model.pt)")
    return manifest


def heads_of(manifest, given):
    """The number of attention heads: the manifest's training.shape "--heads N", else --heads."""
    shape = (manifest.get("training") or {}).get("shape", "")
    match = re.search(r"--heads[ =](\d+)", shape)
    recorded = int(match.group(1)) if match else None
    if recorded and given and recorded != given:
        raise SystemExit(f"--heads {given} contradicts the manifest's training.shape ({shape!r})")
    if not (recorded or given):
        raise SystemExit("the bundle does not record its number of attention heads (no \"--heads N\" in the "
                         "manifest's training.shape): pass --heads N as the model was made "
                         "(tools/make-test-model.py's default is 2)")
    return recorded or given


def sizes(state, arch, heads):
    """The architecture's sizes, read from the tensor shapes."""
    try:
        vocab, hidden = state["word_embeddings.weight"].shape
        positions = state["position_embeddings.weight"].shape[0]
        intermediate = state["layers.0.ffn_in.weight"].shape[0]
    except KeyError as e:
        raise SystemExit(f"model.pt has no tensor {e}: not a tools/make-test-model.py model")
    layers = 1 + max(int(m.group(1)) for m in (re.match(r"layers\.(\d+)\.", k) for k in state) if m)
    if hidden % heads:
        raise SystemExit(f"hidden size {hidden} is not a multiple of {heads} heads")
    has_types = "token_type_embeddings.weight" in state
    if has_types != (arch == "bert"):
        raise SystemExit(f"the manifest says {arch}, but model.pt {'has' if has_types else 'lacks'} token type "
                         f"embeddings")
    return {"vocab": vocab, "hidden": hidden, "positions": positions, "intermediate": intermediate,
            "layers": layers, "heads": heads,
            "types": state["token_type_embeddings.weight"].shape[0] if has_types else 0}


def build_config(arch, size, pad_id):
    """config.json's values, as hf_layout.py writes them for make-test-model's models."""
    shape = argparse.Namespace(arch=arch, hidden=size["hidden"], layers=size["layers"], heads=size["heads"],
                               intermediate=size["intermediate"], max_positions=size["positions"])
    values = hf_layout.config(shape, size["vocab"], pad_id)
    if arch == "bert":
        values["type_vocab_size"] = size["types"]
    return values


def convert(args, manifest, staging):
    """Writes the Hugging Face folder into staging."""
    traced = torch.jit.load(os.path.join(args.bundle, "model.pt"), map_location="cpu")
    state = {name: tensor.detach().clone().contiguous() for name, tensor in traced.state_dict().items()}
    arch = manifest["architecture"]
    size = sizes(state, arch, heads_of(manifest, args.heads))
    with open(os.path.join(args.bundle, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    pad_id = manifest.get("pad_token_id", hf_layout.pad_token_id(tokenizer))

    renamed, unmapped = {}, []
    for name, tensor in state.items():
        if name.split(".")[-1] in BUFFERS:
            continue
        target = hf_name(arch, name)
        if target is None:
            unmapped.append(name)
        else:
            renamed[target] = tensor
    if unmapped:
        raise SystemExit(f"model.pt has tensors this tool cannot place: {', '.join(unmapped)}")

    values = build_config(arch, size, pad_id)
    config = transformers.AutoConfig.for_model(values.pop("model_type"), **values)
    model = getattr(transformers, HF_CLASSES[arch])(config).eval()
    missing, unexpected = model.load_state_dict(renamed, strict=False)
    missing = [name for name in missing if name.split(".")[-1] not in BUFFERS]
    if missing or unexpected:
        raise SystemExit(f"the renamed tensors do not fill {HF_CLASSES[arch]}: unfilled {missing}, "
                         f"unknown {unexpected}")
    wanted = model.state_dict()
    for name, tensor in renamed.items():
        if wanted[name].shape != tensor.shape:
            raise SystemExit(f"{name}: shape {tuple(tensor.shape)} where {HF_CLASSES[arch]} has {tuple(wanted[name].shape)}")
    model.save_pretrained(staging, safe_serialization=True)

    shutil.copyfile(os.path.join(args.bundle, "tokenizer.json"), os.path.join(staging, "tokenizer.json"))
    special = hf_layout.special_tokens(tokenizer)
    write_json(os.path.join(staging, "tokenizer_config.json"), {
        # PreTrainedTokenizerFast takes tokenizer.json as it is; BertTokenizerFast would rebuild its
        # normalizer from do_lower_case and friends, and could tokenize differently from corpus-qa.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": manifest["max_seq_len"],
        "model_input_names": manifest.get("inputs") or (
            ["input_ids", "attention_mask"] + (["token_type_ids"] if arch == "bert" else [])),
        # The pipeline reads the question first only where padding is on the right.
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        **special,
    })
    write_json(os.path.join(staging, "special_tokens_map.json"), special)
    print(f"converted {len(state) - sum(1 for n in state if n.split('.')[-1] in BUFFERS)} tensors into "
          f"{HF_CLASSES[arch]}: {size['layers']} layers, hidden {size['hidden']}, {size['heads']} heads, "
          f"intermediate {size['intermediate']}, vocabulary {size['vocab']}, {size['positions']} positions")


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def check_tokenizer(folder, tokenizer_file, max_seq_len):
    """AutoTokenizer on the folder must encode as the `tokenizers` library does with tokenizer.json."""
    hf = AutoTokenizer.from_pretrained(folder)
    if not hf.is_fast:
        raise SystemExit(f"{folder}: AutoTokenizer loaded a slow tokenizer ({type(hf).__name__})")
    if hf.padding_side != "right":
        raise SystemExit(f"{folder}: the tokenizer pads on the {hf.padding_side}; the pipeline would read the context first")
    raw = Tokenizer.from_file(tokenizer_file)
    raw.no_padding()
    raw.enable_truncation(max_length=max_seq_len, strategy="only_second")
    for question, context in PAIRS + [(PAIRS[0][0], LONG_CONTEXT)]:
        want = raw.encode(question, context)
        got = hf(question, context, truncation="only_second", max_length=max_seq_len,
                 return_token_type_ids=True, return_offsets_mapping=True)
        if got["input_ids"] != want.ids or got["token_type_ids"] != want.type_ids or \
                [tuple(o) for o in got["offset_mapping"]] != [tuple(o) for o in want.offsets]:
            raise SystemExit(f"{folder}: AutoTokenizer encodes ({question!r}, {context[:40]!r}...) differently from "
                             f"tokenizers with tokenizer.json: {got['input_ids'][:12]}... want {want.ids[:12]}...")
    print(f"check: AutoTokenizer ({type(hf).__name__}) gives tokenizer.json's ids, type ids and offsets on "
          f"{len(PAIRS) + 1} pairs")


def check_batches(tokenizer_file, pad_id, max_seq_len):
    """(input_ids, attention_mask, token_type_ids) batches: each pair alone, a padded batch of two,
    and a full max_seq_len window beside a padded short pair."""
    raw = Tokenizer.from_file(tokenizer_file)
    raw.enable_truncation(max_length=max_seq_len, strategy="only_second")
    raw.enable_padding(pad_id=pad_id)

    def batch(pairs):
        encodings = raw.encode_batch(pairs)
        return tuple(torch.tensor([getattr(e, field) for e in encodings])
                     for field in ("ids", "attention_mask", "type_ids"))

    batches = [batch([pair]) for pair in PAIRS]
    batches.append(batch(PAIRS[1:3]))
    batches.append(batch([(PAIRS[3][0], LONG_CONTEXT), PAIRS[2]]))
    if batches[-1][0].shape[1] != max_seq_len:
        raise SystemExit(f"the long check pair came to {batches[-1][0].shape[1]} tokens, not {max_seq_len}")
    return batches


def check_model(folder, bundle, manifest):
    """The folder's model against model.pt: the largest |difference| of start/end logits at real tokens."""
    arch = manifest["architecture"]
    traced = torch.jit.load(os.path.join(bundle, "model.pt"), map_location="cpu").eval()
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        pad_id = json.load(f).get("pad_token_id") or 0
    batches = check_batches(os.path.join(bundle, "tokenizer.json"), pad_id, manifest["max_seq_len"])
    results = {}
    # The pipeline loads the model with transformers' default attention (sdpa where the class has it);
    # eager is checked too, so that the folder is right however it is loaded.
    for attention in (None, "eager"):
        options = {"attn_implementation": attention} if attention else {}
        model = AutoModelForQuestionAnswering.from_pretrained(folder, **options).eval()
        label = attention or f"default ({model.config._attn_implementation})"
        worst = 0.0
        with torch.no_grad():
            for ids, mask, types in batches:
                want = traced(ids, mask, types) if arch == "bert" else traced(ids, mask)
                inputs = {"input_ids": ids, "attention_mask": mask}
                if arch == "bert":
                    inputs["token_type_ids"] = types
                out = model(**inputs)
                real = mask.bool()
                for got, expected in ((out.start_logits, want[0]), (out.end_logits, want[1])):
                    if got.shape != expected.shape:
                        raise SystemExit(f"logits of shape {tuple(got.shape)} where model.pt gives {tuple(expected.shape)}")
                    difference = (got - expected).abs()[real]
                    worst = max(worst, float(difference.max()) if torch.isfinite(difference).all() else float("inf"))
        results[label] = worst
    shapes = ", ".join("x".join(str(n) for n in ids.shape) for ids, _, _ in batches)
    for label, worst in results.items():
        print(f"check: start/end logits against model.pt, attention {label}, batches {shapes}: "
              f"max abs difference {worst:.3g} at real tokens (tolerance {TOLERANCE:g})")
    worst = max(results.values())
    if not worst <= TOLERANCE:
        raise SystemExit(f"the Hugging Face model's logits differ from model.pt's by {worst:.3g} (more than "
                         f"{TOLERANCE:g}): is the number of heads right?")
    return worst


def check(folder, args, manifest):
    check_tokenizer(folder, os.path.join(args.bundle, "tokenizer.json"), manifest["max_seq_len"])
    return check_model(folder, args.bundle, manifest)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", required=True, help="a corpus-qa bundle made by tools/make-test-model.py")
    p.add_argument("--out", required=True, help="the Hugging Face folder to write (absent or empty)")
    p.add_argument("--heads", type=int, help="attention heads, where the manifest's training.shape does not say")
    p.add_argument("--check", action="store_true",
                   help="write nothing: check that the existing --out folder is this bundle's model")
    args = p.parse_args()
    if args.heads is not None and args.heads < 1:
        p.error(f"--heads must be positive, got {args.heads}")
    manifest = read_manifest(args.bundle)

    if args.check:
        if not os.path.isfile(os.path.join(args.out, "config.json")):
            raise SystemExit(f"--check: {args.out} has no config.json")
        check(args.out, args, manifest)
        print(f"{args.out} is {args.bundle} as a Hugging Face folder")
        return
    # Written beside --out and renamed into place once checked, so that a failed conversion leaves nothing.
    def fill(staging):
        convert(args, manifest, staging)
        try:
            check(staging, args, manifest)
        except SystemExit as e:
            raise SystemExit(f"{e}; nothing was written to {args.out}") from None

    staged_folder.write(args.out, fill)


if __name__ == "__main__":
    main()
