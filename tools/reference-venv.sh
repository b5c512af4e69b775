#!/usr/bin/env bash
# Creates the Python environment that runs the REAL Hugging Face question-answering pipeline, the
# reference corpus-qa's answers are compared with (tools/pipeline-reference.py, tools/bundle-to-hf.py,
# tools/make-hf-qa-model.py and tools/export-hf-model.py run in it).
#
#   tools/reference-venv.sh [DIR]      DIR defaults to target/venv under the project root
#
# Pinned: torch 2.13.0+cpu and transformers 4.57.6, the last release line that has the
# question-answering pipeline (transformers 5.3 removed it), with tokenizers 0.22.2, plus onnx and
# onnxruntime for export-hf-model.py's ONNX checks.
#
# transformers 4.57.6 asks for huggingface-hub<1.0, and no such release is served on the build
# machines (1.33.0 is). So the hub 1.33.0 is installed, transformers with --no-deps, and then ONLY that
# one pin is relaxed in transformers/dependency_versions_table.py, which `import transformers` checks.
# tools/pipeline-reference.py verifies every other file of the package against its RECORD hashes,
# so the reference stays the released code.
#
# Idempotent: a finished environment holds DIR/.corpusqa-reference-ok with its versions, and a later
# call with the same pins returns at once. A half-made DIR (an interrupted call) is completed.
#
# Where the machine has the local package indexes (/opt/pypi/simple, /opt/pypi-more/simple), pip is
# pointed at them alone: pypi.org is unreachable there and pip would retry it slowly. Elsewhere pip's
# own defaults are used, with PyTorch's CPU wheel index for the +cpu torch.
set -euo pipefail

TORCH=2.13.0+cpu
TRANSFORMERS=4.57.6
HUB=1.33.0
TOKENIZERS=0.22.2
PIN='"huggingface-hub>=0.34.0,<1.0"'
RELAXED='"huggingface-hub>=0.34.0"'
MARKER_TEXT="torch==$TORCH transformers==$TRANSFORMERS huggingface-hub==$HUB tokenizers==$TOKENIZERS (hub pin relaxed)"

die() { echo "reference-venv.sh: $*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -le 1 ] || die "usage: tools/reference-venv.sh [DIR]   (got $# arguments)"
DIR=${1:-$ROOT/target/venv}
MARKER=$DIR/.corpusqa-reference-ok

if [ -x "$DIR/bin/python" ] && [ -f "$MARKER" ] && [ "$(head -n 1 "$MARKER")" = "$MARKER_TEXT" ]; then
  echo "reference venv $DIR is ready: $(head -n 1 "$MARKER")"
  exit 0
fi

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "$PYTHON not found: install Python 3.11 (or set PYTHON=/path/to/python3.11)"
PY_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$PY_VERSION" != 3.11 ]; then
  # torch 2.13.0+cpu is served here as a cp311 wheel only; elsewhere another Python may work.
  echo "note: $PYTHON is Python $PY_VERSION; the pinned wheels were tested with 3.11" >&2
fi

started=$(date +%s)
rm -f "$MARKER"
"$PYTHON" -m venv "$DIR" || die "could not create the venv in $DIR"
VPY=$DIR/bin/python

# Index options, as environment variables: pip lets those replace the configured index URLs, where
# command-line ones would be added to them (and listed twice). The configured find-links (pip config,
# e.g. /opt/wheels, where the torch CPU wheel lies) stays in effect; /opt/wheels is added only where
# the configuration does not name it already.
TORCH_INDEX=()
LINKS=()
if [ -d /opt/pypi/simple ]; then
  export PIP_INDEX_URL=file:///opt/pypi/simple
  if [ -d /opt/pypi-more/simple ]; then export PIP_EXTRA_INDEX_URL=file:///opt/pypi-more/simple; else export PIP_EXTRA_INDEX_URL=; fi
  # Read whole before matching: grep -q would stop reading early, and pipefail would count pip's
  # broken pipe as "not configured".
  CONFIGURED=$("$VPY" -m pip config list 2>/dev/null || true)
  if [ -d /opt/wheels ] && ! grep -q "find-links=.*/opt/wheels" <<<"$CONFIGURED"; then
    LINKS+=(--find-links /opt/wheels)
  fi
else
  # pypi.org has no +cpu local versions: those come from PyTorch's own index.
  TORCH_INDEX+=(--extra-index-url https://download.pytorch.org/whl/cpu)
fi
pip_install() {
  "$VPY" -m pip install --disable-pip-version-check --no-input "${LINKS[@]}" "$@"
}

echo "installing torch $TORCH and transformers $TRANSFORMERS' dependencies into $DIR ..."
pip_install "${TORCH_INDEX[@]}" "torch==$TORCH" \
  "huggingface-hub==$HUB" "tokenizers==$TOKENIZERS" numpy safetensors regex pyyaml requests tqdm \
  packaging filelock onnx onnxruntime \
  || die "pip could not install the dependencies (see above)"
# --no-deps: its huggingface-hub<1.0 requirement cannot be met here (see the top of this file).
pip_install --no-deps "transformers==$TRANSFORMERS" || die "pip could not install transformers $TRANSFORMERS"

SITE=$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
TABLE=$SITE/transformers/dependency_versions_table.py
[ -f "$TABLE" ] || die "$TABLE is missing: the transformers install is incomplete"
if grep -qF "$PIN" "$TABLE"; then
  # Plain string replacement, not a regex: exactly the one pin changes.
  "$VPY" - "$TABLE" "$PIN" "$RELAXED" <<'EOF'
import sys
path, pin, relaxed = sys.argv[1:]
with open(path, encoding="utf-8") as f:
    text = f.read()
if text.count(pin) != 1:
    raise SystemExit(f"{path}: expected the pin {pin} once, found it {text.count(pin)} times")
with open(path, "w", encoding="utf-8") as f:
    f.write(text.replace(pin, relaxed))
EOF
  echo "relaxed $PIN to $RELAXED in $TABLE"
elif ! grep -qF "$RELAXED" "$TABLE"; then
  die "$TABLE has neither $PIN nor $RELAXED: not transformers $TRANSFORMERS as released?"
fi

# The check: the pipeline imports, and the versions are the pinned ones.
VERSIONS=$("$VPY" - "$TORCH" "$TRANSFORMERS" "$HUB" "$TOKENIZERS" <<'EOF'
import sys
import huggingface_hub
import tokenizers
import torch
import transformers
from transformers import pipeline  # noqa: F401 (the import is the check)

want = dict(zip(("torch", "transformers", "huggingface-hub", "tokenizers"), sys.argv[1:]))
got = {"torch": torch.__version__, "transformers": transformers.__version__,
       "huggingface-hub": huggingface_hub.__version__, "tokenizers": tokenizers.__version__}
wrong = [f"{name} {got[name]} (want {want[name]})" for name in want if got[name] != want[name]]
if wrong:
    raise SystemExit("wrong versions installed: " + ", ".join(wrong))
print(" ".join(f"{name}=={version}" for name, version in got.items()))
EOF
) || die "the check failed: 'from transformers import pipeline' does not work in $DIR (see above)"

{ echo "$MARKER_TEXT"; echo "checked: $VERSIONS"; echo "python: $("$VPY" -c 'import sys; print(sys.version.split()[0])')"; } >"$MARKER"
echo "reference venv $DIR is ready ($(( $(date +%s) - started ))s): $VERSIONS"
