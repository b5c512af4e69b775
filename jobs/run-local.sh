#!/usr/bin/env bash
# The demo: answers the two contract-security questions over the sample corpus with the bundled
# tiny model, on local Spark, into a local Iceberg warehouse, and prints the answers.
# Builds the job jar first if it is missing. Usage: jobs/run-local.sh [--model DIR_OR_URI]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
model="src/test/resources/models/tiny-bert"
if [[ "${1:-}" == "--model" && -n "${2:-}" ]]; then
  model="$2"
fi
warehouse="${CORPUSQA_WAREHOUSE:-$root/warehouse}"

if [[ ! -f target/corpus-qa-job.jar || ! -f target/spark-classpath.txt ]]; then
  echo "== Building the job jar (first run only; downloads dependencies from Maven Central)"
  mvn -q -B package -DskipTests
fi

if [[ "$model" == "src/test/resources/models/tiny-bert" ]]; then
  cat <<'NOTE'
== NOTE: the bundled model (src/test/resources/models/tiny-bert) has RANDOM weights.
   It shows the whole pipeline working, but its answers are meaningless. For real answers, point it
   at a fine-tuned Hugging Face QA model: a folder as optimum-cli export onnx writes it, or one made
   with tools/export-hf-model.py; check it first with jobs/corpus-qa model check, then run:
     jobs/run-local.sh --model /path/to/model
NOTE
fi

echo "== Answering jobs/queries/contract-security.yaml over jobs/sample/contracts.jsonl"
jobs/corpus-qa run \
  --input jobs/sample/contracts.jsonl --input-format json \
  --queries jobs/queries/contract-security.yaml \
  --model "$model" \
  --warehouse "$warehouse" \
  --table answers

echo "== Answers (rank 1) from the table, through SQL"
jobs/corpus-qa sql --warehouse "$warehouse" \
  "SELECT doc_id, query_id, rank, start_char, end_char, round(score, 4) AS score,
          substr(answer, 1, 60) AS answer_start, no_answer_reason
   FROM answers WHERE rank = 1 AND model_sha256 = (SELECT max_by(model_sha256, processed_at) FROM answers)
   ORDER BY doc_id, query_id"
