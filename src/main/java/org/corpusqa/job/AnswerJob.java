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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
import org.corpusqa.io.LabelsTable;
import org.corpusqa.io.QuarantineTable;
import org.corpusqa.io.RecordTriage;
import org.corpusqa.io.RunSummary;
import org.corpusqa.io.RunsTable;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.qa.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: answers every query for every document of a corpus and merges the answers into the
 * answers table, and the labels of classify queries into the labels table (one model stage per
 * model: the answering model's, then the classifier's); what cannot be answered goes to the
 * quarantine table with a reason, and the run's reconciled counts to the runs table. Everything that can be wrong with the configuration (model,
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

  /** One run's identity and its models, shared by its steps. */
  private record Run(String id, Instant startedAt, RunModels models, JobSteps steps) {
    Timestamp at() {
      return Timestamp.from(startedAt);
    }
  }

  /** What a model stage writes: spans to the answers table, or labels to the labels table. */
  private enum Output {
    ANSWERS("answering", "answers"),
    LABELS("labelling", "labels");

    private final String verb;
    private final String table;

    Output(String verb, String table) {
      this.verb = verb;
      this.table = table;
    }
  }

  /** One model and the queries it answers: a model stage to plan and run. */
  private record Stage(Output output, DriverModel model, List<Query> queries) {}

  /** What a model stage read (its placed work) and returned, and how long it took. */
  private record ModelStage(Stage stage, Dataset<Row> work, Dataset<Row> rows, double seconds, long windows) {}

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
      for (Stage stage : stages(run)) {
        LOG.info("Run {} ({}): model {} ({}) {} {} queries, input {}", runId, options.mode(), stage.model().name(),
            stage.model().sha256(), stage.output().verb, stage.queries().size(), options.input());
      }
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
    runs.begin(run.id(), options, run.models().main().identity(),
        run.models().labels() == null ? null : run.models().labels().identity(), run.startedAt());
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
    List<ModelStage> stages = new ArrayList<>();
    for (Stage stage : stages(run)) {
      run.steps().begin("planning the documents for " + stage.output().verb);
      stages.add(modelStage(stage, plan(stage, documents, tables), run));
    }
    double modelSeconds = stages.stream().mapToDouble(ModelStage::seconds).sum();
    run.steps().begin("counting");
    Counted counted = countRun(run, stages, triaged, documents, corpus);
    RunSummary summary = counted.summary();
    run.steps().begin("merging quarantine" + (stages.size() == 1 ? " and " : ", ")
        + String.join(" and ", stages.stream().map(m -> m.stage().output().table).toList()));
    commit(tables, triaged, stages, corpus, run, summary);
    summary = summary.withWallSeconds((System.nanoTime() - began) / 1e9);
    QuarantineShare share = QuarantineShare.of(summary, counted.failedRecords(), options.maxQuarantineShare());
    run.steps().begin("recording the run's end");
    tables.runs().end(summary, share.status());
    LOG.info("{}", summary);
    // Where the wall time went: the model stages are the cost; the rest is fixed per run.
    LOG.info(String.format("Run %s wall time: %.1f s in %d model stage(s), %.1f s outside them (checks, triage,"
            + " placement, counts, table commits)", run.id(), modelSeconds, stages.size(),
        (System.nanoTime() - began) / 1e9 - modelSeconds));
    if (!summary.reconciles()) {
      throw new IllegalStateException("Run " + run.id() + " counts do not reconcile: " + summary);
    }
    return new Outcome(summary, share);
  }

  /** The warehouse, the explain directory, the models and the queries against their tokenizers, before any data is read. */
  private RunModels checkConfiguration() {
    // Where the run writes first: each is quick to check, and the model takes seconds to load.
    Catalogs.checkWarehouseWritable(spark);
    tables().refuseRootPredecessors();
    if (options.explainDirectory() != null) {
      ExplainWriter.prepareDirectory(options.explainDirectory(), hadoopConf);
    }
    // Checks each query against its model's tokenizer, then loads the models.
    return RunModels.load(spark, options);
  }

  /** The run's model stages: the answering model's, then the classifier's, each when a query needs it. */
  private List<Stage> stages(Run run) {
    List<Stage> stages = new ArrayList<>();
    if (run.models().answers() != null) {
      stages.add(new Stage(Output.ANSWERS, run.models().answers(), options.answerQueries()));
    }
    if (run.models().labels() != null) {
      stages.add(new Stage(Output.LABELS, run.models().labels(), options.classifyQueries()));
    }
    return stages;
  }

  private record Tables(AnswersTable answers, QuarantineTable quarantine, RunsTable runs, LabelsTable labels) {
    void refuseRootPredecessors() {
      answers.refuseRootPredecessor();
      quarantine.refuseRootPredecessor();
      runs.refuseRootPredecessor();
      labels.refuseRootPredecessor();
    }
  }

  private Tables tables() {
    return new Tables(AnswersTable.in(spark, options.tables().answers()),
        QuarantineTable.in(spark, options.tables().quarantine()), RunsTable.in(spark, options.tables().runs()),
        LabelsTable.in(spark, options.tables().labels()));
  }

  /** The tables this run writes; the labels table only when a query asks for labels. */
  private Tables createTables() {
    Tables tables = tables();
    tables.answers().createIfMissing();
    tables.quarantine().createIfMissing();
    tables.runs().createIfMissing();
    if (!options.classifyQueries().isEmpty()) {
      tables.labels().createIfMissing();
    }
    return tables;
  }

  /** One copy of each answerable record: its id, text and text hash. */
  private static Dataset<Row> answerableDocuments(Dataset<Row> triaged) {
    return triaged.filter(col(RecordTriage.REASON).isNull().and(col(RecordTriage.FIRST_COPY)))
        .select(col(CorpusSource.DOC_ID), col(CorpusSource.TEXT), col(RecordTriage.TEXT_SHA256));
  }

  /**
   * What a stage's model must read (in incremental mode, only the (document, query) pairs its table
   * does not hold yet), placed on the task slots.
   */
  private DocumentPlacement.Placed plan(Stage stage, Dataset<Row> documents, Tables tables) {
    Dataset<Row> work = documents;
    if (options.mode() == RunMode.INCREMENTAL) {
      work = stage.output() == Output.ANSWERS
          ? tables.answers().unanswered(documents, stage.queries(), stage.model().sha256())
          : tables.labels().unlabelled(documents, stage.queries(), stage.model().sha256());
    }
    return DocumentPlacement.place(spark, work, TaskSlots.count(spark));
  }

  private ModelStage modelStage(Stage stage, DocumentPlacement.Placed placed, Run run) {
    Dataset<Row> work = placed.rows();
    AnswerTask task = stage.model().task()
        .setRun(run.id(), run.startedAt())
        .setHadoopConf(SerializableConf.of(hadoopConf))
        .setQueries(stage.queries(), options.mode() == RunMode.INCREMENTAL
            ? AnswerTask.Questions.QUERY_IDS_PER_ROW : AnswerTask.Questions.ALL_QUERIES)
        .optEngineOptions(options.engineOptions())
        .optExplain(options.explainDirectory(), explainedDocuments(work, run))
        .optFaults(new FaultInjection(Integer.parseInt(spark.conf().get(FaultInjection.CONF, "-1"))))
        .build();
    LongAccumulator documents = spark.sparkContext().longAccumulator("corpusqa.documents");
    LongAccumulator windows = spark.sparkContext().longAccumulator("corpusqa.windows");
    run.steps().begin("model stage: " + stage.output().verb + " " + stage.queries().size() + " queries");
    long started = System.nanoTime();
    // Materialised once (and cut from the input's lineage, whose input_file_name() MERGE would
    // reject as non-deterministic), so that MERGE reads the answers instead of running the model again.
    Dataset<Row> rows;
    try (ModelStageProgress progress =
        new ModelStageProgress(spark.sparkContext(), documents, windows, placed.documents())) {
      rows = work.mapPartitions(new PartitionAnswerer(task, documents, windows), Encoders.row(
              stage.output() == Output.ANSWERS ? AnswersTable.WITH_FAILURES : LabelsTable.WITH_FAILURES))
          .localCheckpoint(true);
    }
    return new ModelStage(stage, work, rows, (System.nanoTime() - started) / 1e9, windows.value());
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
   * loss: the documents answered are those the model stages' rows name, not those they were given.
   * Two aggregations instead of a count job per figure.
   */
  private Counted countRun(
      Run run, List<ModelStage> stages, Dataset<Row> triaged, Dataset<Row> documents, CorpusSource.Read corpus) {
    Dataset<Row> pairs = null;
    for (ModelStage stage : stages) {
      Dataset<Row> stagePairs = accounting(stage);
      pairs = pairs == null ? stagePairs : pairs.unionByName(stagePairs);
    }
    Row output =
        pairs.agg(count(when(col("answer_row"), true)), count(when(col("label_row"), true)),
                count(col(AnswersTable.FAILURE)), count(when(col("answered_pair"), true)),
                countDistinct(when(col(AnswersTable.FAILURE).isNotNull(), col("doc_id"))),
                coalesce(sum(col("windows_read")), lit(0L)), coalesce(sum(col("windows_total")), lit(0L)),
                countDistinct(col("doc_id")))
            .first();
    Row records =
        triaged.agg(count(lit(1)), count(col(RecordTriage.REASON)),
                count(when(col(RecordTriage.REASON).isNull().and(col(RecordTriage.FIRST_COPY).equalTo(false)), true)))
            .first();
    long unchanged = options.mode() == RunMode.INCREMENTAL ? documents.count() - planned(stages) : 0;
    long windows = stages.stream().mapToLong(ModelStage::windows).sum();
    double seconds = stages.stream().mapToDouble(ModelStage::seconds).sum();
    RunSummary summary = new RunSummary(run.id(), options.mode(), options.tables(), records.getLong(0),
        output.getLong(7), unchanged, records.getLong(2), records.getLong(1), corpus.unreadable().size(),
        output.getLong(3), output.getLong(2), output.getLong(0), output.getLong(1), windows, output.getLong(5),
        output.getLong(6), seconds, 0);
    return new Counted(summary, output.getLong(4));
  }

  /** The documents some model stage was given: each stage's planned work, a document counted once. */
  private static long planned(List<ModelStage> stages) {
    if (stages.size() == 1) {
      return stages.get(0).work().count();
    }
    Dataset<Row> ids = null;
    for (ModelStage stage : stages) {
      Dataset<Row> stageIds = stage.work().select(CorpusSource.DOC_ID);
      ids = ids == null ? stageIds : ids.union(stageIds);
    }
    return ids.distinct().count();
  }

  /**
   * A stage's rows in the columns the run's counts need: whether a row goes to the answers or the
   * labels table, whether it stands for an answered (document, question), and that pair's windows,
   * carried by one row per pair (an answer's rank 1, a label, or the pair's failure row).
   */
  private static Dataset<Row> accounting(ModelStage stage) {
    Dataset<Row> rows = stage.rows();
    Column ok = col(AnswersTable.FAILURE).isNull();
    if (stage.stage().output() == Output.ANSWERS) {
      Column onePerPair = col(AnswersTable.FAILURE).isNotNull().or(col("rank").equalTo(1));
      return rows.select(col("doc_id"), col(AnswersTable.FAILURE), ok.as("answer_row"), lit(false).as("label_row"),
          ok.and(col("rank").equalTo(1)).as("answered_pair"),
          when(onePerPair, col("windows_read").cast("long")).otherwise(0L).as("windows_read"),
          when(onePerPair, col("windows_total").cast("long")).otherwise(0L).as("windows_total"));
    }
    return rows.select(col("doc_id"), col(AnswersTable.FAILURE), lit(false).as("answer_row"), ok.as("label_row"),
        ok.as("answered_pair"), col("windows").cast("long").as("windows_read"),
        col("windows").cast("long").as("windows_total"));
  }

  /**
   * Quarantine first, then answers, then labels: each MERGE is one commit; an empty one would still
   * commit a snapshot, and an identical rerun must leave the tables as they are.
   */
  private void commit(Tables tables, Dataset<Row> triaged, List<ModelStage> stages, CorpusSource.Read corpus,
      Run run, RunSummary summary) {
    Dataset<Row> failures = null;
    for (ModelStage stage : stages) {
      Dataset<Row> stageFailures = QuarantineTable.failuresOf(stage.rows());
      failures = failures == null ? stageFailures : failures.unionByName(stageFailures);
    }
    Dataset<Row> quarantined =
        tables.quarantine().rows(triaged, failures, corpus.unreadable(), run.id(), run.at()).localCheckpoint(true);
    tables.quarantine().merge(quarantined);
    DriverFaultInjection.afterCommit(spark, "quarantine");
    for (ModelStage stage : stages) {
      if (stage.stage().output() == Output.ANSWERS && summary.answerRows() > 0) {
        tables.answers().merge(AnswersTable.answersOf(stage.rows()), stage.stage().queries(),
            stage.stage().model().sha256());
        DriverFaultInjection.afterCommit(spark, "answers");
      } else if (stage.stage().output() == Output.LABELS && summary.labelRows() > 0) {
        tables.labels().merge(LabelsTable.labelsOf(stage.rows()));
        DriverFaultInjection.afterCommit(spark, "labels");
      }
    }
  }

  static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
