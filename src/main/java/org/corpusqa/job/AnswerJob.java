package org.corpusqa.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.executor.AnswerTask;
import org.corpusqa.executor.FaultInjection;
import org.corpusqa.executor.PartitionAnswerer;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.Catalogs;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.DriverProcess;
import org.corpusqa.io.ExplainWriter;
import org.corpusqa.io.QuarantineTable;
import org.corpusqa.io.RecordTriage;
import org.corpusqa.io.RunSummary;
import org.corpusqa.io.RunsTable;
import org.corpusqa.io.SerializableConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: answers every query for every document of a corpus and merges the answers into the
 * answers table; what cannot be answered goes to the quarantine table with a reason, and the run's
 * reconciled counts to the runs table. Everything that can be wrong with the configuration (model,
 * queries against the tokenizer, corpus schema, catalog, explain directory) is checked before any
 * document is read. The run is in the runs table (RUNNING) before it commits anything, and its row
 * is completed at its end, also when it fails. {@link #run()} reads as the list of its steps; each step names its Spark jobs.
 */
public final class AnswerJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerJob.class);

  private final SparkSession spark;
  private final RunOptions options;
  private final Configuration hadoopConf;
  private final String runId = newRunId();
  /** Set once the run's RUNNING row is in the runs table: from then on a failure is recorded there. */
  private volatile boolean recorded;

  public AnswerJob(SparkSession spark, RunOptions options) {
    this.spark = spark;
    this.options = options;
    this.hadoopConf = spark.sparkContext().hadoopConfiguration();
  }

  public String runId() {
    return runId;
  }

  /** Whether the run got as far as recording its start, so that a failure of it is in the runs table. */
  public boolean recorded() {
    return recorded;
  }

  /** One run's identity and its model, shared by its steps. */
  private record Run(String id, Instant startedAt, DriverModel model, JobSteps steps) {
    Timestamp at() {
      return Timestamp.from(startedAt);
    }
  }

  /** What the model stage returned, how long it took, and what it read. */
  private record ModelStage(Dataset<Row> rows, double seconds, long documents, long windows) {}

  public RunSummary run() {
    long began = System.nanoTime();
    Instant startedAt = Instant.now();
    JobSteps steps = new JobSteps(spark, "run", runId);
    try {
      steps.begin("checking the configuration");
      Run run = new Run(runId, startedAt, checkConfiguration(), steps);
      CorpusSource.Read corpus = CorpusSource.read(spark, options.input(), options.inputFormat(),
          options.idColumn(), options.textColumn(), options.slice());
      Tables tables = createTables();
      LOG.info("Run {} ({}): model {} ({}), {} queries, input {}", runId, options.mode(), run.model().name(),
          run.model().sha256(), options.queries().size(), options.input());
      steps.begin("recording the run's start");
      recordStart(run, tables.runs());
      Outcome outcome;
      try {
        outcome = answer(run, tables, corpus, began);
      } catch (Throwable e) {
        // Throwable: Spark's AnalysisException is checked in Java's eyes and thrown undeclared.
        recordFailure(run, tables.runs(), e);
        throw e;
      }
      outcome.share().check(outcome.summary(), options.tables().quarantine());
      return outcome.summary();
    } finally {
      steps.end();
    }
  }

  /**
   * Marks the earlier runs whose driver is gone as INTERRUPTED, then records this run as RUNNING:
   * from here on every row this run commits names a run that is in the runs table.
   */
  private void recordStart(Run run, RunsTable runs) {
    for (RunsTable.Unfinished earlier : runs.markInterrupted()) {
      if (earlier.driverNow() == DriverProcess.Liveness.GONE) {
        LOG.warn("Run {} (started {}) was left RUNNING by driver {}, which is gone: marked INTERRUPTED in {}. What it"
                + " committed stays; this run finishes its work", earlier.runId(), earlier.startedAt(), earlier.driver(),
            options.tables().runs());
      } else if (earlier.driverNow() == DriverProcess.Liveness.UNKNOWN) {
        LOG.info("Run {} (started {}, driver {} on another host) is RUNNING; if that driver is gone, mark it: UPDATE {}"
                + " SET status = 'INTERRUPTED' WHERE run_id = '{}'", earlier.runId(), earlier.startedAt(),
            earlier.driver(), options.tables().runs(), earlier.runId());
      }
    }
    runs.begin(run.id(), options, run.model().name(), run.model().sha256(), run.startedAt());
    recorded = true;
  }

  /** Best effort: the error that stopped the run matters more than a failure to record it. */
  private void recordFailure(Run run, RunsTable runs, Throwable error) {
    try {
      runs.fail(run.id(), error);
    } catch (RuntimeException e) {
      error.addSuppressed(e);
    }
  }

  /** What a run that reached its end did, and whether it quarantined too much. */
  private record Outcome(RunSummary summary, QuarantineShare share) {}

  private Outcome answer(Run run, Tables tables, CorpusSource.Read corpus, long began) {
    Dataset<Row> triaged =
        RecordTriage.triage(corpus.records(), options.maxTextChars()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return answer(run, tables, corpus, triaged, began);
    } finally {
      triaged.unpersist();
    }
  }

  private Outcome answer(Run run, Tables tables, CorpusSource.Read corpus, Dataset<Row> triaged, long began) {
    Dataset<Row> documents = answerableDocuments(triaged);
    run.steps().begin("planning the documents to answer");
    DocumentPlacement.Placed work = plan(documents, tables.answers(), run);
    long planned = System.nanoTime();
    ModelStage stage = modelStage(work, run);
    run.steps().begin("counting");
    Counted counted = countRun(run, stage, triaged, documents, work.rows(), corpus);
    RunSummary summary = counted.summary();
    run.steps().begin("merging quarantine and answers");
    commit(tables, triaged, stage.rows(), corpus, run, summary.answerRows() > 0);
    summary = summary.withWallSeconds((System.nanoTime() - began) / 1e9);
    QuarantineShare share = QuarantineShare.of(summary, counted.failedRecords(), options.maxQuarantineShare());
    run.steps().begin("recording the run's end");
    tables.runs().end(summary, share.status());
    LOG.info("{}", summary);
    // Where the wall time went: the model stage is the cost; the rest is fixed per run.
    LOG.info(String.format("Run %s wall time: %.1f s before the model stage (checks, triage, placement),"
            + " %.1f s model stage, %.1f s after it (counts, table commits)", run.id(), (planned - began) / 1e9,
        stage.seconds(), (System.nanoTime() - planned) / 1e9 - stage.seconds()));
    if (!summary.reconciles()) {
      throw new IllegalStateException("Run " + run.id() + " counts do not reconcile: " + summary);
    }
    return new Outcome(summary, share);
  }

  /** The warehouse, the explain directory, the model and the queries against its tokenizer, before any data is read. */
  private DriverModel checkConfiguration() {
    // Where the run writes first: each is quick to check, and the model takes seconds to load.
    Catalogs.checkWarehouseWritable(spark);
    tables().refuseRootPredecessors();
    if (options.explainDirectory() != null) {
      ExplainWriter.prepareDirectory(options.explainDirectory(), hadoopConf);
    }
    DriverModel model = DriverModel.load(spark, options.modelUri());
    model.checkQueries(options.queries(), options.engineOptions());
    return model;
  }

  private record Tables(AnswersTable answers, QuarantineTable quarantine, RunsTable runs) {
    void refuseRootPredecessors() {
      answers.refuseRootPredecessor();
      quarantine.refuseRootPredecessor();
      runs.refuseRootPredecessor();
    }
  }

  private Tables tables() {
    return new Tables(AnswersTable.in(spark, options.tables().answers()),
        QuarantineTable.in(spark, options.tables().quarantine()), RunsTable.in(spark, options.tables().runs()));
  }

  private Tables createTables() {
    Tables tables = tables();
    tables.answers().createIfMissing();
    tables.quarantine().createIfMissing();
    tables.runs().createIfMissing();
    return tables;
  }

  /** One copy of each answerable record: its id, text and text hash. */
  private static Dataset<Row> answerableDocuments(Dataset<Row> triaged) {
    return triaged.filter(col(RecordTriage.REASON).isNull().and(col(RecordTriage.FIRST_COPY)))
        .select(col(CorpusSource.DOC_ID), col(CorpusSource.TEXT), col(RecordTriage.TEXT_SHA256));
  }

  /** What the model must read (in incremental mode, only the unanswered questions), placed on the task slots. */
  private DocumentPlacement.Placed plan(Dataset<Row> documents, AnswersTable answers, Run run) {
    Dataset<Row> work = options.mode() == RunMode.INCREMENTAL
        ? answers.unanswered(documents, options.queries(), run.model().sha256()) : documents;
    return DocumentPlacement.place(spark, work, TaskSlots.count(spark));
  }

  private ModelStage modelStage(DocumentPlacement.Placed placed, Run run) {
    Dataset<Row> work = placed.rows();
    AnswerTask task = run.model().task()
        .setRun(run.id(), run.startedAt())
        .setHadoopConf(SerializableConf.of(hadoopConf))
        .setQueries(options.queries(), options.mode() == RunMode.INCREMENTAL
            ? AnswerTask.Questions.QUERY_IDS_PER_ROW : AnswerTask.Questions.ALL_QUERIES)
        .optEngineOptions(options.engineOptions())
        .optExplain(options.explainDirectory(), explainedDocuments(work, run))
        .optFaults(new FaultInjection(Integer.parseInt(spark.conf().get(FaultInjection.CONF, "-1"))))
        .build();
    LongAccumulator documents = spark.sparkContext().longAccumulator("corpusqa.documents");
    LongAccumulator windows = spark.sparkContext().longAccumulator("corpusqa.windows");
    run.steps().begin("model stage: answering " + options.queries().size() + " queries");
    long started = System.nanoTime();
    // Materialised once (and cut from the input's lineage, whose input_file_name() MERGE would
    // reject as non-deterministic), so that MERGE reads the answers instead of running the model again.
    Dataset<Row> rows;
    try (ModelStageProgress progress =
        new ModelStageProgress(spark.sparkContext(), documents, windows, placed.documents())) {
      rows = work.mapPartitions(new PartitionAnswerer(task, documents, windows), Encoders.row(AnswersTable.WITH_FAILURES))
          .localCheckpoint(true);
    }
    return new ModelStage(rows, (System.nanoTime() - started) / 1e9, documents.value(), windows.value());
  }

  /** The first {@code --explain-limit} documents to be answered, when {@code --explain} is on. */
  private Set<String> explainedDocuments(Dataset<Row> work, Run run) {
    Set<String> ids = new HashSet<>();
    if (options.explainDirectory() != null) {
      run.steps().begin("choosing the documents to explain");
      for (Row row : work.select(CorpusSource.DOC_ID).limit(options.explainLimit()).collectAsList()) {
        ids.add(row.getString(0));
      }
    }
    return ids;
  }

  /** The run's summary, and how many documents had a (document, question) pair quarantined. */
  private record Counted(RunSummary summary, long failedRecords) {}

  /**
   * The run's counts, each counted on its own (not by difference), so that reconciling can catch a
   * loss; two aggregations instead of a count job per figure.
   */
  private Counted countRun(
      Run run, ModelStage stage, Dataset<Row> triaged, Dataset<Row> documents, Dataset<Row> work,
      CorpusSource.Read corpus) {
    Column onePerPair = col(AnswersTable.FAILURE).isNotNull().or(col("rank").equalTo(1));
    Row output =
        stage.rows().agg(count(lit(1)), count(col(AnswersTable.FAILURE)),
                count(when(col(AnswersTable.FAILURE).isNull().and(col("rank").equalTo(1)), true)),
                countDistinct(when(col(AnswersTable.FAILURE).isNotNull(), col("doc_id"))),
                // One row per (document, question) carries its windows: rank 1, or its failure row.
                coalesce(sum(when(onePerPair, col("windows_read"))), lit(0L)),
                coalesce(sum(when(onePerPair, col("windows_total"))), lit(0L)))
            .first();
    Row records =
        triaged.agg(count(lit(1)), count(col(RecordTriage.REASON)),
                count(when(col(RecordTriage.REASON).isNull().and(col(RecordTriage.FIRST_COPY).equalTo(false)), true)))
            .first();
    long unchanged = options.mode() == RunMode.INCREMENTAL ? documents.count() - work.count() : 0;
    RunSummary summary = new RunSummary(run.id(), options.mode(), options.tables(), records.getLong(0),
        stage.documents(), unchanged, records.getLong(2), records.getLong(1), corpus.unreadable().size(),
        output.getLong(2), output.getLong(1), output.getLong(0) - output.getLong(1), stage.windows(),
        output.getLong(4), output.getLong(5), stage.seconds(), 0);
    return new Counted(summary, output.getLong(3));
  }

  /**
   * Quarantine first, then answers: each MERGE is one commit; an empty one would still commit a
   * snapshot, and an identical rerun must leave the tables as they are.
   */
  private void commit(Tables tables, Dataset<Row> triaged, Dataset<Row> modelStageRows, CorpusSource.Read corpus,
      Run run, boolean anyAnswers) {
    Dataset<Row> quarantined =
        tables.quarantine().rows(triaged, modelStageRows, corpus.unreadable(), run.id(), run.at()).localCheckpoint(true);
    tables.quarantine().merge(quarantined);
    DriverFaultInjection.afterCommit(spark, "quarantine");
    if (anyAnswers) {
      tables.answers().merge(AnswersTable.answersOf(modelStageRows), options.queries(), run.model().sha256());
      DriverFaultInjection.afterCommit(spark, "answers");
    }
  }

  static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
