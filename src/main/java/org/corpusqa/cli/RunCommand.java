package org.corpusqa.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.io.InputFormat;
import org.corpusqa.job.AnswerJob;
import org.corpusqa.job.RunMode;
import org.corpusqa.job.RunOptions;
import org.corpusqa.job.RunSummary;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corpus-qa run}: answers the queries over a corpus into the answers table. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Answer every query for every document and merge the answers into the table.")
class RunCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "Corpus path or URI (file:, hdfs:, s3a:).")
  String input;

  @Option(names = "--input-format", defaultValue = "parquet",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  String inputFormat;

  @Option(names = "--queries", required = true, description = "Queries YAML file.")
  Path queries;

  @Option(names = "--model", required = true, description = "Model bundle or Hugging Face folder, local or a Hadoop URI.")
  String model;

  @Option(names = "--table", defaultValue = "answers", description = "Answers table (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--quarantine-table", defaultValue = "quarantine",
      description = "Quarantine table (default: ${DEFAULT-VALUE}).")
  String quarantineTable;

  @Option(names = "--runs-table", defaultValue = "runs", description = "Runs table (default: ${DEFAULT-VALUE}).")
  String runsTable;

  @Option(names = "--mode", defaultValue = "incremental",
      description = "incremental: skip (document, question) pairs answered before with the same model and"
          + " text; full: answer everything read (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--max-text-chars", defaultValue = "2000000",
      description = "Longer texts are quarantined as TEXT_TOO_LARGE (default: ${DEFAULT-VALUE}).")
  long maxTextChars;

  @Option(names = "--max-quarantine-share", defaultValue = "0.05",
      description = "Fail the run when more than this share of records is quarantined (default: ${DEFAULT-VALUE}).")
  double maxQuarantineShare;

  @Mixin WarehouseOption warehouse;

  @Option(names = "--explain", description = "Directory for per-window logits and offsets (JSON lines).")
  String explain;

  @Option(names = "--explain-limit", defaultValue = "100",
      description = "Documents to explain (default: ${DEFAULT-VALUE}).")
  int explainLimit;

  @Option(names = "--id-column", defaultValue = "doc_id", description = "Document id column (default: ${DEFAULT-VALUE}).")
  String idColumn;

  @Option(names = "--text-column", defaultValue = "text", description = "Document text column (default: ${DEFAULT-VALUE}).")
  String textColumn;

  @Mixin BatchingOptions batching;

  @Override
  public Integer call() {
    RunOptions options = options();
    SparkSession spark = Sessions.create("corpus-qa run", warehouse.warehouse);
    try {
      RunSummary summary = new AnswerJob(spark, options).run();
      System.out.println(summary);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The checked options; every configuration error is found here, before Spark starts. */
  RunOptions options() {
    InputFormat format = parseFormat(inputFormat);
    if (explainLimit < 1) {
      throw new ConfigException("Cannot use --explain-limit: must be at least 1, got: " + explainLimit);
    }
    List<Query> parsed = QueriesFile.read(queries);
    EngineOptions engine = batching.engineOptions();
    RunMode runMode;
    try {
      runMode = RunMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Cannot use --mode: must be incremental or full, got: " + mode);
    }
    if (maxTextChars < 1) {
      throw new ConfigException("Cannot use --max-text-chars: must be at least 1, got: " + maxTextChars);
    }
    if (!(maxQuarantineShare >= 0 && maxQuarantineShare <= 1)) {
      throw new ConfigException("Cannot use --max-quarantine-share: must be between 0 and 1, got: " + maxQuarantineShare);
    }
    RunOptions options =
        new RunOptions(input, format, idColumn, textColumn, parsed, model,
            new RunOptions.Tables(table, quarantineTable, runsTable), runMode, explain, explainLimit, maxTextChars,
            maxQuarantineShare, engine, null);
    return options;
  }

  static InputFormat parseFormat(String value) {
    for (InputFormat f : InputFormat.values()) {
      if (f.sparkName().equals(value)) {
        return f;
      }
    }
    throw new ConfigException(
        "Cannot use --input-format: must be one of parquet, json, csv, orc, got: " + value);
  }
}
