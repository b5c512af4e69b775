"""The folder layouts make-test-model.py writes: corpus-qa's bundle, or a Hugging Face folder.

  bundle  model.pt or model.onnx, tokenizer.json and corpusqa-model.json (see bundle_writer.py)
  hf      what a Hugging Face user has, with no corpusqa-model.json:
          config.json            architectures ["BertForQuestionAnswering"] or
                                 ["DistilBertForQuestionAnswering"], model_type, the sizes under the
                                 names transformers uses for that model type, max_position_embeddings,
                                 vocab_size, pad_token_id (the tokenizer's pad token's id)
          tokenizer.json         copied
          tokenizer_config.json  model_max_length (--max-seq-len), model_input_names in the order
                                 the model takes them, the special tokens the tokenizer has
          model.pt, model.onnx   or, with --onnx-subfolder, onnx/model.onnx, where hub repositories
                                 keep it
corpus-qa reads an hf folder's task from config.json, its inputs from the model and its max_seq_len
from tokenizer_config.json and config.json. Needs nothing but the standard library.
"""
import json
import os
import shutil

import bundle_writer

LAYOUTS = ("bundle", "hf")
# Special tokens by role, as BERT's and RoBERTa's tokenizers name them.
SPECIAL_TOKENS = {
    "pad_token": ("[PAD]", "<pad>"),
    "unk_token": ("[UNK]", "<unk>"),
    "cls_token": ("[CLS]", "<s>"),
    "sep_token": ("[SEP]", "</s>"),
    "mask_token": ("[MASK]", "<mask>"),
}


def parse_args(parser):
    """Adds --layout and --onnx-subfolder to make-test-model's parser and parses the command line;
    args.model_dir is where the model file goes."""
    parser.add_argument("--layout", choices=LAYOUTS, default="bundle",
                        help="bundle: corpus-qa's, with corpusqa-model.json (default); "
                             "hf: a Hugging Face folder, with config.json and tokenizer_config.json")
    parser.add_argument("--onnx-subfolder", action="store_true",
                        help="with --layout hf --format onnx: write onnx/model.onnx, as hub repositories do")
    args = parser.parse_args()
    if args.onnx_subfolder and (args.layout, args.format) != ("hf", "onnx"):
        parser.error(f"--onnx-subfolder is for --layout hf --format onnx, got: --layout {args.layout} "
                     f"--format {args.format}")
    args.model_dir = os.path.join(args.out, "onnx") if args.onnx_subfolder else args.out
    return args


def write_files(args, vocab_size, manifest):
    """The files besides the model: the bundle's, or with --layout hf a Hugging Face folder's."""
    if args.layout == "bundle":
        bundle_writer.write_bundle_files(args.out, args.tokenizer, manifest)
        return
    with open(args.tokenizer, encoding="utf-8") as f:
        tokenizer = json.load(f)
    shutil.copyfile(args.tokenizer, os.path.join(args.out, "tokenizer.json"))
    bundle_writer.write_json(os.path.join(args.out, "config.json"),
                             config(args, vocab_size, pad_token_id(tokenizer)))
    bundle_writer.write_json(os.path.join(args.out, "tokenizer_config.json"), {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": manifest["max_seq_len"],
        "model_input_names": manifest["inputs"],
        **special_tokens(tokenizer),
    })
    print(f"Hugging Face layout: config.json, tokenizer.json, tokenizer_config.json, "
          f"{os.path.relpath(os.path.join(args.model_dir, bundle_writer.MODEL_FILES[args.format]), args.out)}")


def config(args, vocab_size, pad_id):
    """config.json as transformers writes it for BERT or DistilBERT, for the model make-test-model
    builds (post-LayerNorm layers, exact GELU, LayerNorm eps 1e-12, learned absolute positions);
    a classification model's names its labels in id2label / label2id, as transformers does."""
    made = _architecture_config(args, vocab_size, pad_id)
    if getattr(args, "task", "question-answering") == "classification":
        made["architectures"] = [made["architectures"][0].replace("ForQuestionAnswering", "ForSequenceClassification")]
        made["id2label"] = {str(i): label for i, label in enumerate(args.label_names)}
        made["label2id"] = {label: i for i, label in enumerate(args.label_names)}
    return made


def _architecture_config(args, vocab_size, pad_id):
    if args.arch == "bert":
        return {
            "architectures": ["BertForQuestionAnswering"],
            "model_type": "bert",
            "vocab_size": vocab_size,
            "hidden_size": args.hidden,
            "num_hidden_layers": args.layers,
            "num_attention_heads": args.heads,
            "intermediate_size": args.intermediate,
            "hidden_act": "gelu",
            "max_position_embeddings": args.max_positions,
            "type_vocab_size": 2,
            "layer_norm_eps": 1e-12,
            "position_embedding_type": "absolute",
            "pad_token_id": pad_id,
        }
    return {
        "architectures": ["DistilBertForQuestionAnswering"],
        "model_type": "distilbert",
        "vocab_size": vocab_size,
        "dim": args.hidden,
        "n_layers": args.layers,
        "n_heads": args.heads,
        "hidden_dim": args.intermediate,
        "activation": "gelu",
        "max_position_embeddings": args.max_positions,
        "sinusoidal_pos_embds": False,
        "pad_token_id": pad_id,
    }


def _token_ids(tokenizer):
    """{token: id} over the tokenizer's vocabulary and added tokens."""
    vocab = tokenizer["model"].get("vocab") or {}
    ids = dict(vocab) if isinstance(vocab, dict) else {piece: i for i, (piece, _) in enumerate(vocab)}
    ids.update({t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])})
    return ids


def special_tokens(tokenizer):
    """{role: token} for the special tokens the tokenizer.json has, found by their usual names."""
    ids = _token_ids(tokenizer)
    found = {}
    for role, names in SPECIAL_TOKENS.items():
        present = [name for name in names if name in ids]
        if present:
            found[role] = present[0]
    return found


def pad_token_id(tokenizer):
    """The pad token's id: from the tokenizer's padding settings, else its [PAD] or <pad> token."""
    padding = tokenizer.get("padding") or {}
    if "pad_id" in padding:
        return padding["pad_id"]
    pad = special_tokens(tokenizer).get("pad_token")
    if pad is None:
        print("note: the tokenizer has no [PAD] or <pad> token; config.json says pad_token_id 0")
        return 0
    return _token_ids(tokenizer)[pad]
