package org.corpusqa.job;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.Chunking;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputSlice;
import org.corpusqa.config.RunOptions;
import org.corpusqa.digest.Sha256;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.FileCheck;
import org.corpusqa.io.RunSummary;
import org.corpusqa.io.RunsTable;
import org.corpusqa.qa.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backfill}: answers an archive chunk by chunk, each chunk an incremental run committed on
 * its own and recorded in the runs table under the backfill's id. The id is derived from the input,
 * the chunking, the model and the queries, so running the same backfill again (after a kill, say)
 * skips the chunks already committed; a chunk cut off between its answers and its runs row is
 * redone, and its incremental run sends none of the already answered documents to the model.
 */
public final class BackfillJob {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillJob.class);

  private final SparkSession spark;
  private final RunOptions options;
  private final Chunking chunking;

  public BackfillJob(SparkSession spark, RunOptions options, Chunking chunking) {
    this.spark = spark;
    this.options = options;
    this.chunking = chunking;
  }

  /** What a backfill did in this invocation. */
  public record Summary(String backfillId, int chunks, int alreadyCommitted, int committedNow, long recordsAnswered) {
    @Override
    public String toString() {
      return String.format("backfill %s: %d chunks, %d were already committed, %d committed now,"
          + " %d records sent to the model", backfillId, chunks, alreadyCommitted, committedNow, recordsAnswered);
    }
  }

  public Summary run() {
    String backfillId = backfillId(RunModels.load(spark, options));
    JobSteps steps = new JobSteps(spark, "backfill", backfillId);
    steps.begin("planning the chunks");
    List<RunOptions.Chunk> chunks;
    Set<String> committed;
    try {
      chunks = plan(backfillId);
      committed = RunsTable.in(spark, options.tables().runs()).succeededChunks(backfillId);
    } finally {
      steps.end();
    }
    List<RunOptions.Chunk> remaining = chunks.stream().filter(c -> !committed.contains(c.name())).toList();
    LOG.info("Backfill {} ({}): {} chunks, {} already committed, {} to do", backfillId, chunking, chunks.size(),
        chunks.size() - remaining.size(), remaining.size());
    long started = System.nanoTime();
    long records = 0;
    long answered = 0;
    for (int i = 0; i < remaining.size(); i++) {
      RunOptions.Chunk chunk = remaining.get(i);
      RunSummary run = new AnswerJob(spark, options.forChunk(chunk)).run();
      records += run.recordsRead();
      answered += run.recordsAnswered();
      double elapsed = (System.nanoTime() - started) / 1e9;
      int done = chunks.size() - remaining.size() + i + 1;
      double eta = elapsed / (i + 1) * (remaining.size() - i - 1);
      LOG.info("Backfill {}: chunk {} committed ({}/{} done), {} records, {} documents/s, ETA {} s", backfillId,
          chunk.name(), done, chunks.size(), run.recordsRead(), String.format("%.1f", records / elapsed),
          String.format("%.0f", eta));
    }
    return new Summary(backfillId, chunks.size(), chunks.size() - remaining.size(), remaining.size(), answered);
  }

  private List<RunOptions.Chunk> plan(String backfillId) {
    List<RunOptions.Chunk> chunks = new ArrayList<>();
    if (chunking.byFiles()) {
      List<String> files;
      try {
        files = FileCheck.list(options.input(), spark.sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new ConfigException("Cannot list input " + options.input() + ": " + e.getMessage() + "; check --input", e);
      }
      for (int from = 0; from < files.size(); from += chunking.filesPerChunk()) {
        List<String> part = files.subList(from, Math.min(files.size(), from + chunking.filesPerChunk()));
        String name = "files " + relative(part.get(0)) + " .. " + relative(part.get(part.size() - 1));
        chunks.add(new RunOptions.Chunk(backfillId, name, new InputSlice(List.copyOf(part), null, null)));
      }
    } else {
      List<Row> values =
          CorpusSource.column(spark, options.input(), options.inputFormat(), chunking.column())
              .filter(col("value").between(chunking.from(), chunking.to()).or(col("value").isNull()))
              .distinct().orderBy("value").collectAsList();
      for (Row value : values) {
        // Records without a value (or that do not parse) are in no range: they get a chunk of their
        // own, so that they are answered or quarantined, never skipped.
        String name = chunking.column() + (value.isNullAt(0) ? " is null" : "=" + value.getString(0));
        chunks.add(new RunOptions.Chunk(backfillId, name, new InputSlice(null, chunking.column(),
            value.isNullAt(0) ? null : value.getString(0))));
      }
    }
    if (chunks.isEmpty()) {
      throw new ConfigException("Cannot backfill " + options.input() + ": no chunk to process (" + chunking
          + "); check --input and the range");
    }
    return chunks;
  }

  private String relative(String file) {
    String root = new org.apache.hadoop.fs.Path(options.input()).toUri().getPath();
    String path = new org.apache.hadoop.fs.Path(file).toUri().getPath();
    return path.startsWith(root) ? path.substring(root.length()).replaceFirst("^/", "") : path;
  }

  /** Same input, chunking, model and queries: the same backfill, resumable. */
  /** The same backfill (input, chunks, models, queries) has the same id, so that rerunning it resumes it. */
  private String backfillId(RunModels models) {
    StringBuilder key = new StringBuilder();
    key.append(options.input()).append('\n').append(options.inputFormat()).append('\n')
        .append(options.idColumn()).append('\n').append(options.textColumn()).append('\n')
        .append(chunking).append('\n').append(models.main().sha256()).append('\n');
    // Written only when there is a classifier, so that answer-only backfills keep the ids they had.
    if (models.answers() != null && models.labels() != null) {
      key.append("classifier ").append(models.labels().sha256()).append('\n');
    }
    for (Query q : options.queries()) {
      key.append(q.id()).append('\t').append(q.question()).append('\t').append(q.settings())
          .append(q.isClassification() ? "\t" + q.classification() : "").append('\n');
    }
    return Sha256.of(key.toString()).substring(0, 16);
  }
}
