package org.corpusqa.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.Namespace;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.io.RunSummary;
import org.corpusqa.job.AnswerJob;
import org.corpusqa.job.QuarantineShareExceededException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code corpus-qa run}: answers the queries over a corpus into the answers table, and labels into the labels table. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Answer every query for every document and merge the answers (and labels) into the tables.")
class RunCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "Corpus path or URI (file:, hdfs:, s3a:).")
  String input;

  @Option(names = "--input-format",
      description = "One of ${COMPLETION-CANDIDATES} (default: what the file names say: .parquet, .json / .jsonl /"
          + " .ndjson, .csv, .orc, also compressed, e.g. .jsonl.gz).")
  InputFormat inputFormat;

  @Option(names = "--queries", required = true, description = "Queries YAML file.")
  Path queries;

  @Option(names = "--model", required = true, description = "Model bundle or Hugging Face folder, local or a Hadoop"
      + " URI: the question-answering model of the answer queries (or the classifier, when all queries classify).")
  String model;

  @Option(names = "--classifier", description = "Text-classification model (bundle or Hugging Face folder) of the"
      + " queries with task: classify, when --model answers the others.")
  String classifier;

  @Option(names = "--table", defaultValue = RunOptions.Tables.DEFAULT_ANSWERS,
      description = "Answers table (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--quarantine-table", defaultValue = RunOptions.Tables.DEFAULT_QUARANTINE,
      description = "Quarantine table (default: ${DEFAULT-VALUE}).")
  String quarantineTable;

  @Option(names = "--runs-table", defaultValue = RunOptions.Tables.DEFAULT_RUNS,
      description = "Runs table (default: ${DEFAULT-VALUE}).")
  String runsTable;

  @Option(names = "--labels-table", defaultValue = RunOptions.Tables.DEFAULT_LABELS,
      description = "Labels table of the classify queries (default: ${DEFAULT-VALUE}).")
  String labelsTable;

  @Option(names = "--mode", defaultValue = "incremental",
      description = "incremental: skip (document, question) pairs answered before with the same model and"
          + " text; full: answer everything read (one of ${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}).")
  RunMode mode;

  @Option(names = "--max-text-chars", defaultValue = "" + RunOptions.DEFAULT_MAX_TEXT_CHARS,
      description = "Longer texts are quarantined as TEXT_TOO_LARGE (default: ${DEFAULT-VALUE}).")
  long maxTextChars;

  @Option(names = "--max-quarantine-share", defaultValue = "" + RunOptions.DEFAULT_MAX_QUARANTINE_SHARE,
      description = "Fail the run when more than this share of records is quarantined (default: ${DEFAULT-VALUE}).")
  double maxQuarantineShare;

  @Mixin WarehouseOption warehouse;

  @Option(names = "--explain", description = "Directory for per-window logits and offsets (JSON lines).")
  String explain;

  @Option(names = "--explain-limit", defaultValue = "" + RunOptions.DEFAULT_EXPLAIN_LIMIT,
      description = "Documents to explain (default: ${DEFAULT-VALUE}).")
  int explainLimit;

  @Option(names = "--id-column", defaultValue = RunOptions.DEFAULT_ID_COLUMN, description = "Document id column (default: ${DEFAULT-VALUE}).")
  String idColumn;

  @Option(names = "--text-column", defaultValue = RunOptions.DEFAULT_TEXT_COLUMN, description = "Document text column (default: ${DEFAULT-VALUE}).")
  String textColumn;

  @Mixin BatchingOptions batching;

  @Override
  public Integer call() throws Exception {
    RunOptions options = options();
    SparkSession spark = Sessions.create("corpus-qa run", warehouse.warehouse);
    AnswerJob job = new AnswerJob(spark, options);
    try {
      RunSummary summary = job.run();
      System.out.println(summary);
      return 0;
    } catch (Exception e) {
      // A run that stopped after recording its start says so where a finished run prints its summary.
      if (job.recorded() && !(e instanceof QuarantineShareExceededException)) {
        System.out.println("run " + job.runId() + " (" + options.mode().toString() + "): FAILED ("
            + e.getClass().getSimpleName() + "), recorded in " + Namespace.fullyQualified(options.tables().runs())
            + "; what it committed"
            + " before stays, and a rerun finishes the work");
      }
      throw e;
    } finally {
      spark.stop();
    }
  }

  /** The checked options; every configuration error is found here, before Spark starts. */
  RunOptions options() {
    return RunOptions.builder()
        .setInput(input)
        .setQueries(QueriesFile.read(queries))
        .setModel(model)
        .optClassifier(classifier)
        .optInputFormat(inputFormat)
        .optColumns(idColumn, textColumn)
        .optTables(RunOptions.Tables.in(warehouse.namespace, table, quarantineTable, runsTable, labelsTable))
        .optMode(mode)
        .optExplain(explain, explainLimit)
        .optMaxTextChars(maxTextChars)
        .optMaxQuarantineShare(maxQuarantineShare)
        .optEngineOptions(batching.engineOptions())
        .build();
  }
}
