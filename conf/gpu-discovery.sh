#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as {"name": "gpu", "addresses": ["0", "1", ...]}. The addresses are CUDA device
# indexes, which is what corpus-qa's tasks pass to DJL (TaskDevice). When the cluster manager limits
# the executor to some GPUs with CUDA_VISIBLE_DEVICES, those are renumbered from 0 inside the process,
# so the script prints 0..n-1 for them.
set -euo pipefail

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" && "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]]; then
  IFS=',' read -r -a visible <<<"$CUDA_VISIBLE_DEVICES"
  for i in "${!visible[@]}"; do
    [[ -n "${visible[$i]// /}" ]] && addresses+=("$i")
  done
elif command -v nvidia-smi >/dev/null 2>&1; then
  while read -r index; do
    [[ -n "$index" ]] && addresses+=("$index")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader)
else
  echo "gpu-discovery.sh: no nvidia-smi on PATH and no CUDA_VISIBLE_DEVICES: this node has no usable GPU" >&2
fi

json=""
for a in "${addresses[@]+"${addresses[@]}"}"; do
  json+="${json:+,}\"${a// /}\""
done
echo "{\"name\": \"gpu\", \"addresses\": [${json}]}"
