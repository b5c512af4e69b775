package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
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
 * The {@code runs} Iceberg table: one row per run, written before the run commits anything (status
 * {@code RUNNING}, no counts yet) and completed at its end, so that every row of every other table
 * names a run that is here. The counts of a finished run reconcile: every record read is answered,
 * skipped as unchanged, collapsed as an identical duplicate, or quarantined.
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
          // From here to windows_per_second: null until the run ends, and for a run that did not finish.
          .add("ended_at", DataTypes.TimestampType, true)
          .add("records_read", DataTypes.LongType, true)
          .add("records_answered", DataTypes.LongType, true)
          .add("records_unchanged", DataTypes.LongType, true)
          .add("records_duplicate", DataTypes.LongType, true)
          .add("records_quarantined", DataTypes.LongType, true)
          .add("unreadable_files", DataTypes.LongType, true)
          .add("pairs_answered", DataTypes.LongType, true)
          .add("pairs_quarantined", DataTypes.LongType, true)
          .add("answer_rows", DataTypes.LongType, true)
          .add("windows", DataTypes.LongType, true)
          .add("windows_per_second", DataTypes.DoubleType, true)
          .add("status", DataTypes.StringType, false)
          .add("backfill_id", DataTypes.StringType, true)
          .add("chunk", DataTypes.StringType, true)
          .add("driver", DataTypes.StringType, true)
          .add("error_class", DataTypes.StringType, true)
          // From the run's start to its last commit: what the operator waited, the model stage included.
          .add("wall_seconds", DataTypes.DoubleType, true)
          // Over the run's (document, question) pairs: windows the model read, and all they had.
          .add("windows_read", DataTypes.LongType, true)
          .add("windows_total", DataTypes.LongType, true)
          // The classification model of the run's classify queries (null without any), and its rows.
          .add("classifier_name", DataTypes.StringType, true)
          .add("classifier_sha256", DataTypes.StringType, true)
          .add("label_rows", DataTypes.LongType, true);

  /** Where a run stands, the {@code status} column. */
  public enum Status {
    /** Started and not finished: still running, or its driver died before it could say so. */
    RUNNING,
    SUCCEEDED,
    /** Answers were written, but more records were quarantined than {@code --max-quarantine-share} allows. */
    FAILED_QUARANTINE_SHARE,
    /** An error stopped it ({@code error_class}); what it committed before stays, and a rerun finishes. */
    FAILED,
    /** Its driver was found gone by a later run while this row still said RUNNING. */
    INTERRUPTED
  }

  /** A run left RUNNING by an earlier driver, as a later run found it. */
  public record Unfinished(String runId, String driver, Instant startedAt, DriverProcess.Liveness driverNow) {}

  private final SparkSession spark;
  private final String name;
  private final IcebergTable table;

  private RunsTable(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
    // driver and error_class came with RUNNING rows, wall_seconds after; runs tables made before lack them.
    this.table = new IcebergTable(spark, name, SCHEMA, null, List.of(), Set.of("driver", "error_class", "wall_seconds", "windows_read", "windows_total",
        "classifier_name", "classifier_sha256", "label_rows"));
  }

  public static RunsTable in(SparkSession spark, String name) {
    return new RunsTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** See {@link IcebergTable#refuseRootPredecessor()}. */
  public void refuseRootPredecessor() {
    table.refuseRootPredecessor();
  }

  /** A model as the runs table names it. */
  public record ModelIdentity(String name, String sha256) {}

  /**
   * Appends the run's RUNNING row, before it commits anything elsewhere.
   *
   * @param model the model of the answer queries, or the classifier when all queries classify
   * @param classifier the model of the classify queries; null when there are none
   */
  public void begin(String runId, RunOptions options, ModelIdentity model, ModelIdentity classifier, Instant startedAt) {
    RunOptions.Chunk chunk = options.chunk();
    table.append(RowFactory.create(runId, options.mode().name().toLowerCase(Locale.ROOT), options.input(),
        model.name(), model.sha256(), options.queries().size(), Timestamp.from(startedAt), null, null, null, null,
        null, null, null, null, null, null, null, null, Status.RUNNING.name(),
        chunk == null ? null : chunk.backfillId(), chunk == null ? null : chunk.name(), DriverProcess.current(), null,
        null, null, null, classifier == null ? null : classifier.name(), classifier == null ? null : classifier.sha256(),
        null));
  }

  /** Completes the run's row with its counts and final status; it ends now. */
  public void end(RunSummary s, Status status) {
    table.update(String.join(", ",
        "ended_at = " + now(),
        "records_read = " + s.recordsRead(),
        "records_answered = " + s.recordsAnswered(),
        "records_unchanged = " + s.recordsUnchanged(),
        "records_duplicate = " + s.recordsDuplicate(),
        "records_quarantined = " + s.recordsQuarantined(),
        "unreadable_files = " + s.unreadableFiles(),
        "pairs_answered = " + s.pairsAnswered(),
        "pairs_quarantined = " + s.pairsQuarantined(),
        "answer_rows = " + s.answerRows(),
        "windows = " + s.windows(),
        "windows_per_second = CAST('" + s.windowsPerSecond() + "' AS DOUBLE)",
        "wall_seconds = CAST('" + s.wallSeconds() + "' AS DOUBLE)",
        "windows_read = " + s.windowsRead(),
        "windows_total = " + s.windowsTotal(),
        "label_rows = " + s.labelRows(),
        "status = '" + status.name() + "'"), "run_id = " + literal(s.runId()));
  }

  /** Marks the run FAILED with the class of the error that stopped it; it ends now. */
  public void fail(String runId, Throwable error) {
    table.update("ended_at = " + now() + ", status = '" + Status.FAILED.name() + "', error_class = "
        + literal(error.getClass().getName()), "run_id = " + literal(runId));
  }

  /**
   * The runs still RUNNING whose driver is not this JVM; those whose driver is known to be gone are
   * marked INTERRUPTED here (their committed rows stay, and an incremental rerun finishes their
   * work). Those on other hosts cannot be judged from here and are only returned.
   */
  public List<Unfinished> markInterrupted() {
    List<Unfinished> found = new ArrayList<>();
    String self = DriverProcess.current();
    for (Row row : spark.table(name).filter(col("status").equalTo(Status.RUNNING.name()))
        .select("run_id", "driver", "started_at").collectAsList()) {
      String driver = row.getString(1);
      if (self.equals(driver)) {
        continue;
      }
      Instant startedAt = row.getTimestamp(2).toInstant();
      Unfinished run = new Unfinished(row.getString(0), driver, startedAt, DriverProcess.of(driver, startedAt));
      if (run.driverNow() == DriverProcess.Liveness.GONE) {
        table.update("status = '" + Status.INTERRUPTED.name() + "'",
            "run_id = " + literal(run.runId()) + " AND status = '" + Status.RUNNING.name() + "'");
      }
      found.add(run);
    }
    return found;
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

  /** Now, as a SQL expression independent of the session's time zone. */
  private static String now() {
    Instant now = Instant.now();
    return "timestamp_micros(" + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000) + ")";
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
