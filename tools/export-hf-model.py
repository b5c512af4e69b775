#!/usr/bin/env python3
"""Exports a Hugging Face AutoModelForQuestionAnswering to a corpus-qa model folder, and checks it.

With --task classification it exports an AutoModelForSequenceClassification instead (a yes/no model
of the DaNetQA / BoolQ kind, a GLUE classifier): one output, logits [batch, labels], and a manifest
with task text-classification and the labels of config.json's id2label (LABEL_i where it has none);
multi-label models (problem_type multi_label_classification) are refused, as corpus-qa refuses them.
The checks are the same, over each example's label logits. (This path has not yet been run against
a real transformers install: the machines that build corpus-qa have none.)

Runs on a user's machine with `pip install torch transformers` (plus `onnxruntime` to check ONNX
exports), not on the corpus-qa build machines, which cannot reach the model hub. Written for
transformers 4.40 to 5.x and PyTorch 2.1 to 2.13 (run with transformers 4.57 and 5.17 on PyTorch
2.13). Writes, into --out:
  torchscript  model.pt (traced), tokenizer.json, tokenizer_config.json, config.json, corpusqa-model.json
  onnx         model.onnx, tokenizer.json, tokenizer_config.json, config.json, corpusqa-model.json: the
               layout `optimum-cli export onnx` writes, plus corpus-qa's manifest
tokenizer.json is the fast tokenizer's own file, saved before the tokenizer encodes anything (encoding
with padding changes the tokenizer's state, which would otherwise be saved into the file). corpus-qa
reads corpusqa-model.json (name, version, precision, inputs, max_seq_len) where it exists, and reads
the folder as a Hugging Face folder without it.

--precision int8 quantizes the Linear layers dynamically (CPU executors); --precision fp16 halves the
weights (GPU executors; TorchScript only; needs PyTorch >= 2.1 for fp16 on the CPU, where it
traces). fp32 and int8 load the model with eager attention (plain matmul/softmax ops that every
exporter and runtime has); fp16 loads it with PyTorch's scaled_dot_product_attention ("sdpa", fused
attention kernels on the GPU), falling back to eager, with a note, for an architecture without it.
See bundle_writer.py for the formats and precisions. A trace records the device it ran on as a
constant where transformers moves the mask to the embeddings' device; those constants are rewritten
to follow the input's device, so that a model traced on a CPU can run on a GPU executor (this tool
checks the rewritten model on the CPU only).

A trace can be silently wrong: it records the operations that one example took, and transformers
takes different paths for different masks (some versions skip the attention mask when the example
has no padding, and the graph then ignores padding). So the trace example is two question/context
pairs of different lengths, both padded, and what was written is reloaded (TorchScript with
torch.jit.load, ONNX with onnxruntime) and compared with the eager module it was made from, at the
same precision (the quantized or halved module for int8 and fp16), on three fresh batches of other
lengths: one pair alone, three pairs padded to the longest, and a window of --max-seq-len tokens
next to a padded shorter pair. A logit at a real (unmasked) token more than 1e-3 away, or a graph
that lost an input, fails the export: exit status 1, and nothing is written to --out.

1e-3 holds for fp32, for fp16 and for TorchScript int8, where the written model runs the same
kernels as its eager module (measured: 0 for TorchScript in every precision, under 5e-6 for ONNX
fp32, BERT-base included). ONNX int8 cannot meet it: ONNX Runtime's fp32 operations differ from
PyTorch's in the last bits, which moves some activations across an int8 rounding step, and the
logits then differ by about 0.15 for a BERT-base (0.005 for a small model). So for ONNX int8 the
trace is checked at 1e-3 on an fp32 export of the same module and example, and the int8 file
against twice what quantization itself changes in the eager logits (about 0.25 for a BERT-base, so
a tolerance of about 0.5): that catches a wrong graph, not a small error. Without onnxruntime an
ONNX export is written unchecked, and the output says so. Examples:

  python3 tools/export-hf-model.py --model distilbert-base-cased-distilled-squad --out bundles/distilbert-squad
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --out bundles/xlmr-contracts --max-seq-len 512
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --format onnx --precision int8 --out bundles/xlmr-int8
  python3 tools/export-hf-model.py --model ./my-finetuned-xlmr --precision fp16 --out bundles/xlmr-gpu
"""
import argparse
import inspect
import os
import shutil
import tempfile
import warnings

import torch

import bundle_writer

KNOWN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Largest difference allowed between the written model and its eager module, at real tokens.
TOLERANCE = 1e-3
# Architectures whose position ids start after the padding id (RoBERTa's scheme), so that
# max_position_embeddings counts pad_token_id + 1 positions no window can use.
OFFSET_POSITIONS = ("roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "xmod", "roberta-prelayernorm",
                    "data2vec-text", "longformer")
# Model files corpus-qa may find in a folder: one export writes one of them.
MODEL_FILES = ("model.pt", "model.onnx", os.path.join("onnx", "model.onnx"))

# Fixed texts for the trace example and the checks: English and Russian, contract language, so that
# every tokenizer produces words, subwords and both segments.
TRACE_PAIRS = [
    ("What is secured?", "The contract performance security is five percent."),
    ("Who pays the penalty?", "The supplier pays a penalty for each day of delay in delivery."),
]
CHECK_PAIRS = [
    ("Каков размер обеспечения исполнения контракта?",
     "Размер обеспечения исполнения контракта составляет пять процентов от начальной цены контракта."),
    ("When does the warranty obligation begin?",
     "The warranty obligation begins on the date of acceptance and lasts twenty four months, during which "
     "the supplier repairs or replaces defective goods at its own cost within ten working days."),
    ("Amount?", "Ten thousand roubles."),
]
LONG_CONTEXT = " ".join(context for _, context in CHECK_PAIRS + TRACE_PAIRS) + " "


class StartEndLogits(torch.nn.Module):
    """Calls the model with positional tensors and returns (start_logits, end_logits) only.

    transformers 4.x returns a ModelOutput or, with return_dict=False in the config, a tuple;
    5.x always returns a ModelOutput and takes no return_dict in the forward's signature.
    """

    def __init__(self, model, inputs):
        super().__init__()
        self.model = model
        self.inputs = inputs
        self.options = {"return_dict": True} if "return_dict" in inspect.signature(model.forward).parameters else {}

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        # Named arguments, not *tensors: a trace names the graph's inputs after them, and corpus-qa
        # reads a model.pt's inputs from those names where no corpusqa-model.json lists them.
        given = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        out = self.model(**{name: given[name] for name in self.inputs}, **self.options)
        if hasattr(out, "start_logits"):
            return out.start_logits, out.end_logits
        return out[0], out[1]


class LabelLogits(StartEndLogits):
    """A sequence classifier called as StartEndLogits calls a QA model, returning its logits
    [batch, labels] only: the one output corpus-qa reads from a classification model."""

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        given = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        out = self.model(**{name: given[name] for name in self.inputs}, **self.options)
        return out.logits if hasattr(out, "logits") else out[0]


# What each --task exports: the transformers class, the wrapper, and the written model's outputs.
TASKS = {
    "question-answering": ("AutoModelForQuestionAnswering", StartEndLogits, ("start_logits", "end_logits")),
    "classification": ("AutoModelForSequenceClassification", LabelLogits, ("logits",)),
}


def load_model(source, attention, task):
    """The model in fp32 with the given attention implementation, or eager where it has none."""
    import transformers

    auto_class = getattr(transformers, TASKS[task][0])
    try:
        model = auto_class.from_pretrained(source, attn_implementation=attention)
    except (ValueError, ImportError) as e:
        if attention == "eager":
            raise
        print(f"note: this model cannot use {attention} attention ({str(e).splitlines()[0]}); "
              f"exporting it with eager attention")
        model = auto_class.from_pretrained(source, attn_implementation="eager")
    # transformers 5 loads a checkpoint in the dtype it was saved in (fp16, bf16); the precisions
    # below start from fp32.
    return model.float().eval()


def position_limit(config, fallback):
    limit = getattr(config, "max_position_embeddings", None)
    if limit is None:
        return fallback
    if config.model_type in OFFSET_POSITIONS:
        limit -= (config.pad_token_id if config.pad_token_id is not None else 1) + 1
    return limit


def model_inputs(model, tokenizer):
    """The inputs, in corpus-qa's order: those the forward accepts, token_type_ids only where the
    model has at least two token types (XLM-R's single type adds nothing but a way to index wrong)."""
    accepted = inspect.signature(model.forward).parameters
    types = getattr(model.config, "type_vocab_size", 0) or 0
    inputs = [name for name in KNOWN_INPUTS if name in accepted and (name != "token_type_ids" or types >= 2)]
    if "token_type_ids" in inputs and "token_type_ids" not in tokenizer.model_input_names:
        print("note: the model has token types but the tokenizer's model_input_names leave them out; "
              "exporting with token_type_ids, as the tokenizer.json template produces them")
    if inputs[:2] != ["input_ids", "attention_mask"]:
        raise SystemExit(f"{type(model).__name__}'s forward takes {list(accepted)}: corpus-qa needs a model that"
                         " takes input_ids and attention_mask")
    return inputs


def encode(tokenizer, pairs, inputs, **options):
    batch = tokenizer([q for q, _ in pairs], [c for _, c in pairs], return_tensors="pt", truncation="only_second",
                      return_token_type_ids="token_type_ids" in inputs, return_attention_mask=True, **options)
    return tuple(batch[name] for name in inputs), batch["attention_mask"]


def trace_example(tokenizer, inputs, max_seq_len, avoid):
    """Two pairs of different lengths, both padded, to a length none of the checks has."""
    longest = max(len(tokenizer(q, c)["input_ids"]) for q, c in TRACE_PAIRS)
    length = longest + 3
    while length in avoid:
        length += 1
    if length > max_seq_len:
        raise SystemExit(f"Cannot export: --max-seq-len {max_seq_len} is shorter than the trace example ({length})")
    return encode(tokenizer, TRACE_PAIRS, inputs, padding="max_length", max_length=length)[0]


def check_batches(tokenizer, inputs, max_seq_len):
    """Batches unlike the trace example: a pair alone, three padded to the longest, a full window."""
    return [
        encode(tokenizer, CHECK_PAIRS[2:], inputs, max_length=max_seq_len),
        encode(tokenizer, CHECK_PAIRS, inputs, padding=True, max_length=max_seq_len),
        encode(tokenizer, [(CHECK_PAIRS[1][0], LONG_CONTEXT * 200), CHECK_PAIRS[2]], inputs, padding=True,
               max_length=max_seq_len),
    ]


def write_model(module, example, inputs, folder, fmt, outputs):
    with warnings.catch_warnings():
        # The tracer warns at every Python branch on a tensor; the check after it is what decides.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return bundle_writer.write_model(module, example, inputs, folder, fmt, output_names=outputs)


def follow_input_device(path):
    """Rewrites the devices a trace recorded as constants into the device of the graph's input.

    transformers moves the attention mask to the embeddings' device (5.x for every attention,
    4.x for sdpa), and a trace records that device as the constant "cpu": traced on a CPU, the
    mask would be built on the CPU next to a model on a GPU. Each such constant becomes
    prim::device(first tensor input of its graph), which is where the model runs. Returns how many
    constants were rewritten (the file is saved again when there were some)."""
    module = torch.jit.load(path)
    rewritten = 0
    for _, sub in module.named_modules():
        try:
            graph = sub.graph
        except RuntimeError:  # a module the trace never called has no forward
            continue
        constants = [node for node in graph.findAllNodes("prim::Constant")
                     if node.output().type().kind() == "DeviceObjType"]
        tensors = [value for value in graph.inputs() if value.type().kind() == "TensorType"]
        if not constants or not tensors:
            continue
        for constant in constants:
            device = graph.create("prim::device", [tensors[0]], 1)
            device.output().setType(torch._C.DeviceObjType.get())
            device.insertBefore(constant)
            constant.output().replaceAllUsesWith(device.output())
            constant.destroy()
            rewritten += 1
    if rewritten:
        module.save(path)
    return rewritten


def label_names(config):
    """A classifier's labels by output index, as corpus-qa reads them from config.json."""
    if getattr(config, "problem_type", None) == "multi_label_classification":
        raise SystemExit("Cannot export: a multi-label classifier (problem_type multi_label_classification) scores"
                         " each label with a sigmoid; corpus-qa's labels are a softmax over labels")
    id2label = {int(k): v for k, v in (getattr(config, "id2label", None) or {}).items()}
    count = getattr(config, "num_labels", None) or len(id2label) or 2
    if id2label and sorted(id2label) != list(range(len(id2label))):
        raise SystemExit(f"Cannot export: config.json's id2label must number its labels 0 to n-1, got {sorted(id2label)}")
    return [id2label.get(i, f"LABEL_{i}") for i in range(max(count, len(id2label)))]


def reloaded(path, fmt, inputs, outputs):
    """A callable running the written file, or None (with a printed reason) where it cannot run here."""
    if fmt == "torchscript":
        module = torch.jit.load(path)
        return lambda *tensors: as_tuple(module(*tensors))
    try:
        import onnxruntime
    except ImportError as e:
        print(f"CHECK SKIPPED: onnxruntime is not importable ({e}), so the ONNX model is written WITHOUT "
              f"being checked against the eager model; pip install onnxruntime and export again to check it.")
        return None
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    # The exporter drops an input the trace never read (a mask transformers skipped, for one).
    graph_inputs = [i.name for i in session.get_inputs()]
    if graph_inputs != list(inputs):
        raise SystemExit(f"Cannot export: the written graph takes {graph_inputs} where the model takes {inputs}: "
                         f"the trace did not use every input; nothing was written")
    return lambda *tensors: tuple(torch.from_numpy(a) for a in session.run(
        list(outputs), {name: t.numpy() for name, t in zip(inputs, tensors)}))


def as_tuple(outputs):
    """A model's outputs as a tuple: a classifier returns one tensor, a QA model two."""
    return outputs if isinstance(outputs, tuple) else (outputs,)


def largest_difference(written, module, batches):
    """The largest |written - eager| over the logits of real tokens (a classifier's: of every example);
    inf on a shape mismatch or NaN."""
    worst = 0.0
    with torch.no_grad():
        for tensors, mask in batches:
            real = mask.bool()
            try:
                outputs = written(*tensors)
            except Exception as e:  # noqa: BLE001 (any runtime error means the file is unusable)
                raise SystemExit(f"Cannot export: the written model fails on a batch of shape "
                                 f"{tuple(mask.shape)}: {str(e).strip().splitlines()[-1]}; nothing was written")
            for got, want in zip(as_tuple(outputs), as_tuple(module(*tensors))):
                if got.shape != want.shape:
                    print(f"written model returned shape {tuple(got.shape)} where the model returns {tuple(want.shape)}")
                    return float("inf")
                difference = (got.float() - want.float()).abs()
                if difference.shape == real.shape:  # per token (QA); a classifier's logits are per example
                    difference = difference[real]
                if not torch.isfinite(difference).all():
                    return float("inf")
                worst = max(worst, difference.max().item())
    return worst


def expect(what, written, module, example, checks, tolerance):
    """Fails the export when the written model and the eager module differ by more than tolerance."""
    difference = largest_difference(written, module, checks)
    shapes = ", ".join("x".join(str(n) for n in mask.shape) for _, mask in checks)
    print(f"check: {what} against the eager model on batches {shapes} (traced on "
          f"{'x'.join(str(n) for n in example[0].shape)}): max difference {difference:.3g} at real tokens "
          f"(tolerance {tolerance:.3g})")
    if not difference <= tolerance:
        raise SystemExit(f"Cannot export: the written model disagrees with the eager model by {difference:.3g} "
                         f"(more than {tolerance:.3g}); nothing was written")


def verify(args, written, module, wrapped, example, inputs, checks, staging):
    """Reloads what was written and compares it with the eager module it was made from."""
    outputs = TASKS[args.task][2]
    run = reloaded(written, args.format, inputs, outputs)
    if run is None:
        return
    if args.format == "onnx" and args.precision == "int8":
        # ONNX Runtime's int8 arithmetic cannot match PyTorch's to 1e-3: where their fp32 parts differ
        # in the last bit, an activation lands on the other side of an int8 rounding step. So the
        # trace itself (masks, shapes, control flow) is checked strictly on an fp32 export of the same
        # module and example, and the int8 file against the quantization's own error.
        twin = write_model(wrapped, example, inputs, os.path.join(staging, "fp32-trace"), "onnx", outputs)
        expect("the same trace exported in fp32 (onnxruntime)", reloaded(twin, "onnx", inputs, outputs), wrapped,
               example, checks, TOLERANCE)
        shutil.rmtree(os.path.dirname(twin))
        quantization = largest_difference(lambda *tensors: module(*tensors), wrapped, checks)
        print(f"check: int8 quantization changes the eager model's logits by up to {quantization:.3g}")
        expect("onnx int8 (onnxruntime)", run, module, example, checks, max(TOLERANCE, 2 * quantization))
    else:
        loader = "torch.jit.load" if args.format == "torchscript" else "onnxruntime"
        expect(f"{args.format} {args.precision} ({loader})", run, module, example, checks, TOLERANCE)


def check_tokenizer_file(path, tokenizer, inputs):
    """The saved tokenizer.json (what corpus-qa tokenizes with) must give the ids the checks used."""
    from tokenizers import Tokenizer

    saved = Tokenizer.from_file(path)
    for question, context in CHECK_PAIRS + TRACE_PAIRS:
        want = tokenizer(question, context, return_token_type_ids=True)
        got = saved.encode(question, context)
        if got.ids != want["input_ids"] or ("token_type_ids" in inputs and got.type_ids != want["token_type_ids"]):
            raise SystemExit("Cannot export: the saved tokenizer.json encodes differently from the tokenizer, "
                             f"got: {got.ids[:12]}... want {want['input_ids'][:12]}...")


def check_out(out, fmt):
    """Refuses an --out that holds another model file, which would leave two models in one folder."""
    others = [name for name in MODEL_FILES
              if name != bundle_writer.MODEL_FILES[fmt] and os.path.exists(os.path.join(out, name))]
    if others:
        raise SystemExit(f"Cannot export: {out} already holds {', '.join(others)}, and corpus-qa would find two "
                         f"models there; export into another folder, got: --out {out}")


def install(staging, out):
    """Moves the checked files from the staging folder into --out (replacing those of an earlier export)."""
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(staging):
        os.replace(os.path.join(staging, name), os.path.join(out, name))
    os.rmdir(staging)


def export(args, staging):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model, use_fast=True)
    if not tokenizer.is_fast:
        raise SystemExit("corpus-qa needs a fast (Rust) tokenizer with a tokenizer.json")
    # Saved first, before any call with padding or truncation changes the tokenizer's state.
    tokenizer.save_pretrained(os.path.join(staging, "hf-tokenizer"))
    for name in ("tokenizer.json", "tokenizer_config.json"):
        os.replace(os.path.join(staging, "hf-tokenizer", name), os.path.join(staging, name))
    shutil.rmtree(os.path.join(staging, "hf-tokenizer"))

    model = load_model(args.model, "sdpa" if args.precision == "fp16" else "eager", args.task)
    task_manifest = {"task": "question-answering"} if args.task == "question-answering" \
        else {"task": "text-classification", "labels": label_names(model.config)}
    model.config.save_pretrained(staging)
    limit = position_limit(model.config, args.max_seq_len)
    if args.max_seq_len > limit:
        raise SystemExit(f"--max-seq-len {args.max_seq_len} exceeds the model's {limit} positions")
    inputs = model_inputs(model, tokenizer)
    check_tokenizer_file(os.path.join(staging, "tokenizer.json"), tokenizer, inputs)

    checks = check_batches(tokenizer, inputs, args.max_seq_len)
    example = trace_example(tokenizer, inputs, args.max_seq_len, {mask.shape[1] for _, mask in checks})
    wrapped = TASKS[args.task][1](model, inputs).eval()
    if args.precision == "fp16":
        # Transformers bakes its dtype into the traced mask arithmetic, so the model is halved before
        # tracing rather than after.
        wrapped = wrapped.half()
    module = bundle_writer.prepare(wrapped, args.format, "fp32" if args.precision == "fp16" else args.precision,
                                   bundle_writer.fp32_modules_of(args))
    written = write_model(module, example, inputs, staging, args.format, TASKS[args.task][2])
    if args.format == "torchscript":
        rewritten = follow_input_device(written)
        if rewritten:
            print(f"note: {rewritten} device constant(s) of the trace now follow the input's device")
    bundle_writer.write_manifest(staging, {
        **task_manifest,
        "name": args.name or args.model,
        "version": args.version,
        "architecture": model.config.model_type,
        "precision": args.precision,
        "inputs": inputs,
        "max_seq_len": args.max_seq_len,
        "created_by": "tools/export-hf-model.py",
    })

    verify(args, written, module, wrapped, example, inputs, checks, staging)
    return model.config.model_type, inputs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="hub id or local directory")
    p.add_argument("--out", required=True, help="folder to write")
    p.add_argument("--max-seq-len", type=int, default=384, help="longest window corpus-qa may send")
    p.add_argument("--name", help="model name in answer rows (default: --model)")
    p.add_argument("--version", default="", help="model version in the manifest")
    p.add_argument("--format", choices=bundle_writer.FORMATS, default="torchscript")
    p.add_argument("--task", choices=sorted(TASKS), default="question-answering",
                   help="question-answering (AutoModelForQuestionAnswering) or classification"
                        " (AutoModelForSequenceClassification)")
    p.add_argument("--precision", choices=bundle_writer.PRECISIONS, default="fp32")
    bundle_writer.add_fp32_modules_argument(p)
    args = p.parse_args()
    if args.precision == "fp16" and args.format != "torchscript":
        raise SystemExit("--precision fp16 is for GPU executors, which run TorchScript: use --format torchscript")

    check_out(args.out, args.format)
    # Written next to --out and moved in only once checked, so that a failed export leaves no model
    # behind (and an earlier export in --out as it was).
    parent = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="." + os.path.basename(os.path.abspath(args.out)) + ".partial-", dir=parent)
    try:
        architecture, inputs = export(args, staging)
        install(staging, args.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"wrote {args.out}: {args.name or args.model} ({architecture}, {args.format} {args.precision}),"
          f" inputs {inputs}")


if __name__ == "__main__":
    main()
