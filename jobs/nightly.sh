#!/usr/bin/env bash
# The nightly run a scheduler starts: answers the documents that arrived (or changed) since the
# last run, incrementally, into the answers table; exits non-zero on a configuration error (2),
# when too many records were quarantined (3), or on a failure (1).
#
# Usage: jobs/nightly.sh INPUT MODEL [QUERIES] [extra jobs/corpus-qa run options...]
#   INPUT    the day's slice, e.g. s3a://contracts/ingest/date=2026-11-22/
#   MODEL    the model bundle, e.g. s3a://models/xlmr-contracts/v3
#   QUERIES  defaults to jobs/queries/contract-security.yaml
# Environment: CORPUSQA_MASTER (default local[*]), CORPUSQA_PROPERTIES (a Spark properties file,
# e.g. conf/s3.properties or conf/jdbc-catalog.properties), CORPUSQA_WAREHOUSE (default ./warehouse,
# none when the properties file sets the catalog), CORPUSQA_FORMAT (default: what the file names say).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 ]]; then
  sed -n '2,12p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
input="$1"; model="$2"; shift 2
queries="$root/jobs/queries/contract-security.yaml"
if [[ $# -gt 0 && "$1" != --* ]]; then
  queries="$1"; shift
fi
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
exec "${launcher[@]}" run --mode incremental \
  --input "$input" ${CORPUSQA_FORMAT:+--input-format "$CORPUSQA_FORMAT"} \
  --queries "$queries" --model "$model" \
  "${warehouse[@]+"${warehouse[@]}"}" "$@"
