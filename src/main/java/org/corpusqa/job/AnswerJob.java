package org.corpusqa.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.config.ConfigException;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.IcebergTable;
import org.corpusqa.io.QuarantineReason;
import org.corpusqa.io.QuarantineTable;
import org.corpusqa.io.RunsTable;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.io.UnreadableFile;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: answers every query for every document of a corpus and merges the answers into the
 * answers table; what cannot be answered goes to the quarantine table with a reason, and the run's
 * reconciled counts to the runs table. Everything that can be wrong with the configuration (model,
 * queries against the tokenizer, corpus schema, catalog, explain directory) is checked before any
 * document is read.
 */
public final class AnswerJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerJob.class);

  private final SparkSession spark;
  private final RunOptions options;

  public AnswerJob(SparkSession spark, RunOptions options) {
    this.spark = spark;
    this.options = options;
  }

  public RunSummary run() {
    Instant startedAt = Instant.now();
    long began = System.nanoTime();
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    ModelBundle bundle = ModelBundle.open(BundleLocator.localDirectory(options.modelUri(), hadoopConf));
    ModelCache.configureEngine(Integer.parseInt(spark.conf().get("spark.task.cpus", "1")));
    QaModel model = ModelCache.get(bundle, Device.cpu());
    // Builds the engine once on the driver only to check every query against the tokenizer.
    try {
      new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(), options.engineOptions())
          .prepare(options.queries());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    if (options.explainDirectory() != null) {
      checkExplainDirectory(options.explainDirectory(), hadoopConf);
    }
    CorpusSource.Read corpus =
        CorpusSource.read(spark, options.input(), options.inputFormat(), options.idColumn(), options.textColumn(),
            options.chunk() == null ? CorpusSource.Slice.ALL : options.chunk().slice());
    IcebergTable answersTable = AnswersTable.of(spark, options.tables().answers());
    IcebergTable quarantineTable = QuarantineTable.of(spark, options.tables().quarantine());
    IcebergTable runsTable = RunsTable.of(spark, options.tables().runs());
    answersTable.createIfMissing();
    quarantineTable.createIfMissing();
    runsTable.createIfMissing();

    String runId = newRunId();
    Timestamp at = Timestamp.from(startedAt);
    LOG.info("Run {} ({}): model {} ({}), {} queries, input {}", runId, options.mode(), bundle.manifest().name(),
        bundle.sha256(), options.queries().size(), options.input());
    Dataset<Row> triaged =
        RecordTriage.triage(corpus.records(), options.maxTextChars()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> answerable = triaged.filter(col(RecordTriage.REASON).isNull());
      Dataset<Row> documents =
          answerable.filter(col(RecordTriage.FIRST_COPY))
              .select(col(CorpusSource.DOC_ID), col(CorpusSource.TEXT), col(RecordTriage.TEXT_SHA256));
      Dataset<Row> work = options.mode() == RunMode.INCREMENTAL ? unanswered(documents, bundle.sha256()) : documents;
      work = DocumentPlacement.place(spark, work, taskSlots());

      Set<String> explainIds = new HashSet<>();
      if (options.explainDirectory() != null) {
        for (Row row : work.select(CorpusSource.DOC_ID).limit(options.explainLimit()).collectAsList()) {
          explainIds.add(row.getString(0));
        }
      }
      LongAccumulator documentCount = spark.sparkContext().longAccumulator("corpusqa.documents");
      LongAccumulator windowCount = spark.sparkContext().longAccumulator("corpusqa.windows");
      AnswerTask task =
          new AnswerTask(BundleLocator.forExecutors(options.modelUri()), bundle.sha256(), bundle.manifest().name(), options.queries(),
              options.mode() == RunMode.INCREMENTAL, null, options.engineOptions(), runId,
              startedAt.toEpochMilli() * 1000, options.explainDirectory(), explainIds,
              SerializableConf.of(hadoopConf), faults());
      long started = System.nanoTime();
      // Materialised once (and cut from the input's lineage, whose input_file_name() MERGE would
      // reject as non-deterministic), so that MERGE reads the answers instead of running the model again.
      Dataset<Row> output =
          work.mapPartitions(new PartitionAnswerer(task, documentCount, windowCount),
                  Encoders.row(PartitionAnswerer.OUTPUT))
              .localCheckpoint(true);
      double seconds = (System.nanoTime() - started) / 1e9;
      long recordsAnswered = documentCount.value();

      Dataset<Row> answers = output.filter(col("failure").isNull()).select(answerColumns());
      Dataset<Row> failures = output.filter(col("failure").isNotNull());
      // Two aggregations instead of a count job per figure.
      Row outputCounts =
          output.agg(count(lit(1)), count(col("failure")),
                  count(when(col("failure").isNull().and(col("rank").equalTo(1)), true)),
                  countDistinct(when(col("failure").isNotNull(), col("doc_id"))))
              .first();
      long outputRows = outputCounts.getLong(0);
      long pairsQuarantined = outputCounts.getLong(1);
      long pairsAnswered = outputCounts.getLong(2);
      long failedRecords = outputCounts.getLong(3);
      long answerRows = outputRows - pairsQuarantined;
      Row recordCounts =
          triaged.agg(count(lit(1)), count(col(RecordTriage.REASON)),
                  count(when(col(RecordTriage.REASON).isNull().and(col(RecordTriage.FIRST_COPY).equalTo(false)), true)))
              .first();
      long recordsRead = recordCounts.getLong(0);
      long recordsQuarantined = recordCounts.getLong(1);
      long recordsDuplicate = recordCounts.getLong(2);
      // Counted on their own (not by difference) so that the reconciliation below can catch a loss.
      long recordsUnchanged = options.mode() == RunMode.INCREMENTAL ? documents.count() - work.count() : 0;

      // An empty MERGE would still commit a snapshot: an identical rerun must leave the tables as they are.
      Dataset<Row> quarantined = quarantineRows(triaged, failures, corpus.unreadable(), runId, at).localCheckpoint(true);
      if (!quarantined.isEmpty()) {
        quarantineTable.merge(quarantined);
      }
      if (answerRows > 0) {
        answersTable.merge(answers, staleRanks(answers, bundle.sha256()));
      }
      RunSummary summary =
          new RunSummary(runId, options.mode(), options.tables().answers(), recordsRead, recordsAnswered,
              recordsUnchanged, recordsDuplicate, recordsQuarantined, corpus.unreadable().size(),
              pairsAnswered, pairsQuarantined,
              answerRows, windowCount.value(), seconds);
      double share = recordsRead == 0 ? 0 : (double) (recordsQuarantined + failedRecords) / recordsRead;
      boolean tooMany = share > options.maxQuarantineShare() || (recordsRead == 0 && !corpus.unreadable().isEmpty());
      runsTable.append(runRow(summary, bundle, startedAt, tooMany ? "FAILED_QUARANTINE_SHARE" : "SUCCEEDED"));
      LOG.info("{}", summary);
      // Where the wall time went: the model stage is the cost; the rest is fixed per run.
      LOG.info(String.format("Run %s wall time: %.1f s before the model stage (checks, triage, placement),"
              + " %.1f s model stage, %.1f s after it (counts, table commits)", runId, (started - began) / 1e9,
          seconds, (System.nanoTime() - began) / 1e9 - (started - began) / 1e9 - seconds));
      if (!summary.reconciles()) {
        throw new IllegalStateException("Run " + runId + " counts do not reconcile: " + summary);
      }
      if (tooMany) {
        throw new QuarantineShareExceededException(String.format(
            "Run %s quarantined %d records and %d (document, question) pairs of %d records read"
                + " (%.1f%%), more than --max-quarantine-share %.1f%%; answers were written, see: SELECT"
                + " reason, count(*) FROM %s WHERE run_id = '%s' GROUP BY reason",
            runId, recordsQuarantined, pairsQuarantined, recordsRead, 100 * share,
            100 * options.maxQuarantineShare(), options.tables().quarantine(), runId));
      }
      return summary;
    } finally {
      triaged.unpersist();
    }
  }

  /** How many model tasks run at once: the cluster's cores over the cores each task takes. */
  private int taskSlots() {
    int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    return Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
  }

  /**
   * The documents with the query ids still to answer: a (document, question) is done when the
   * answers table holds it for this model, this exact text and this exact question and settings.
   */
  private Dataset<Row> unanswered(Dataset<Row> documents, String modelSha256) {
    List<Row> ids = new ArrayList<>();
    for (Query q : options.queries()) {
      ids.add(RowFactory.create(q.id(), q.sha256()));
    }
    Dataset<Row> queries = spark.createDataFrame(ids, new StructType().add("query_id", DataTypes.StringType, false)
        .add("query_sha256", DataTypes.StringType, false));
    Dataset<Row> done =
        spark.table(options.tables().answers())
            .filter(col("model_sha256").equalTo(lit(modelSha256)).and(col("rank").equalTo(1)))
            .select(col("doc_id"), col("query_id"), col("query_sha256"), col("text_sha256"));
    Dataset<Row> todo =
        documents.select(col(CorpusSource.DOC_ID), col(RecordTriage.TEXT_SHA256)).crossJoin(queries)
            .join(done, seq(CorpusSource.DOC_ID, "query_id", "query_sha256", RecordTriage.TEXT_SHA256), "left_anti")
            .groupBy(col(CorpusSource.DOC_ID))
            .agg(collect_list(col("query_id")).as("query_ids"));
    return documents.join(todo, CorpusSource.DOC_ID)
        .select(col(CorpusSource.DOC_ID), col(CorpusSource.TEXT), col(RecordTriage.TEXT_SHA256), col("query_ids"));
  }

  /**
   * The answers table's rows that this run's answers make stale: for a (document, question) answered
   * now by this model, the ranks it has no longer (a smaller top_k, or a changed text with fewer
   * spans). Without them a reader would see rank 3 of the old text beside ranks 1 and 2 of the new.
   */
  private Dataset<Row> staleRanks(Dataset<Row> answers, String modelSha256) {
    List<Object> queryIds = new ArrayList<>();
    options.queries().forEach(q -> queryIds.add(q.id()));
    Dataset<Row> existing =
        spark.table(options.tables().answers())
            .filter(col("model_sha256").equalTo(lit(modelSha256)).and(col("query_id").isin(queryIds.toArray())));
    return existing
        .join(answers.select(col("doc_id"), col("query_id")).distinct(), seq("doc_id", "query_id"), "left_semi")
        .join(answers.select(col("doc_id"), col("query_id"), col("rank")), seq("doc_id", "query_id", "rank"), "left_anti")
        .select(answerColumns());
  }

  /** Column names as the Scala sequence that Dataset.join takes. */
  private static scala.collection.Seq<String> seq(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }

  private static org.apache.spark.sql.Column[] answerColumns() {
    return java.util.Arrays.stream(AnswersTable.SCHEMA.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  /**
   * The quarantine rows of this run: one per distinct (record key, text, question, reason), with the
   * number of records it stands for, so that the MERGE source never holds a key twice.
   */
  private Dataset<Row> quarantineRows(
      Dataset<Row> triaged, Dataset<Row> failures, List<UnreadableFile> unreadable, String runId, Timestamp at) {
    Dataset<Row> records =
        triaged.filter(col(RecordTriage.REASON).isNotNull())
            .groupBy(col(RecordTriage.RECORD_KEY), col(RecordTriage.TEXT_SHA256), col(RecordTriage.REASON))
            .agg(first(col(CorpusSource.DOC_ID)).as("doc_id"), first(col(RecordTriage.DETAIL)).as("detail"),
                first(col(CorpusSource.FILE)).as("source_file"), count(lit(1)).as("copies"))
            .select(col(RecordTriage.RECORD_KEY), col("doc_id"), lit(null).cast(DataTypes.StringType).as("query_id"),
                col(RecordTriage.REASON).as("reason"), lit(null).cast(DataTypes.StringType).as("error_class"),
                col("detail"), col("source_file"), col(RecordTriage.TEXT_SHA256), col("copies"),
                lit(runId).as("run_id"), lit(at).as("at"));
    Dataset<Row> pairs =
        failures.select(col("doc_id").as(RecordTriage.RECORD_KEY), col("doc_id"), col("query_id"),
            col("failure").as("reason"), col("failure_class").as("error_class"), col("failure_detail").as("detail"),
            lit(null).cast(DataTypes.StringType).as("source_file"), col("text_sha256"), lit(1L).as("copies"),
            lit(runId).as("run_id"), lit(at).as("at"));
    List<Row> files = new ArrayList<>();
    for (UnreadableFile f : unreadable) {
      files.add(RowFactory.create("file:" + f.path(), null, null, QuarantineReason.UNREADABLE_FILE.name(),
          f.errorClass(), f.detail(), f.path(), null, 1L, runId, at));
    }
    return records.unionByName(pairs).unionByName(spark.createDataFrame(files, QuarantineTable.SCHEMA));
  }

  private Row runRow(RunSummary s, ModelBundle bundle, Instant startedAt, String status) {
    return RowFactory.create(s.runId(), s.mode().name().toLowerCase(java.util.Locale.ROOT), options.input(),
        bundle.manifest().name(), bundle.sha256(), options.queries().size(), Timestamp.from(startedAt),
        new Timestamp(System.currentTimeMillis()), s.recordsRead(), s.recordsAnswered(), s.recordsUnchanged(),
        s.recordsDuplicate(), s.recordsQuarantined(), s.unreadableFiles(), s.pairsAnswered(), s.pairsQuarantined(),
        s.answerRows(), s.windows(), s.windowsPerSecond(), status,
        options.chunk() == null ? null : options.chunk().backfillId(),
        options.chunk() == null ? null : options.chunk().name());
  }

  private FaultInjection faults() {
    String value = spark.conf().get(FaultInjection.CONF, "-1");
    return new FaultInjection(Integer.parseInt(value));
  }

  static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void checkExplainDirectory(String directory, Configuration conf) {
    try {
      Path dir = new Path(directory);
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(dir)) {
        FileStatus[] entries = fs.listStatus(dir);
        if (entries.length > 0) {
          throw new ConfigException(
              "Cannot write explain output to " + directory + ": the directory is not empty;"
                  + " give a new directory or empty this one");
        }
      } else {
        fs.mkdirs(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare explain directory " + directory, e);
    }
  }
}
