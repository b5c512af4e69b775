"""Writes a question-answering torch module into a corpus-qa model bundle, in one of its formats.

Shared by make-test-model.py and export-hf-model.py. Formats:
  torchscript  model.pt, traced; runs on DJL's PyTorch engine (CPU or GPU)
  onnx         model.onnx (opset 14, dynamic batch and sequence axes); runs on ONNX Runtime (CPU)
Precisions:
  fp32         the module as it is
  fp16         TorchScript only, for GPUs: traced in fp32, then weights cast to half. The module must
               derive every dtype from its inputs (type_as), not name float32 in the trace.
  int8         dynamic quantization of every nn.Linear but those named in --fp32-modules (none
               by default): weights stored as int8 with a scale per output feature,
               activations quantized per batch at run time. For TorchScript this is PyTorch's own
               quantize_dynamic (fbgemm kernels); for ONNX, whose exporter in this PyTorch cannot
               write quantized modules, each Linear is written as the standard ONNX integer ops
               DynamicQuantizeLinear -> MatMulInteger -> scale, which is the graph ONNX Runtime's own
               dynamic quantizer produces and fuses into its int8 kernels.
"""
import json
import os
import shutil

import torch
from torch import nn

FORMATS = ("torchscript", "onnx")
PRECISIONS = ("fp32", "fp16", "int8")
MODEL_FILES = {"torchscript": "model.pt", "onnx": "model.onnx"}
# Weights use 7 bits (+-63): on processors without VNNI the uint8 x int8 products are summed in
# pairs into 16 bits (vpmaddubsw), which 255 * 127 * 2 would overflow; 255 * 63 * 2 does not.
WEIGHT_LEVELS = 63


class _DynamicInt8MatMul(torch.autograd.Function):
    """x @ w_q * scale + bias, with x quantized to uint8 on the fly; exported as ONNX integer ops."""

    @staticmethod
    def forward(ctx, x, weight_q, weight_scale, bias):
        # Eager reference of what the ONNX graph computes (DynamicQuantizeLinear's rules), so that
        # the traced shapes and a sanity check in Python see int8 arithmetic, not fp32.
        low = torch.clamp(x.min(), max=0.0)
        high = torch.clamp(x.max(), min=0.0)
        scale = torch.clamp((high - low) / 255.0, min=1e-12)
        zero_point = torch.clamp(torch.round(-low / scale), 0, 255)
        x_q = torch.clamp(torch.round(x / scale) + zero_point, 0, 255)
        product = torch.matmul(x_q - zero_point, weight_q.to(x.dtype))
        return product * (scale * weight_scale) + bias

    @staticmethod
    def symbolic(g, x, weight_q, weight_scale, bias):
        x_q, x_scale, x_zero_point = g.op("DynamicQuantizeLinear", x, outputs=3)
        product = g.op("MatMulInteger", x_q, weight_q, x_zero_point)
        product = g.op("Cast", product, to_i=1)  # 1 = FLOAT
        scale = g.op("Mul", x_scale, weight_scale)
        return g.op("Add", g.op("Mul", product, scale), bias)


class OnnxInt8Linear(nn.Module):
    """An nn.Linear with int8 weights (one scale per output feature), for ONNX export."""

    def __init__(self, linear):
        super().__init__()
        weight = linear.weight.detach().t().contiguous()  # [in, out], as MatMulInteger takes it
        scale = weight.abs().amax(dim=0).clamp(min=1e-12) / WEIGHT_LEVELS
        self.register_buffer("weight_q", torch.round(weight / scale).clamp(-WEIGHT_LEVELS, WEIGHT_LEVELS).to(torch.int8))
        self.register_buffer("weight_scale", scale.float())
        bias = linear.bias.detach() if linear.bias is not None else torch.zeros(weight.shape[1])
        self.register_buffer("bias", bias.float())

    def forward(self, x):
        return _DynamicInt8MatMul.apply(x, self.weight_q, self.weight_scale, self.bias)


# Linear layers left in fp32 under int8 unless the caller names some (--fp32-modules), e.g. the QA
# head "qa_outputs". None by default: on a small trained model (tools/train-test-model.py) keeping
# the head in fp32 kept as many top answers as quantizing it (ONNX: 1185 of 1190 either way).
DEFAULT_FP32_MODULES = ()


def _kept(name, fp32_modules):
    """Whether the module at this qualified name stays fp32: the name or its last parts match."""
    return any(name == kept or name.endswith("." + kept) for kept in fp32_modules)


def _replace_linears(module, fp32_modules, prefix=""):
    for name, child in module.named_children():
        qualified = prefix + name
        if isinstance(child, nn.Linear):
            if not _kept(qualified, fp32_modules):
                setattr(module, name, OnnxInt8Linear(child))
        else:
            _replace_linears(child, fp32_modules, qualified + ".")
    return module


def prepare(model, fmt, precision, fp32_modules=DEFAULT_FP32_MODULES):
    """The module to write: the model itself for fp32, a quantized copy for int8 (the Linear layers
    named in fp32_modules, matched by qualified name or its last parts, stay fp32)."""
    if fmt not in FORMATS or precision not in PRECISIONS:
        raise SystemExit(f"unknown format/precision {fmt}/{precision}; use {FORMATS} and {PRECISIONS}")
    model = model.eval()
    if precision == "fp16" and fmt != "torchscript":
        raise SystemExit("--precision fp16 is for GPU executors, which run TorchScript: use --format torchscript")
    if precision in ("fp32", "fp16"):
        return model
    linears = [name for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    unknown = [kept for kept in fp32_modules if not any(_kept(name, (kept,)) for name in linears)]
    if unknown:
        raise SystemExit(f"--fp32-modules {','.join(unknown)}: no Linear layer has that name; "
                         f"the model's are e.g. {', '.join(linears[:3])} ... {linears[-1]}")
    if fmt == "torchscript":
        quantized = {name: torch.ao.quantization.default_dynamic_qconfig
                     for name in linears if not _kept(name, fp32_modules)}
        return torch.ao.quantization.quantize_dynamic(model, quantized, dtype=torch.qint8)
    import copy

    return _replace_linears(copy.deepcopy(model), fp32_modules)


def add_fp32_modules_argument(parser):
    parser.add_argument("--fp32-modules", default=",".join(DEFAULT_FP32_MODULES),
                        help="with --precision int8: comma-separated Linear layers to leave in fp32, by "
                             "qualified name or its last parts, e.g. qa_outputs (default: none)")


def fp32_modules_of(args):
    return tuple(name for name in args.fp32_modules.split(",") if name)


def write_model(module, example, input_names, out_dir, fmt, precision="fp32",
                output_names=("start_logits", "end_logits")):
    """Traces (TorchScript) or exports (ONNX) the module with the example inputs; returns the file.
    A classification model's one output is ("logits",), [batch, labels]: only its batch axis varies."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, MODEL_FILES[fmt])
    with torch.no_grad():
        if fmt == "torchscript":
            traced = torch.jit.trace(module, example)
            if precision == "fp16":
                traced = traced.half()
            traced.save(path)
        else:
            axes = {name: {0: "batch", 1: "tokens"} for name in input_names + list(output_names)}
            if list(output_names) == ["logits"]:
                axes["logits"] = {0: "batch"}
            torch.onnx.export(module, example, path, input_names=input_names,
                              output_names=list(output_names), dynamic_axes=axes,
                              opset_version=14, do_constant_folding=True, **legacy_onnx_exporter())
    return path


def legacy_onnx_exporter():
    """torch.onnx.export's arguments that select the TorchScript-based exporter, which the int8
    symbolic above and dynamic_axes are written for. Newer PyTorch has a dynamo-based exporter too
    (the default in 2.13, and it needs onnxscript); older PyTorch has no `dynamo` argument."""
    import inspect

    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def write_bundle_files(out_dir, tokenizer_json, manifest):
    """Copies the tokenizer (a path) or saves it (an object with save()), and writes the manifest."""
    target = os.path.join(out_dir, "tokenizer.json")
    if isinstance(tokenizer_json, str):
        shutil.copyfile(tokenizer_json, target)
    else:
        tokenizer_json.save(target)
    write_manifest(out_dir, manifest)


def write_manifest(out_dir, manifest):
    """corpusqa-model.json: what corpus-qa reads before the model's own files where both exist."""
    write_json(os.path.join(out_dir, "corpusqa-model.json"), manifest)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
