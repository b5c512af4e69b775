package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.RunOptions;

/**
 * The {@code runs} Iceberg table: one row per run, whose counts reconcile: every record read is
 * answered, skipped as unchanged, collapsed as an identical duplicate, or quarantined.
 */
public final class RunsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("mode", DataTypes.StringType, false)
          .add("input", DataTypes.StringType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("queries", DataTypes.IntegerType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("records_read", DataTypes.LongType, false)
          .add("records_answered", DataTypes.LongType, false)
          .add("records_unchanged", DataTypes.LongType, false)
          .add("records_duplicate", DataTypes.LongType, false)
          .add("records_quarantined", DataTypes.LongType, false)
          .add("unreadable_files", DataTypes.LongType, false)
          .add("pairs_answered", DataTypes.LongType, false)
          .add("pairs_quarantined", DataTypes.LongType, false)
          .add("answer_rows", DataTypes.LongType, false)
          .add("windows", DataTypes.LongType, false)
          .add("windows_per_second", DataTypes.DoubleType, false)
          .add("status", DataTypes.StringType, false)
          .add("backfill_id", DataTypes.StringType, true)
          .add("chunk", DataTypes.StringType, true);

  /** How a run ended, the {@code status} column. */
  public enum Status {
    SUCCEEDED,
    /** Answers were written, but more records were quarantined than {@code --max-quarantine-share} allows. */
    FAILED_QUARANTINE_SHARE
  }

  private final SparkSession spark;
  private final String name;
  private final IcebergTable table;

  private RunsTable(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
    this.table = new IcebergTable(spark, name, SCHEMA, null, List.of());
  }

  public static RunsTable in(SparkSession spark, String name) {
    return new RunsTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** Appends the run's row; it ends now. */
  public void append(
      RunSummary s, RunOptions options, String modelName, String modelSha256, Instant startedAt, Status status) {
    RunOptions.Chunk chunk = options.chunk();
    table.append(RowFactory.create(s.runId(), s.mode().name().toLowerCase(Locale.ROOT), options.input(), modelName,
        modelSha256, options.queries().size(), Timestamp.from(startedAt), new Timestamp(System.currentTimeMillis()),
        s.recordsRead(), s.recordsAnswered(), s.recordsUnchanged(), s.recordsDuplicate(), s.recordsQuarantined(),
        s.unreadableFiles(), s.pairsAnswered(), s.pairsQuarantined(), s.answerRows(), s.windows(),
        s.windowsPerSecond(), status.name(), chunk == null ? null : chunk.backfillId(),
        chunk == null ? null : chunk.name()));
  }

  /** The chunks of a backfill that succeeded; none when the table does not exist yet. */
  public Set<String> succeededChunks(String backfillId) {
    Set<String> done = new HashSet<>();
    if (!spark.catalog().tableExists(name)) {
      return done;
    }
    for (Row row : spark.table(name)
        .filter(col("backfill_id").equalTo(backfillId).and(col("status").equalTo(Status.SUCCEEDED.name())))
        .select("chunk").collectAsList()) {
      done.add(row.getString(0));
    }
    return done;
  }
}
