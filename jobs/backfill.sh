#!/usr/bin/env bash
# A backfill of an archive, chunk by chunk; rerun the same command after a kill or a failure and it
# resumes with the chunks not yet committed (chunks are recorded in the runs table).
#
# Usage: jobs/backfill.sh INPUT MODEL CHUNKING [extra jobs/corpus-qa backfill options...]
#   CHUNKING  --files-per-chunk N   or   --partition-column C --from X --to Y
# Example: jobs/backfill.sh s3a://contracts/archive/ s3a://models/xlmr/v3 \
#            --partition-column month --from 2019-01 --to 2024-12
# Environment: as jobs/nightly.sh (CORPUSQA_MASTER, CORPUSQA_PROPERTIES, CORPUSQA_WAREHOUSE,
# CORPUSQA_FORMAT, and CORPUSQA_QUERIES for the queries file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 3 ]]; then
  sed -n '2,11p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
input="$1"; model="$2"; shift 2
launcher=("$root/jobs/corpus-qa" --master "${CORPUSQA_MASTER:-local[*]}")
[[ -n "${CORPUSQA_PROPERTIES:-}" ]] && launcher+=(--properties-file "$CORPUSQA_PROPERTIES")
# The local catalog's warehouse, unless the properties file configures a catalog of its own (JDBC,
# REST...), which says where tables go and beside which --warehouse is refused.
warehouse=()
if [[ -n "${CORPUSQA_WAREHOUSE:-}" ]]; then
  warehouse=(--warehouse "$CORPUSQA_WAREHOUSE")
elif ! grep -qE '^[[:space:]]*spark\.sql\.catalog\.corpusqa[[:space:]=:]' "${CORPUSQA_PROPERTIES:-/dev/null}"; then
  warehouse=(--warehouse "$root/warehouse")
fi
exec "${launcher[@]}" backfill \
  --input "$input" ${CORPUSQA_FORMAT:+--input-format "$CORPUSQA_FORMAT"} \
  --queries "${CORPUSQA_QUERIES:-$root/jobs/queries/contract-security.yaml}" --model "$model" \
  "${warehouse[@]+"${warehouse[@]}"}" "$@"
