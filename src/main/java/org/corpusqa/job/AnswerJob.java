package org.corpusqa.job;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.config.ConfigException;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.QaEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: answers every query for every document of a corpus and merges the answers into the
 * answers table. Everything that can be wrong with the configuration (model, queries against the
 * tokenizer, corpus schema, catalog, explain directory) is checked before any document is read.
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
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    ModelBundle bundle = ModelBundle.open(BundleLocator.localDirectory(options.modelUri(), hadoopConf));
    ModelCache.configureEngine(Integer.parseInt(spark.conf().get("spark.task.cpus", "1")));
    QaModel model = ModelCache.get(bundle, Device.cpu());
    // Builds the engine once on the driver only to check every query against the tokenizer.
    new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(), options.engineOptions())
        .prepare(options.queries());
    if (options.explainDirectory() != null) {
      checkExplainDirectory(options.explainDirectory(), hadoopConf);
    }
    Dataset<Row> corpus =
        CorpusSource.read(
            spark, options.input(), options.inputFormat(), options.idColumn(), options.textColumn());
    AnswersTable table = new AnswersTable(spark, options.table());
    table.createIfMissing();

    String runId = newRunId();
    LOG.info("Run {}: model {} ({}), {} queries, input {}", runId, bundle.manifest().name(),
        bundle.sha256(), options.queries().size(), options.input());
    LongAccumulator nullIds = spark.sparkContext().longAccumulator("corpusqa.null_ids");
    Dataset<Row> documents = corpus.filter(new NullIdFilter(nullIds));
    Set<String> explainIds = new HashSet<>();
    if (options.explainDirectory() != null) {
      for (Row row : documents.select(CorpusSource.DOC_ID).limit(options.explainLimit()).collectAsList()) {
        explainIds.add(row.getString(0));
      }
    }
    int parallelism = spark.sparkContext().defaultParallelism();
    if (documents.rdd().getNumPartitions() < parallelism) {
      // A small input is often one file, one partition: spread it so that every core works.
      documents = documents.repartition(parallelism);
    }

    LongAccumulator documentCount = spark.sparkContext().longAccumulator("corpusqa.documents");
    LongAccumulator windowCount = spark.sparkContext().longAccumulator("corpusqa.windows");
    AnswerTask task =
        new AnswerTask(
            options.modelUri(),
            bundle.sha256(),
            bundle.manifest().name(),
            options.queries(),
            null,
            options.engineOptions(),
            runId,
            Instant.now().toEpochMilli() * 1000,
            options.explainDirectory(),
            explainIds,
            HadoopConf.of(hadoopConf));
    long started = System.nanoTime();
    Dataset<Row> answers =
        documents
            .mapPartitions(
                new PartitionAnswerer(task, documentCount, windowCount),
                Encoders.row(AnswersTable.SCHEMA))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Materialised once, so that MERGE reads the answers instead of running the model again.
      long rows = answers.count();
      double seconds = (System.nanoTime() - started) / 1e9;
      table.merge(answers);
      RunSummary summary =
          new RunSummary(runId, options.table(), documentCount.value(), nullIds.value(), rows,
              windowCount.value(), seconds);
      if (nullIds.value() > 0) {
        LOG.warn("Run {}: skipped {} input rows without a {} (column {})", runId, nullIds.value(),
            CorpusSource.DOC_ID, options.idColumn());
      }
      LOG.info("{}", summary);
      return summary;
    } finally {
      answers.unpersist();
    }
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
